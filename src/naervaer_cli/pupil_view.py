"""One pupil's picture for `naervaer show`: calendar, breakdowns, flags and the plan's text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import UsageError
from naervaer_cli.policy import KINDERGARTEN_RULES, SCHOOL_RULES, PlanLevel, Policy
from naervaer_cli.privacy import id_fnr, lookup_id
from naervaer_cli.result import CaseSummary, PupilResult, Setting
from naervaer_cli.words import words

DayState = Literal["whole", "partial", "none", "off", "future"]


@dataclass(frozen=True)
class Day:
    """One weekday of the calendar and how much of it the pupil was away."""

    day: date
    state: DayState  # whole day absent / partly absent / present / no school / after as_of
    minutes: int  # absent minutes recorded that day (lesson rows)


@dataclass(frozen=True)
class WeekdayCount:
    weekday: int  # 0 = Monday
    whole: int  # whole absence days on this weekday in the period
    partial: int  # partly absent days on this weekday in the period


@dataclass(frozen=True)
class SubjectCount:
    subject: str
    lessons: int  # absence records naming the subject
    days: int  # distinct dates
    minutes: int


@dataclass(frozen=True)
class PupilView:
    pupil_id: str
    name: str
    group: str
    contact: str | None
    setting: Setting
    as_of: date
    first: date  # the Monday the calendar starts on
    window_days: int
    days: tuple[Day, ...]  # Monday–Friday of each week, oldest first
    by_weekday: tuple[WeekdayCount, ...]  # Monday–Friday, over the calendar's school days
    by_subject: tuple[SubjectCount, ...]  # most lessons first, over the calendar's period
    result: PupilResult | None  # the pupil's flags and suggestion; None: no flag
    quiet_rules: tuple[str, ...]  # the guide's rules that did not fire
    plan: PlanLevel | None  # the innsatsplan level of the suggestion
    tools_note: str
    talk_to_child: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)  # Policy.labels
    # What the scan could not see (ScanResult.incomplete: the data start late, or miss a
    # school week): the view's counts may be too low.
    notes: tuple[str, ...] = ()


def find_pupil(
    records: pl.DataFrame, query: str, setting: Setting = "skole", home: Path | None = None
) -> str:
    """The pupil id `query` names: an exact pupil id, else a unique name substring.

    A fødselsnummer is looked up by its pseudonym under the key of `home` (NAERVAER_HOME).
    Raises UsageError (exit 2) when nobody or more than one pupil matches, listing the
    candidates by id and group (not by name: the message may end up in a terminal log).
    """
    pupils = records.select("pupil_id", "name", "group").unique(subset="pupil_id", keep="last")
    wanted = query.strip()
    if id_fnr(wanted) is not None:
        if home is None:
            raise UsageError("Oppgi elevnummeret, ikke fødselsnummeret.")
        wanted = lookup_id(wanted, home)
    if pupils.filter(pl.col("pupil_id") == wanted).height == 1:
        return wanted
    # «Jonas Berg» finds «Berg, Jonas» as well as «Berg, Jonas» does.
    named = pl.col("name").fill_null("").str.to_lowercase()
    turned = named.str.replace(r"^\s*([^,]*?)\s*,\s*(.*?)\s*$", "${2} ${1}")
    asked = " ".join(wanted.lower().split())
    hits = pupils.filter(
        named.str.contains(asked, literal=True) | turned.str.contains(asked, literal=True)
    ).sort("group", "pupil_id")
    if hits.height == 1:
        return hits.item(0, "pupil_id")
    # "elev"/"elevnummeret" in a school, "barn"/"barnenummeret" in a barnehage.
    found = words(setting)
    person, number = found.pupil, found.pupil_number
    if hits.height == 0:
        raise UsageError(
            f"Fant ingen {person} med {number} eller navn som inneholder «{wanted}». "
            f"Sjekk stavemåten, eller bruk {number}et.{_closest(pupils, asked)}"
        )
    shown = ", ".join(
        f"{row['pupil_id']} ({row['group']})" for row in hits.head(10).iter_rows(named=True)
    )
    more = f" og {hits.height - 10} til" if hits.height > 10 else ""
    raise UsageError(
        f"«{wanted}» passer på {hits.height} {found.pupils}: {shown}{more}. Oppgi {number}et."
    )


def _closest(pupils: pl.DataFrame, asked: str) -> str:
    """« Nærmeste: 10234 (7A), …» for the ids and names most like `asked`, or ""."""
    from difflib import SequenceMatcher

    def score(row: dict[str, str | None]) -> float:
        name = (row["name"] or "").lower()
        last, _, first = name.partition(",")
        texts = [row["pupil_id"] or "", name, f"{first.strip()} {last.strip()}", *name.split()]
        return max(SequenceMatcher(None, asked, t.strip(",")).ratio() for t in texts)

    scored = sorted(
        ((score(row), row["pupil_id"], row["group"]) for row in pupils.iter_rows(named=True)),
        key=lambda item: (-item[0], item[1] or ""),
    )
    near = [f"{pid} ({group})" for value, pid, group in scored[:3] if value >= 0.6]
    return f" Nærmeste: {', '.join(near)}." if near else ""


def pupil_view(
    records: pl.DataFrame,
    policy: Policy,
    pupil_id: str,
    *,
    as_of: date | None,
    calendar: SchoolCalendar,
    weeks: int = 6,
    cases: dict[str, CaseSummary] | None = None,
    setting: Setting = "skole",
) -> PupilView:
    """Build the pupil's picture; the flags come from the same `scan` every command uses."""
    from naervaer_cli.scan import scan

    mine = records.filter(pl.col("pupil_id") == pupil_id)
    if mine.is_empty():
        number = words(setting).pupil_number
        raise UsageError(f"{number[0].upper()}{number[1:]} «{pupil_id}» finnes ikke i dataene.")
    if as_of is None:
        as_of = records.get_column("date").max()  # type: ignore[assignment]
    assert as_of is not None
    # The whole frame goes to scan: some rules compare a pupil with the others (barnehage).
    result = scan(records, policy, as_of=as_of, calendar=calendar, cases=cases, setting=setting)
    pupil = next((p for p in result.pupils if p.pupil_id == pupil_id), None)
    latest = mine.filter(pl.col("date") <= as_of).sort("date").tail(1)
    if latest.is_empty():
        latest = mine.sort("date").head(1)
    who = latest.row(0, named=True)

    first = as_of - timedelta(days=as_of.weekday() + 7 * (weeks - 1))
    period = mine.filter(pl.col("date").is_between(first, as_of))
    # The kinds the rules count; leave, late arrival and "not absence" are not absence here.
    kinds = list(policy.counting_kinds(setting))
    counting = period.filter(pl.col("kind").cast(pl.String).is_in(kinds))
    whole_day = policy.day_length(setting, who["group"] or "").whole_day_minutes
    days = _days(counting, whole_day, calendar, first, as_of, weeks)

    fired = {f.rule for f in pupil.flags} if pupil else set()
    plan_level = None
    plan = policy.plans[setting]
    if pupil is not None:
        plan_level = plan.level(pupil.suggestion.level)
    return PupilView(
        pupil_id=pupil_id,
        name=who["name"] or "",
        group=who["group"] or "",
        contact=who["contact"],
        setting=setting,
        as_of=as_of,
        first=first,
        window_days=policy.window_days(setting),
        days=days,
        by_weekday=_by_weekday(days),
        by_subject=_by_subject(counting),
        result=pupil,
        quiet_rules=tuple(r for r in _guide_rules(setting) if r not in fired),
        plan=plan_level,
        tools_note=plan.tools_note,
        talk_to_child=policy.talk_to(setting),
        labels=policy.labels,
        notes=result.incomplete,
    )


def _guide_rules(setting: Setting) -> tuple[str, ...]:
    return KINDERGARTEN_RULES if setting == "barnehage" else SCHOOL_RULES


def _days(
    counting: pl.DataFrame,
    whole_day_minutes: int,
    calendar: SchoolCalendar,
    first: date,
    as_of: date,
    weeks: int,
) -> tuple[Day, ...]:
    per_day = counting.group_by("date").agg(
        pl.col("whole_day").fill_null(False).any().alias("whole"),
        pl.col("minutes").fill_null(0).sum().alias("minutes"),
    )
    seen = {row["date"]: row for row in per_day.iter_rows(named=True)}
    out: list[Day] = []
    for week in range(weeks):
        for weekday in range(5):
            day = first + timedelta(days=7 * week + weekday)
            row = seen.get(day)
            minutes = int(row["minutes"]) if row else 0
            state: DayState
            if day > as_of:
                state = "future"
            elif not calendar.is_school_day(day):
                state = "off"
            elif row is None:
                state = "none"
            elif row["whole"] or minutes >= whole_day_minutes:
                state = "whole"
            else:
                state = "partial"
            out.append(Day(day, state, minutes))
    return tuple(out)


def _by_weekday(days: tuple[Day, ...]) -> tuple[WeekdayCount, ...]:
    return tuple(
        WeekdayCount(
            weekday,
            sum(d.state == "whole" for d in days if d.day.weekday() == weekday),
            sum(d.state == "partial" for d in days if d.day.weekday() == weekday),
        )
        for weekday in range(5)
    )


def _by_subject(counting: pl.DataFrame) -> tuple[SubjectCount, ...]:
    # The subjects carry the policy's names already (naervaer_cli.subjects, at loading).
    named = counting.filter(pl.col("subject").fill_null("").str.strip_chars() != "")
    if named.is_empty():
        return ()
    grouped = (
        named.group_by("subject")
        .agg(
            pl.len().alias("lessons"),
            pl.col("date").n_unique().alias("days"),
            pl.col("minutes").fill_null(0).sum().alias("minutes"),
        )
        .sort(["lessons", "subject"], descending=[True, False])
    )
    return tuple(
        SubjectCount(row["subject"], int(row["lessons"]), int(row["days"]), int(row["minutes"]))
        for row in grouped.iter_rows(named=True)
    )
