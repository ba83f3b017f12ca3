"""The absence figures for the vitnemål (8.–10. trinn): days, hours and what may be left off.

The rules are Udir's («Føring av vitnemål og kompetansebevis for grunnskolen», 2024, kap. 5)
and the forskrift to opplæringslova; which kinds count, which are health kinds, the grades,
the cap and the rounding of hours are policy data (`[certificate]`):

- A **day** is a whole-day record, or a school day on which every lesson was missed (the
  absent lessons cover the policy's school day for the group, with no gap longer than a
  break, `school.block_gap_minutes`).
- **Hours** are the other absent lesson minutes ÷ 60, rounded once per pupil and year;
  single lessons are never merged into days.
- **May be left off**: in each run of more than `health_min_days` consecutive school days of
  a health kind, the days after them (from the fourth); with a `kronisk` requirement every
  health day it covers; every permisjon day. At most `max_left_off_days` per school year.
- **Left off** is what the pupil has required in the case log, of the days that may be left
  off, in date order up to the cap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from naervaer_cli.errors import InputError, UsageError, where

if TYPE_CHECKING:
    import polars as pl

    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.caselog.events import LeaveOff
    from naervaer_cli.policy import CertificatePolicy, DayTimes, Policy

# The school year runs from 1 August to 31 July.
YEAR_START_MONTH = 8


def school_year_of(day: date) -> int:
    """The calendar year the school year of `day` begins in (2026-03-02 → 2025)."""
    return day.year if day.month >= YEAR_START_MONTH else day.year - 1


@dataclass(frozen=True)
class SchoolYear:
    start_year: int

    @property
    def first(self) -> date:
        return date(self.start_year, YEAR_START_MONTH, 1)

    @property
    def last(self) -> date:
        return date(self.start_year + 1, YEAR_START_MONTH, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @classmethod
    def of(cls, day: date) -> SchoolYear:
        return cls(school_year_of(day))

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """`2025-2026`, `2025/2026` or `2025-26`; anything else is a usage error."""
        found = re.fullmatch(r"\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*", text)
        if found:
            first, second = int(found.group(1)), found.group(2)
            if int(second) == (first + 1) % (100 if len(second) == 2 else 10_000):
                return cls(first)
        raise UsageError(
            f"«{text}» er ikke et skoleår. Skriv det som 2025-2026 (1. august til 31. juli)."
        )


@dataclass(frozen=True)
class Run:
    """Consecutive whole school days of absence of a health kind or of permisjon."""

    first: date
    last: date
    kind: str  # the kind, or the kinds joined with "+" when a health run mixes them
    days: int
    may_leave_off: int  # before the yearly cap


@dataclass(frozen=True)
class PupilCertificate:
    pupil_id: str
    name: str
    group: str
    days: int
    hours: int
    may_leave_off: int
    left_off: int
    runs: tuple[Run, ...]
    minutes: int  # the absent lesson minutes behind `hours`, for checking
    left_off_dates: tuple[date, ...]

    @property
    def days_recorded(self) -> int:
        return self.days - self.left_off

    @property
    def hours_recorded(self) -> int:
        # Only days may be left off; hours always stand.
        return self.hours


@dataclass(frozen=True)
class CertificateResult:
    year: SchoolYear
    pupils: tuple[PupilCertificate, ...]
    policy: str
    rules: CertificatePolicy


@dataclass
class _Day:
    """One pupil's counting records on one date."""

    whole: bool = False
    kinds: set[str] | None = None
    lessons: list[tuple[time | None, time | None, int]] | None = None

    def add(self, kind: str, whole: bool, start: time | None, end: time | None, minutes: int):
        self.kinds = (self.kinds or set()) | {kind}
        if whole:
            self.whole = True
        else:
            self.lessons = [*(self.lessons or []), (start, end, minutes)]


def _minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def covers_school_day(
    lessons: Iterable[tuple[time | None, time | None, int]], day: DayTimes, gap: int
) -> bool:
    """Whether the timed lessons span the school day with no gap longer than `gap` minutes."""
    timed = sorted((_minutes_of(s), _minutes_of(e)) for s, e, _ in lessons if s and e)
    if not timed or timed[0][0] > _minutes_of(day.start):
        return False
    reach = timed[0][1]
    for start, end in timed[1:]:
        if start - reach > gap:
            return False
        reach = max(reach, end)
    return reach >= _minutes_of(day.end)


def certificate(
    records: pl.DataFrame,
    policy: Policy,
    calendar: SchoolCalendar,
    year: SchoolYear,
    requests: Sequence[LeaveOff] = (),
    group: str | None = None,
) -> CertificateResult:
    """The vitnemål figures of every pupil of the policy's grades with records in `year`."""
    import polars as pl

    from naervaer_cli.scan import group_key, nordic_key

    rules = policy.certificate
    in_year = records.filter(pl.col("date").is_between(year.first, year.last))
    identities = _identities(in_year)
    wanted = {
        pid
        for pid, (_, grp) in identities.items()
        if _grade(grp) in rules.grades
        and (group is None or grp.strip().casefold() == group.strip().casefold())
    }
    counting = in_year.filter(
        pl.col("pupil_id").is_in(sorted(wanted))
        & pl.col("kind").cast(pl.String).is_in(list(rules.counting_kinds))
    )
    days: dict[str, dict[date, _Day]] = defaultdict(lambda: defaultdict(_Day))
    columns = ("pupil_id", "date", "kind", "whole_day", "start", "end", "minutes")
    for pid, day, kind, whole, start, end, minutes, source, row in counting.select(
        *columns, pl.col("source").cast(pl.String), "source_row"
    ).iter_rows():
        if not whole and minutes is None:
            # The importer gives every lesson row its minutes; a frame without them is broken.
            raise InputError(
                f"{where(source, row, 'Minutter')}: timen mangler fraværsminutter; "
                "oppgi minutter, timer eller fra og til klokkeslett."
            )
        days[pid][day].add(kind, bool(whole), start, end, minutes or 0)
    by_pupil: dict[str, list[LeaveOff]] = defaultdict(list)
    for item in requests:
        by_pupil[item.pupil_id].append(item)
    pupils = [
        _pupil(pid, identities[pid], days.get(pid, {}), by_pupil[pid], policy, calendar, year)
        for pid in wanted
    ]
    pupils.sort(key=lambda p: (group_key(p.group), nordic_key(p.name), p.pupil_id))
    return CertificateResult(year=year, pupils=tuple(pupils), policy=policy.name, rules=rules)


def _grade(group: str) -> int | None:
    found = re.match(r"\s*(\d+)", group or "")
    return int(found.group(1)) if found else None


def _identities(records: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """Name and group of each pupil on their latest date in the year (largest value on ties)."""
    import polars as pl

    latest = (
        records.select("pupil_id", "name", "group", "date")
        .filter(pl.col("date") == pl.col("date").max().over("pupil_id"))
        .group_by("pupil_id")
        .agg(pl.col("name").drop_nulls().max(), pl.col("group").drop_nulls().max())
    )
    return {pid: (name or "", grp or "") for pid, name, grp in latest.iter_rows()}


def _pupil(
    pid: str,
    identity: tuple[str, str],
    days: dict[date, _Day],
    requests: list[LeaveOff],
    policy: Policy,
    calendar: SchoolCalendar,
    year: SchoolYear,
) -> PupilCertificate:
    rules = policy.certificate
    school_day = policy.school.day_for(identity[1])
    whole: dict[date, str | None] = {}  # whole days and their one kind (None when mixed)
    minutes = 0
    for day, info in sorted(days.items()):
        lessons = info.lessons or []
        if info.whole or covers_school_day(lessons, school_day, policy.school.block_gap_minutes):
            kinds = info.kinds or set()
            whole[day] = next(iter(kinds)) if len(kinds) == 1 else None
        else:
            minutes += sum(m for _, _, m in lessons)
    runs, run_days = _runs(whole, rules, calendar)
    health_days = {d for d, k in whole.items() if k in rules.health_kinds}
    leave_days = {d for d, k in whole.items() if k in rules.leave_kinds}
    late_health = {d for d, position in run_days.items() if position > rules.health_min_days}
    chronic = {d for r in requests if r.reason == "kronisk" for d in health_days if _in(d, r)}
    eligible = late_health | leave_days | chronic
    chosen: set[date] = set()
    for r in requests:
        pool = {"helse": late_health, "kronisk": health_days, "permisjon": leave_days}[r.reason]
        chosen |= {d for d in pool if _in(d, r)}
    left = tuple(sorted(chosen)[: rules.max_left_off_days])
    chronic_by_run = [
        sum(1 for d in chronic - late_health if run.first <= d <= run.last) for run in runs
    ]
    runs = [
        Run(r.first, r.last, r.kind, r.days, r.may_leave_off + extra)
        for r, extra in zip(runs, chronic_by_run, strict=True)
    ]
    return PupilCertificate(
        pupil_id=pid,
        name=identity[0],
        group=identity[1],
        days=len(whole),
        hours=rules.round_hours(minutes),
        may_leave_off=min(len(eligible), rules.max_left_off_days),
        left_off=len(left),
        runs=tuple(runs),
        minutes=minutes,
        left_off_dates=left,
    )


def _in(day: date, request: LeaveOff) -> bool:
    return request.first <= day <= request.last


def _runs(
    whole: dict[date, str | None], rules: CertificatePolicy, calendar: SchoolCalendar
) -> tuple[list[Run], dict[date, int]]:
    """The runs of health days and of permisjon days, and each health day's place in its run.

    Days are consecutive when no school day lies between them, so a weekend or a holiday does
    not break a run.
    """

    def category(kind: str | None) -> str | None:
        if kind in rules.health_kinds:
            return "health"
        if kind in rules.leave_kinds:
            return "leave"
        return None

    spans: list[list[date]] = []
    previous: date | None = None
    for day in sorted(whole):
        cat = category(whole[day])
        joined = (
            previous is not None
            and cat is not None
            and category(whole[previous]) == cat
            and not calendar.school_days(previous + timedelta(days=1), day - timedelta(days=1))
        )
        if joined:
            spans[-1].append(day)
        elif cat is not None:
            spans.append([day])
        previous = day
    runs, positions = [], {}
    for span in spans:
        kinds = list(dict.fromkeys(str(whole[d]) for d in span))
        if category(whole[span[0]]) == "health":
            positions.update({d: n for n, d in enumerate(span, start=1)})
            may = max(0, len(span) - rules.health_min_days)
        else:
            may = len(span)
        runs.append(Run(span[0], span[-1], "+".join(kinds), len(span), may))
    return runs, positions


def to_json(result: CertificateResult) -> dict:
    """The JSON contract: `{"year": "2025-2026", "pupils": [...]}`."""
    return {
        "year": result.year.label,
        "pupils": [
            {
                "pupil_id": p.pupil_id,
                "name": p.name,
                "group": p.group,
                "days": p.days,
                "hours": p.hours,
                "may_leave_off": p.may_leave_off,
                "left_off": p.left_off,
                "days_recorded": p.days_recorded,
                "hours_recorded": p.hours_recorded,
                "runs": [
                    {
                        "first": r.first.isoformat(),
                        "last": r.last.isoformat(),
                        "kind": r.kind,
                        "days": r.days,
                        "may_leave_off": r.may_leave_off,
                    }
                    for r in p.runs
                ],
            }
            for p in result.pupils
        ],
    }
