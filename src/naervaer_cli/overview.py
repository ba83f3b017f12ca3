"""The anonymous overview for rektor and skoleeier: absence share per school, grade, group and
week, pupils per status and NIVÅ, open cases and overdue evaluations, and last year's figures.

What is counted:

- **Pupils** of a unit (school, grade, group): every pupil with at least one record of any
  kind in the term, in the group of their latest record in it. The exports list no pupil
  without records, so the shares are of these pupils.
- **Absence share**: each school day a pupil is absent counts 1 when a whole-day record or at
  least `school.whole_day_minutes` absent minutes, else the absent minutes ÷ the group's
  school day (at most 1); the policy's counting kinds only. A unit's share in a week is the
  sum over its pupils ÷ (pupils × school days of the week), as in the pack's fraværsoversikt.
- **Status and NIVÅ**: the scan on the reference date (bekymring, følg med, no flag) and its
  suggested NIVÅ, which reads the case log; **open cases** and **overdue evaluations** from
  the case log.
- **Last year**: the same school days 52 weeks earlier (the same weekdays and week numbers),
  per school and grade, with the pupils who have records then; "–" for a school whose data
  do not reach back that far (coverage.py), and for all schools together then.

The data must cover the period: a school whose records start after the period's first
school week is refused, with the date to give as `--from` (shares over days without data
would be too low, and those weeks would show 0 %). A school week without any record inside
the period (a break the calendar does not know, or data left out) is named in `holes`.

No name or pupil number leaves this module; every count is suppressed by `disclosure.py`, and
a share is shown only when its unit's pupil count is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from naervaer_cli.coverage import gaps, uncovered_start
from naervaer_cli.disclosure import COMPLEMENT, SHOWN, SMALL, suppress
from naervaer_cli.errors import InputError, UsageError

if TYPE_CHECKING:
    import polars as pl

    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.policy import Policy
    from naervaer_cli.result import CaseSummary

# Comparing with the same weeks a year before: 52 weeks keep weekdays and week numbers.
YEAR_BEFORE = timedelta(weeks=52)
STATUSES: tuple[str, ...] = ("concern", "watch", "none")
STATUS_LABELS: tuple[str, ...] = ("Bekymring", "Følg med", "Ingen varsel")
NO_LEVEL = "Ingen sak eller varsel"
LEVELS = ("alle", "skole", "trinn", "gruppe")


@dataclass(frozen=True)
class Figure:
    """A published number, or why it is not: `value` is None whenever `mark` is set."""

    value: float | None
    mark: str = SHOWN  # SHOWN, SMALL («<5») or COMPLEMENT («×»); "–" when there is no figure

    @property
    def shown(self) -> bool:
        return self.mark == SHOWN


NONE = Figure(None, "–")


@dataclass(frozen=True)
class Week:
    week: int
    monday: date
    school_days: int


@dataclass(frozen=True)
class UnitRow:
    level: str  # one of LEVELS
    label: str
    school: str
    pupils: Figure
    share: Figure
    weeks: tuple[Figure, ...]
    status: tuple[Figure, ...]  # counts in STATUSES order
    levels: tuple[Figure, ...]  # counts: no case or flag, then NIVÅ 0, 1, …
    open_cases: Figure
    overdue: Figure
    last_pupils: Figure  # NONE for groups
    last_share: Figure
    last_weeks: tuple[Figure, ...]


@dataclass(frozen=True)
class OverviewResult:
    as_of: date
    first: date
    weeks: tuple[Week, ...]
    min_group: int
    policy: str
    schools: tuple[str, ...]
    level_labels: tuple[str, ...]
    rows: tuple[UnitRow, ...]
    last_first: date
    last_as_of: date
    # Schools whose data do not reach back to last year's period, with where their data
    # start: their figures for last year are "–".
    last_missing: tuple[tuple[str, date], ...] = ()
    # School weeks (SLACK_DAYS school days or more) without a record inside this year's or
    # last year's period, per school: a break the calendar does not know, or data missing.
    holes: tuple[tuple[str, date, date, int], ...] = ()

    @property
    def small_text(self) -> str:
        return f"<{self.min_group}"


# --------------------------------------------------------------------------- the core


def grade_of(group: str) -> int | None:
    found = re.match(r"\s*(\d+)", group or "")
    return int(found.group(1)) if found else None


def grade_label(grade: int | None) -> str:
    return f"{grade}. trinn" if grade is not None else "Uten trinn"


@dataclass
class _Counts:
    """Raw per-unit tallies before suppression; never leaves this module."""

    pupils: int = 0
    absent: float = 0.0
    weeks: list[float] | None = None
    status: list[int] | None = None
    levels: list[int] | None = None
    open_cases: int = 0
    overdue: int = 0
    last_pupils: int = 0
    last_absent: float = 0.0
    last_weeks: list[float] | None = None


def overview(
    records: pl.DataFrame,
    policy: Policy,
    calendar: SchoolCalendar,
    *,
    as_of: date,
    first: date,
    cases: Mapping[str, Mapping[str, CaseSummary]] | None = None,
) -> OverviewResult:
    """The anonymous overview of `records` (with a `school` column) from `first` to `as_of`.

    `cases` are each school's open cases by pupil id (the case log's summaries).
    """
    import polars as pl

    from naervaer_cli.levels import evaluation_overdue
    from naervaer_cli.scan import group_key, nordic_key, scan

    if first > as_of:
        raise UsageError(f"Perioden starter {first:%d.%m.%Y}, etter referansedatoen.")
    cases = cases or {}
    plan = policy.plans["skole"]
    level_numbers = [lv.level for lv in plan.levels]
    level_labels = (NO_LEVEL, *(f"NIVÅ {n}" for n in level_numbers))
    days = calendar.school_days(first, as_of)
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    weeks = tuple(
        Week(
            m.isocalendar().week,
            m,
            sum(1 for d in days if m <= d < m + timedelta(days=7)),
        )
        for m in mondays
    )
    week_of = {m: i for i, m in enumerate(mondays)}
    last_first, last_as_of = first - YEAR_BEFORE, as_of - YEAR_BEFORE
    last_days = calendar.school_days(last_first, last_as_of)
    last_mondays = sorted({d - timedelta(days=d.weekday()) for d in last_days})
    # Last year's week i is this year's week with the same Monday 52 weeks on.
    last_week_of = {m: week_of.get(m + YEAR_BEFORE) for m in last_mondays}
    last_days_per_week = [0] * len(weeks)
    for day in last_days:
        place = last_week_of.get(day - timedelta(days=day.weekday()))
        if place is not None:
            last_days_per_week[place] += 1

    record_days = _record_days(records)
    starts = {school: min(days) for school, days in record_days.items()}
    _refuse_uncovered(starts, calendar, first, as_of)
    holes = _holes(record_days, calendar, ((last_first, last_as_of), (first, as_of)))
    last_missing = tuple(
        (school, start)
        for school, start in starts.items()
        if uncovered_start(start, calendar, last_first, last_as_of) is not None
    )
    this_year = _pupil_days(records, policy, first, as_of, set(days))
    last_year = _pupil_days(records, policy, last_first, last_as_of, set(last_days))

    schools = sorted(
        {s for s, _ in this_year.groups} | {s for s, _ in last_year.groups}, key=nordic_key
    )
    units: dict[tuple[str, str, str, str], _Counts] = {}

    def unit(level: str, school: str = "", grade: str = "", group: str = "") -> _Counts:
        key = (level, school, grade, group)
        if key not in units:
            units[key] = _Counts(
                weeks=[0.0] * len(weeks),
                status=[0] * len(STATUSES),
                levels=[0] * len(level_labels),
                last_weeks=[0.0] * len(weeks),
            )
        return units[key]

    scans: dict[str, dict[str, Any]] = {}
    for school in schools:
        mine = records.filter(pl.col("school") == school)
        result = scan(
            mine.drop("school"),
            policy,
            as_of=as_of,
            calendar=calendar,
            cases=cases.get(school),
            setting="skole",
        )
        scans[school] = {p.pupil_id: p for p in result.pupils}

    for (school, pid), group in this_year.groups.items():
        grade = grade_label(grade_of(group))
        chain = [
            unit("skole", school),
            unit("trinn", school, grade),
            unit("gruppe", school, grade, group),
        ]
        if len(schools) > 1:
            chain.insert(0, unit("alle"))
        found = scans[school].get(pid)
        case = (cases.get(school) or {}).get(pid)
        status = (
            ("concern" if found.status == "concern" else "watch")
            if found is not None and found.flags
            else "none"
        )
        level = found.suggestion.level if found is not None else case.level if case else None
        level_place = 0 if level is None else 1 + _place(level, level_numbers)
        for counts in chain:
            counts.pupils += 1
            counts.absent += this_year.total.get((school, pid), 0.0)
            for monday, share in this_year.by_week.get((school, pid), {}).items():
                counts.weeks[week_of[monday]] += share  # type: ignore[index]
            counts.status[STATUSES.index(status)] += 1  # type: ignore[index]
            counts.levels[level_place] += 1  # type: ignore[index]
            counts.open_cases += case is not None
            counts.overdue += evaluation_overdue(case, as_of)
    for (school, pid), group in last_year.groups.items():
        chain = [unit("skole", school), unit("trinn", school, grade_label(grade_of(group)))]
        if len(schools) > 1:
            chain.insert(0, unit("alle"))
        for counts in chain:
            counts.last_pupils += 1
            counts.last_absent += last_year.total.get((school, pid), 0.0)
            for monday, share in last_year.by_week.get((school, pid), {}).items():
                place = last_week_of.get(monday)
                if place is not None:
                    counts.last_weeks[place] += share  # type: ignore[index]

    order = sorted(
        units,
        key=lambda k: (
            LEVELS.index(k[0]) > 0,
            nordic_key(k[1]),
            k[2] == "Uten trinn",
            group_key(k[2]),
            k[3] != "",
            group_key(k[3]),
        ),
    )
    rows = _suppressed(
        order,
        units,
        policy.overview.min_group,
        weeks,
        len(days),
        len(last_days),
        last_days_per_week,
        {school for school, _ in last_missing},
    )
    return OverviewResult(
        as_of=as_of,
        first=first,
        weeks=weeks,
        min_group=policy.overview.min_group,
        policy=policy.name,
        schools=tuple(schools),
        level_labels=level_labels,
        rows=rows,
        last_first=last_first,
        last_as_of=last_as_of,
        last_missing=tuple(sorted(last_missing, key=lambda item: nordic_key(item[0]))),
        holes=tuple(sorted(holes, key=lambda hole: (nordic_key(hole[0]), hole[1]))),
    )


def _record_days(records: pl.DataFrame) -> dict[str, frozenset[date]]:
    """Each school's dates with a record (coverage.py); a school with none is left out."""
    import polars as pl

    per_school = records.group_by("school").agg(pl.col("date").unique().drop_nulls())
    return {school: frozenset(days) for school, days in per_school.iter_rows() if days}


def _holes(
    record_days: Mapping[str, frozenset[date]],
    calendar: SchoolCalendar,
    periods: Sequence[tuple[date, date]],
) -> list[tuple[str, date, date, int]]:
    """Each school's gaps (coverage.py) in each of `periods`: (school, first, last, days)."""
    return [
        (school, *hole)
        for school, days in record_days.items()
        for first, last in periods
        for hole in gaps(days, calendar, first, last)
    ]


def _refuse_uncovered(
    starts: Mapping[str, date], calendar: SchoolCalendar, first: date, as_of: date
) -> None:
    """An InputError naming every school whose data start after the period's first school
    week, and the `--from` that they all cover."""
    from naervaer_cli.scan import nordic_key
    from naervaer_cli.words import date_text

    late = sorted(
        (
            (school, start)
            for school, start in starts.items()
            if uncovered_start(start, calendar, first, as_of) is not None
        ),
        key=lambda item: nordic_key(item[0]),
    )
    if not late:
        return
    day_one = calendar.school_days(first, as_of)[0]
    which = "; ".join(f"{school} har data fra {date_text(start)}" for school, start in late)
    latest = max(start for _, start in late)
    raise InputError(
        f"Dataene dekker ikke perioden {date_text(day_one)}–{date_text(as_of)}: {which}. "
        "Andelene ville blitt regnet over dager uten data og vist for lite fravær. "
        f"Oppgi --from {date_text(latest)}, eller ta med eksportene fra {date_text(day_one)}."
    )


def _place(level: int, numbers: Sequence[int]) -> int:
    """The column of NIVÅ `level`; a level beyond the plan's counts as its highest."""
    return numbers.index(level) if level in numbers else len(numbers) - 1


@dataclass(frozen=True)
class _PupilDays:
    groups: dict[tuple[str, str], str]  # (school, pupil) → group
    total: dict[tuple[str, str], float]  # absent day-equivalents in the period
    by_week: dict[tuple[str, str], dict[date, float]]  # … per Monday


def _pupil_days(
    records: pl.DataFrame, policy: Policy, first: date, last: date, school_days: set[date]
) -> _PupilDays:
    import polars as pl

    period = records.filter(pl.col("date").is_between(first, last))
    latest = (
        period.select("school", "pupil_id", "group", "date")
        .filter(pl.col("date") == pl.col("date").max().over("school", "pupil_id"))
        .group_by("school", "pupil_id")
        .agg(pl.col("group").fill_null("").max())
    )
    groups = {(s, p): g or "" for s, p, g in latest.iter_rows()}
    kinds = list(policy.counting_kinds("skole"))
    daily = (
        period.filter(
            pl.col("kind").cast(pl.String).is_in(kinds) & pl.col("date").is_in(sorted(school_days))
        )
        .group_by("school", "pupil_id", "date")
        .agg(
            pl.col("minutes").fill_null(0).sum().alias("minutes"),
            pl.col("whole_day").fill_null(False).any().alias("whole"),
        )
    )
    total: dict[tuple[str, str], float] = defaultdict(float)
    by_week: dict[tuple[str, str], dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for school, pid, day, minutes, whole in daily.iter_rows():
        length = policy.day_length("skole", groups[(school, pid)])
        if whole or minutes >= length.whole_day_minutes:
            share = 1.0
        else:
            share = min(minutes / length.minutes, 1.0) if length.minutes else 0.0
        total[(school, pid)] += share
        by_week[(school, pid)][day - timedelta(days=day.weekday())] += share
    return _PupilDays(groups, dict(total), {k: dict(v) for k, v in by_week.items()})


def _parent(key: tuple[str, str, str, str], multi: bool) -> tuple[str, str, str, str] | None:
    level, school, grade, _ = key
    if level == "gruppe":
        return ("trinn", school, grade, "")
    if level == "trinn":
        return ("skole", school, "", "")
    if level == "skole" and multi:
        return ("alle", "", "", "")
    return None


def _suppressed(
    order: list[tuple[str, str, str, str]],
    units: Mapping[tuple[str, str, str, str], _Counts],
    minimum: int,
    weeks: Sequence[Week],
    term_days: int,
    last_term_days: int,
    last_days: Sequence[int],
    no_last: set[str],
) -> tuple[UnitRow, ...]:
    """Every unit's figures with the counts suppressed and the shares hidden with them.

    `last_days` are last year's school days in the week matching each of `weeks`; `no_last`
    the schools whose data do not reach back to them (no figure for them, nor for all).
    """
    multi = ("alle", "", "", "") in units

    def has_last(key: tuple[str, str, str, str]) -> bool:
        if key[0] == "gruppe":
            return False
        return not no_last if key[0] == "alle" else key[1] not in no_last

    values: dict[tuple[Any, ...], int] = {}
    relations: list[list[tuple[Any, ...]]] = []
    children: dict[tuple[str, str, str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    for key in order:
        parent = _parent(key, multi)
        if parent is not None:
            children[parent].append(key)
    columns: list[str] = []
    for key in order:
        c = units[key]
        cells = {
            "pupils": c.pupils,
            **{f"status{i}": v for i, v in enumerate(c.status or [])},
            **{f"level{i}": v for i, v in enumerate(c.levels or [])},
            "open": c.open_cases,
            "overdue": c.overdue,
        }
        if has_last(key):
            cells["last_pupils"] = c.last_pupils
        columns = sorted(set(columns) | set(cells))
        values.update({(key, name): v for name, v in cells.items()})
        status_cells = [(key, f"status{i}") for i in range(len(c.status or []))]
        level_cells = [(key, f"level{i}") for i in range(len(c.levels or []))]
        relations.append([*status_cells, (key, "pupils")])
        relations.append([*level_cells, (key, "pupils")])
    for parent, kids in children.items():
        for name in columns:
            parts = [(k, name) for k in kids if (k, name) in values]
            if (parent, name) in values and parts:
                relations.append([*parts, (parent, name)])
    marks = suppress(values, relations, minimum)

    def count(key: tuple[str, str, str, str], name: str) -> Figure:
        cell = (key, name)
        if cell not in values:
            return NONE
        mark = marks[cell]
        return Figure(values[cell], SHOWN) if mark == SHOWN else Figure(None, mark)

    def share(visible: Figure, amount: float, pupils: int, school_days: int) -> Figure:
        if not visible.shown:
            return Figure(None, visible.mark)
        if not pupils or not school_days:
            return NONE
        return Figure(amount / (pupils * school_days))

    rows = []
    for key in order:
        c = units[key]
        pupils = count(key, "pupils")
        last_pupils = count(key, "last_pupils")
        shown_last = has_last(key)
        rows.append(
            UnitRow(
                level=key[0],
                label=_label(key),
                school=key[1],
                pupils=pupils,
                share=share(pupils, c.absent, c.pupils, term_days),
                weeks=tuple(
                    share(pupils, amount, c.pupils, w.school_days)
                    for amount, w in zip(c.weeks or [], weeks, strict=True)
                ),
                status=tuple(count(key, f"status{i}") for i in range(len(c.status or []))),
                levels=tuple(count(key, f"level{i}") for i in range(len(c.levels or []))),
                open_cases=count(key, "open"),
                overdue=count(key, "overdue"),
                last_pupils=last_pupils if shown_last else NONE,
                last_share=(
                    share(last_pupils, c.last_absent, c.last_pupils, last_term_days)
                    if shown_last
                    else NONE
                ),
                last_weeks=tuple(
                    share(last_pupils, amount, c.last_pupils, n) if shown_last and n else NONE
                    for amount, n in zip(c.last_weeks or [], last_days, strict=True)
                ),
            )
        )
    return tuple(rows)


def _label(key: tuple[str, str, str, str]) -> str:
    level, school, grade, group = key
    if level == "alle":
        return "Alle skoler"
    if level == "skole":
        return school
    if level == "trinn":
        return grade
    return group or "(uten gruppe)"


# --------------------------------------------------------------------------- JSON


def figure_json(figure: Figure, small: str) -> float | int | str | None:
    """The value when shown (shares rounded to 0.1 %), else «<5», «×» or None."""
    if figure.mark == SMALL:
        return small
    if figure.mark == COMPLEMENT:
        return COMPLEMENT
    if figure.value is None:
        return None
    if isinstance(figure.value, int):
        return figure.value
    return round(figure.value, 4)


def to_json(result: OverviewResult) -> dict[str, Any]:
    small = result.small_text

    def fig(f: Figure) -> float | int | str | None:
        return figure_json(f, small)

    return {
        "as_of": result.as_of.isoformat(),
        "first": result.first.isoformat(),
        "last_year": {
            "first": result.last_first.isoformat(),
            "as_of": result.last_as_of.isoformat(),
            # Schools whose data start after it: their figures (and all schools') are null.
            "not_covered": [
                {"school": school, "data_from": start.isoformat()}
                for school, start in result.last_missing
            ],
        },
        # School weeks without any record: the shares over them are too low.
        "without_records": [
            {"school": s, "first": a.isoformat(), "last": b.isoformat(), "school_days": n}
            for s, a, b, n in result.holes
        ],
        "min_group": result.min_group,
        "policy": result.policy,
        "weeks": [
            {"week": w.week, "monday": w.monday.isoformat(), "school_days": w.school_days}
            for w in result.weeks
        ],
        "statuses": list(STATUS_LABELS),
        "levels": list(result.level_labels),
        "units": [
            {
                "level": r.level,
                "label": r.label,
                "school": r.school,
                "pupils": fig(r.pupils),
                "share": fig(r.share),
                "weeks": [fig(f) for f in r.weeks],
                "status": [fig(f) for f in r.status],
                "levels": [fig(f) for f in r.levels],
                "open_cases": fig(r.open_cases),
                "overdue_evaluations": fig(r.overdue),
                "last_year_pupils": fig(r.last_pupils),
                "last_year_share": fig(r.last_share),
                "last_year_weeks": [fig(f) for f in r.last_weeks],
            }
            for r in result.rows
        ],
    }
