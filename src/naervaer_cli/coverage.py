"""Whether the data cover a period: from its start, and without a week missing inside.

Exports list absence, not the days they cover: the dates that have records are all the tool
knows of which days the data hold. A class can have a day or two without any absence, not a
school week:

- data whose earliest record is later than a period's first SLACK_DAYS school days start
  after the period does (`uncovered_start`);
- SLACK_DAYS school days or more in a row without a record, between the first and the last
  record, are a hole (`gaps`): a break the calendar does not know, or an export left out.

Counts over such days are too low, and a share or a comparison over them is wrong. The
callers say so (scan), or refuse to publish such figures (overview); they never read days
without data as days present.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

# One school week: the gap at a period's start that absence-free days can explain.
SLACK_DAYS = 5
# What a gap may be and how to say so, in every message that names one.
BREAK_HINT = "Er det en ferie, legg den inn i [calendar] breaks i konfigurasjonen"

if TYPE_CHECKING:
    import polars as pl

    from naervaer_cli.calendar import SchoolCalendar


def record_dates(records: pl.DataFrame) -> frozenset[date]:
    """The dates that have a record: all the tool knows of which days the data hold."""
    import polars as pl

    found = records.lazy().select(pl.col("date").unique().drop_nulls()).collect()
    return frozenset(found.to_series())


def uncovered_start(
    data_first: date | None, calendar: SchoolCalendar, first: date, last: date
) -> date | None:
    """The first school day of [first, last] when the data start after it (after its first
    SLACK_DAYS school days), else None.

    `data_first` is the earliest record's date; None (no records) covers nothing. A period
    without school days needs no data.
    """
    days = calendar.school_days(first, last) if first <= last else []
    if not days:
        return None
    if data_first is None or data_first > days[min(SLACK_DAYS, len(days)) - 1]:
        return days[0]
    return None


def gaps(
    dates: Collection[date], calendar: SchoolCalendar, first: date, last: date
) -> list[tuple[date, date, int]]:
    """Runs of at least SLACK_DAYS school days in [first, last] without a date of `dates`
    (the days with records), between the earliest and the latest of them: (first day, last
    day, school days) of each, in order."""
    if not dates:
        return []
    start, end = max(first, min(dates)), min(last, max(dates))
    days = calendar.school_days(start, end) if start <= end else []
    found: list[tuple[date, date, int]] = []
    run: list[date] = []
    for day in [*days, None]:
        if day is not None and day not in dates:
            run.append(day)
            continue
        if len(run) >= SLACK_DAYS:
            found.append((run[0], run[-1], len(run)))
        run = []
    return found


def covers(dates: Collection[date], calendar: SchoolCalendar, first: date, last: date) -> bool:
    """Whether the days with records cover [first, last]: from its start, with no gap."""
    return uncovered_start(min(dates, default=None), calendar, first, last) is None and not gaps(
        dates, calendar, first, last
    )
