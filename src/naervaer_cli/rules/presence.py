"""«Har nærværet økt?»: presence since a measure against as many school days before.

Pure, like the rules: records, calendar and dates in, a comparison out (no clock, no I/O).

The period after runs over the school days after the day the measure was decided, up to and
including the reference date; the period before is as many school days immediately before that
day. The decision day itself is in neither: it is the day things changed. A day's absence is
1 for a whole-day record of a counting kind, else min(1, the day's absent minutes of counting
kinds / `whole_day_minutes`); presence is 1 minus the mean absence over the period's school days.
Records on days that are not school days are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from naervaer_cli.calendar import SchoolCalendar

# The most school days looked back for the period before, so a calendar without school days
# (a misconfigured skolerute) cannot make the search run forever.
_MAX_LOOKBACK_DAYS = 366


@dataclass(frozen=True)
class PresenceComparison:
    """Presence before and after a measure; rates are 0–1, None when a period has no school day."""

    pupil_id: str
    measure_date: date
    as_of: date
    days_before: int
    days_after: int
    presence_before: float | None
    presence_after: float | None
    before_first: date | None
    before_last: date | None
    after_first: date | None
    after_last: date | None

    @property
    def difference(self) -> float | None:
        """After minus before, in rate points (0.05 = 5 percentage points more presence)."""
        if self.presence_before is None or self.presence_after is None:
            return None
        return self.presence_after - self.presence_before

    @property
    def improved(self) -> bool:
        return self.difference is not None and self.difference > 0

    def figures(self) -> dict[str, Any]:
        """The figures as the case log stores them with an evaluation."""
        return {
            "presence_before": _round(self.presence_before),
            "presence_after": _round(self.presence_after),
            "difference": _round(self.difference),
            "days_before": self.days_before,
            "days_after": self.days_after,
            "measure_date": self.measure_date,
            "before_first": self.before_first,
            "before_last": self.before_last,
            "after_first": self.after_first,
            "after_last": self.after_last,
        }


def data_end(records: pl.DataFrame, as_of: date) -> date | None:
    """`as_of`, or the records' last date if earlier; None when there are no records.

    The exports say nothing about days after their last date: those are not days present.
    """
    last = records.get_column("date").max() if not records.is_empty() else None
    return min(as_of, last) if isinstance(last, date) else None


def compare_presence(
    records: pl.DataFrame,
    pupil_id: str,
    measure_date: date,
    as_of: date,
    calendar: SchoolCalendar,
    *,
    counting_kinds: Iterable[str],
    whole_day_minutes: int,
) -> PresenceComparison:
    """Compare the pupil's presence after `measure_date` (to `as_of`) with as long before it."""
    after = calendar.school_days(measure_date + timedelta(days=1), as_of)
    before = _school_days_before(calendar, measure_date, len(after))
    absence = _absence_by_day(records, pupil_id, set(counting_kinds), whole_day_minutes)
    return PresenceComparison(
        pupil_id=pupil_id,
        measure_date=measure_date,
        as_of=as_of,
        days_before=len(before),
        days_after=len(after),
        presence_before=_presence(before, absence),
        presence_after=_presence(after, absence),
        before_first=before[0] if before else None,
        before_last=before[-1] if before else None,
        after_first=after[0] if after else None,
        after_last=after[-1] if after else None,
    )


def _school_days_before(calendar: SchoolCalendar, day: date, count: int) -> list[date]:
    days: list[date] = []
    probe = day - timedelta(days=1)
    while len(days) < count and (day - probe).days <= _MAX_LOOKBACK_DAYS:
        if calendar.is_school_day(probe):
            days.append(probe)
        probe -= timedelta(days=1)
    return sorted(days)


def _absence_by_day(
    records: pl.DataFrame, pupil_id: str, kinds: set[str], whole_day_minutes: int
) -> dict[date, float]:
    if whole_day_minutes <= 0:
        raise ValueError("whole_day_minutes must be positive")
    rows = (
        records.lazy()
        .filter(
            (pl.col("pupil_id") == pupil_id) & pl.col("kind").cast(pl.String).is_in(sorted(kinds))
        )
        .group_by("date")
        .agg(
            whole=pl.col("whole_day").fill_null(False).any(),
            minutes=pl.col("minutes").fill_null(0).sum(),
        )
        .collect()
    )
    return {
        row["date"]: 1.0 if row["whole"] else min(1.0, row["minutes"] / whole_day_minutes)
        for row in rows.iter_rows(named=True)
    }


def _presence(days: list[date], absence: dict[date, float]) -> float | None:
    if not days:
        return None
    return 1.0 - sum(absence.get(day, 0.0) for day in days) / len(days)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
