"""The document context: plain values every template reads, built from a scan result and records.

Pure: no file access, no clock. The builder takes a :class:`~naervaer_cli.result.PupilResult`,
the pupil's canonical records (see :mod:`naervaer_cli.schema`), the :class:`Policy` (labels,
plan, counting kinds, day length) and the case log's typed events, and returns frozen
dataclasses the templates render. Nothing here formats HTML; the templates and charts do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.events import Event, EventType
from naervaer_cli.output.labels import PERCENT_RULES, status_label
from naervaer_cli.policy import Plan, PlanLevel, Policy
from naervaer_cli.result import Flag, PupilResult, Setting
from naervaer_cli.schema import KIND_LABELS
from naervaer_cli.words import WEEKDAYS, capital, date_text, percent, words


@dataclass(frozen=True)
class PupilInfo:
    pupil_id: str
    name: str  # as exported, usually "Etternavn, Fornavn"
    group: str
    contact: str
    person: str  # "Elev", "Barn" in a barnehage: names a nameless row by its number
    # The number a reader may see: the pupil number at school; in a barnehage the short
    # number from the case log («0007»), never the code the importer made from the name.
    reference: str = ""

    @property
    def shown_number(self) -> str:
        return self.reference or self.pupil_id

    @property
    def display_name(self) -> str:
        """'Nordmann, Ola' → 'Ola Nordmann'; the shown number when there is no name."""
        if "," in self.name:
            last, first = self.name.split(",", 1)
            return f"{first.strip()} {last.strip()}".strip()
        return self.name.strip() or f"{self.person} {self.shown_number}"

    @property
    def first_name(self) -> str:
        if "," in self.name:
            return self.name.split(",", 1)[1].strip().split(" ")[0] or self.display_name
        return self.display_name.split(" ")[0]


@dataclass(frozen=True)
class FlagView:
    """A flag as the documents show it: bokmål label and the evidence, ready to print."""

    rule: str
    label: str
    severity: str
    severity_label: str
    count: int
    threshold: int
    subject: str
    dates: tuple[date, ...]
    lessons: tuple[str, ...]
    signal: bool
    unit: str = ""  # " %" when count and threshold are absence rates


@dataclass(frozen=True)
class DayCell:
    """One school day in the calendar heat map."""

    day: date
    school_day: bool
    in_range: bool
    share: float  # share of the school day absent, 0..1
    minutes: int
    whole_day: bool
    heat: int  # 0 none … 4 whole day
    evidence: bool  # a flag names this date
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class WeekRow:
    week: int
    monday: date
    days: tuple[DayCell, ...]  # Monday to Friday


@dataclass(frozen=True)
class CountRow:
    """A line in the weekday or subject breakdown."""

    label: str
    days: float  # whole-day equivalents
    dates: int  # dates with any absence
    lessons: int
    minutes: int


@dataclass(frozen=True)
class TrendPoint:
    week: int
    monday: date
    share: float  # absent share of the week's school days, 0..1
    school_days: int


@dataclass(frozen=True)
class Summary:
    """Absence over the term up to the reference date."""

    first: date
    last: date
    school_days: int
    day_equivalents: float
    whole_days: int
    dates_with_absence: int
    lessons: int
    minutes: int
    late: int
    share: float
    recent_share: float  # the last 14 days
    trend: str  # "Økende", "Synkende", "Stabil"
    by_kind: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    label: str
    text: str
    by: str


@dataclass(frozen=True)
class Measure:
    text: str
    responsible: str  # who carries the measure out («Ansvarlig»), as decided
    by: str  # who recorded it in the case log
    decided: date  # the start date
    evaluation: date | None  # its own evaluation date, as stored
    roles: tuple[str, ...] = ()  # `responsible` split into roles («Foresatte og kontaktlærer»)


@dataclass(frozen=True)
class RoleTask:
    """A row of «Hvem gjør hva»: a role and the measures it carries out, from the case log."""

    role: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class EvaluationView:
    """The latest «Har nærværet økt?» of the case, as `case evaluate` recorded it."""

    day: date
    improved: bool
    presence_before: float | None
    presence_after: float | None
    text: str

    @property
    def answer(self) -> str:
        return "Ja" if self.improved else "Nei"


@dataclass(frozen=True)
class Decision:
    """What was decided after the latest evaluation: the level kept or changed, next meeting.

    Only a recorded step is a decision: a level change, or a meeting held after the
    evaluation (which kept the level when it changed nothing).
    """

    level_from: int
    level_to: int
    day: date  # the level change or, when the level was kept, the meeting
    next_meeting: date | None

    @property
    def changed(self) -> bool:
        return self.level_to != self.level_from

    @property
    def text(self) -> str:
        if not self.changed:
            return f"NIVÅ {self.level_to} videreføres"
        verb = "heves" if self.level_to > self.level_from else "senkes"
        return f"Nivået {verb} fra NIVÅ {self.level_from} til NIVÅ {self.level_to}"


@dataclass(frozen=True)
class PupilContext:
    """Everything the pupil's documents need."""

    setting: Setting
    school: str
    as_of: date
    meeting: date
    evaluation: date | None
    pupil: PupilInfo
    status: str
    status_label: str
    level: int
    plan: PlanLevel
    next_step: str
    due: str
    case_state: str
    case_opened: date | None
    flags: tuple[FlagView, ...]
    summary: Summary
    weeks: tuple[WeekRow, ...]
    weekdays: tuple[CountRow, ...]
    subjects: tuple[CountRow, ...]
    trend: tuple[TrendPoint, ...]
    timeline: tuple[TimelineEntry, ...]
    measures: tuple[Measure, ...]
    attendees: tuple[str, ...]
    talk_to_child: str
    pupil_words: str = ""
    # The samarbeidsavtale: the case's measures as the log has them (decided, own evaluation).
    agreement_measures: tuple[Measure, ...] = ()
    who_does_what: tuple[RoleTask, ...] = ()
    last_evaluation: EvaluationView | None = None
    decision: Decision | None = None
    next_meeting: date | None = None  # the meeting the log plans after this one, if any
    # Where the data do not cover the overview's period (coverage.py): days without data
    # drawn as days without absence, said under the summary.
    data_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaItem:
    number: int
    pupil: PupilInfo
    level: int
    status_label: str
    reason: str
    responsible: tuple[str, ...]
    case_state: str


@dataclass(frozen=True)
class TeamContext:
    """The ressursteam meeting: agenda page and each pupil's context."""

    setting: Setting
    school: str
    meeting: date
    as_of: date
    items: tuple[AgendaItem, ...]
    pupils: tuple[PupilContext, ...]
    talk_to_child: str
    attendees: tuple[str, ...] = field(default_factory=tuple)


def flag_view(flag: Flag, labels: Mapping[str, str]) -> FlagView:
    """`flag` with the policy's label for its rule (`Policy.labels`)."""
    return FlagView(
        rule=flag.rule,
        label=labels.get(flag.rule, flag.rule),
        severity=flag.severity,
        severity_label=status_label(flag.severity),
        count=flag.count,
        threshold=flag.threshold,
        subject=flag.subject or "",
        dates=tuple(flag.dates),
        lessons=tuple(flag.lessons),
        signal=flag.signal,
        unit=" %" if flag.rule in PERCENT_RULES else "",
    )


def _daily(records: pl.DataFrame, kinds: Sequence[str], whole_day_minutes: int) -> pl.DataFrame:
    """One row per date with absent minutes, whole-day flag and the kinds seen."""
    counted = records.filter(pl.col("kind").cast(pl.String).is_in(list(kinds)))
    return (
        counted.group_by("date")
        .agg(
            pl.col("minutes").fill_null(0).sum().alias("minutes"),
            pl.col("whole_day").fill_null(False).any().alias("whole_day"),
            pl.col("kind").cast(pl.String).unique().sort().alias("kinds"),
            (~pl.col("whole_day").fill_null(False)).sum().alias("lessons"),
        )
        .with_columns(
            (pl.col("whole_day") | (pl.col("minutes") >= whole_day_minutes)).alias("whole_day")
        )
        .sort("date")
    )


def _heat(share: float, whole: bool) -> int:
    if whole:
        return 4
    if share <= 0:
        return 0
    if share < 0.25:
        return 1
    if share < 0.5:
        return 2
    return 3


def _data_notes(
    records: pl.DataFrame, calendar: SchoolCalendar, first: date, last: date
) -> tuple[str, ...]:
    """What the period's figures cannot show (coverage.py), in the documents' words: the data
    start late, or a school week has no record at all (every pupil's records count)."""
    from naervaer_cli.coverage import gaps, record_dates, uncovered_start

    dates = record_dates(records)
    notes = []
    data_first = min(dates, default=None)
    day = uncovered_start(data_first, calendar, first, last)
    if day is not None and data_first is not None and data_first <= last:
        notes.append(
            f"Fraværsdataene starter {date_text(data_first)}, etter periodens første skoledag "
            f"{date_text(day)}: dagene før er ikke med, og andelene kan være for lave."
        )
    for gap_first, gap_last, count in gaps(dates, calendar, first, last):
        notes.append(
            f"Dataene har ingen registreringer {date_text(gap_first)}–{date_text(gap_last)} "
            f"({count} skoledager): en ferie som ikke er lagt inn i kalenderen, eller data "
            "som mangler. Dagene vises uten fravær, og andelene kan være for lave."
        )
    return tuple(notes)


def build_pupil_context(
    result: PupilResult,
    records: pl.DataFrame,
    *,
    as_of: date,
    meeting: date,
    policy: Policy,
    events: Sequence[Event] = (),
    setting: Setting = "skole",
    school: str = "",
    calendar: SchoolCalendar | None = None,
    first_day: date | None = None,
    pupil_words: str = "",
    reference: str = "",
) -> PupilContext:
    """Build the context for one pupil's documents.

    `records` may hold every pupil; only `result.pupil_id`'s rows up to `as_of` are used.
    `first_day` is the first day of the overview (default: the start of the term). The
    policy gives the labels, the plan's level, the kinds that count, the day's length and
    the time from the meeting to the evaluation when the case log names none (the guide:
    3 weeks for skole; none in a barnehage, where it is agreed with the parents).
    """
    calendar = calendar or SchoolCalendar()
    day = policy.day_length(setting, result.group or "")
    day_minutes, whole_day_minutes = day.minutes, day.whole_day_minutes
    counting_kinds = policy.counting_kinds(setting)
    plan = policy.plans[setting]
    first = first_day or policy.term_start(as_of)
    mine = records.filter(
        (pl.col("pupil_id") == result.pupil_id)
        & (pl.col("date") >= first)
        & (pl.col("date") <= as_of)
    )
    flags = tuple(flag_view(f, policy.labels) for f in result.flags)
    evidence = {d for f in result.flags for d in f.dates}
    daily = _daily(mine, counting_kinds, whole_day_minutes)
    by_date = {row["date"]: row for row in daily.iter_rows(named=True)}

    weeks = _weeks(first, as_of, calendar, by_date, evidence, day_minutes)
    data_notes = _data_notes(records, calendar, first, as_of)
    school_days = [c for w in weeks for c in w.days if c.school_day and c.in_range]
    summary = _summary(mine, school_days, first, as_of, by_date, day_minutes)
    weekdays = _weekday_rows(mine, by_date, day_minutes, counting_kinds)
    subjects = _subject_rows(mine, counting_kinds, day_minutes)
    trend = tuple(
        TrendPoint(
            week=w.week,
            monday=w.monday,
            share=(sum(c.share for c in days) / len(days)) if days else 0.0,
            school_days=len(days),
        )
        for w in weeks
        for days in [[c for c in w.days if c.school_day and c.in_range]]
        if days
    )

    timeline = tuple(
        TimelineEntry(day=e.date, label=e.label, text=timeline_text(e), by=e.by)
        for e in sorted(events, key=lambda e: e.date)
    )
    # Measures of the current case only: the latest case.
    current = max((e.case_id for e in events), default=None)
    mine_events = [e for e in events if e.case_id == current]
    measures = tuple(
        Measure(
            text=e.text,
            responsible=e.responsible,
            by=e.by,
            decided=e.date,
            evaluation=e.evaluation_date,
            roles=e.roles,
        )
        for e in mine_events
        if e.type is EventType.MEASURE_DECIDED
    )
    case = result.case
    evaluation = _agreement_evaluation(result, measures, meeting, plan, calendar)
    # A signed agreement states the log's facts: each measure from the day it was decided,
    # evaluated on its own date. A measure agreed at this meeting is not in the log yet; the
    # template leaves rows blank for it rather than give it a date the log does not have.
    agreement_measures = measures
    level = result.suggestion.level
    step = plan.level(level)
    # The guide's NIVÅ 1: a meeting of pupil, parents and school, but of parents and
    # barnehage; the child is not at the table there.
    people = ("Elev", "Foresatte") if setting == "skole" else ("Foreldre",)
    attendees = tuple(dict.fromkeys((*people, *step.responsible)))

    return PupilContext(
        setting=setting,
        school=school,
        as_of=as_of,
        meeting=meeting,
        evaluation=evaluation,
        pupil=PupilInfo(
            pupil_id=result.pupil_id,
            name=result.name or "",
            group=result.group or "",
            contact=result.contact or "",
            person=capital(words(setting).pupil),
            reference=reference,
        ),
        status=result.status if result.flags else "",
        status_label=status_label(result.status) if result.flags else "Ingen varsler nå",
        level=level,
        plan=step,
        next_step=result.suggestion.next_step,
        due=result.suggestion.due,
        case_state=case.state if case else "",
        case_opened=case.opened if case else None,
        flags=flags,
        summary=summary,
        data_notes=data_notes,
        weeks=weeks,
        weekdays=weekdays,
        subjects=subjects,
        trend=trend,
        timeline=timeline,
        measures=measures,
        attendees=attendees,
        talk_to_child=policy.talk_to(setting),
        pupil_words=pupil_words,
        agreement_measures=agreement_measures,
        who_does_what=who_does_what(agreement_measures),
        last_evaluation=_last_evaluation(mine_events),
        decision=_decision(mine_events, case.level if case else level),
        next_meeting=_next_meeting(mine_events, meeting),
    )


def _agreement_evaluation(
    result: PupilResult,
    measures: Sequence[Measure],
    meeting: date,
    plan: Plan,
    calendar: SchoolCalendar,
) -> date | None:
    """When the agreement made at `meeting` is first evaluated: the earliest of its measures'
    own evaluation dates after the meeting, else the case's, else the policy's time after the
    meeting (skole: 3 weeks) moved to a school day; in a barnehage with no agreed date ahead,
    None («avtales med foreldrene»)."""
    ahead = [m.evaluation for m in measures if m.evaluation and m.evaluation > meeting]
    if ahead:
        return min(ahead)
    case = result.case
    if case and case.evaluation_due and case.evaluation_due > meeting:
        return case.evaluation_due
    if plan.evaluation_days is None:
        return None
    return calendar.next_school_day(meeting + timedelta(days=plan.evaluation_days))


def who_does_what(measures: Sequence[Measure]) -> tuple[RoleTask, ...]:
    """«Hvem gjør hva» from the measures: each responsible role with the measures it carries."""
    roles: dict[str, list[Measure]] = {}
    for measure in measures:
        for role in measure.roles or (measure.responsible,):
            roles.setdefault(capital(role), []).append(measure)
    return tuple(RoleTask(role, tuple(items)) for role, items in roles.items())


def _last_evaluation(events: Sequence[Event]) -> EvaluationView | None:
    found = [e for e in events if e.type is EventType.EVALUATION]
    if not found:
        return None
    last = found[-1]
    return EvaluationView(
        day=last.date,
        improved=bool(last.improved),
        presence_before=last.rate("presence_before"),
        presence_after=last.rate("presence_after"),
        text=last.text,
    )


def _decision(events: Sequence[Event], level: int) -> Decision | None:
    """The level after the latest evaluation (changed, or kept at a meeting held since) and
    the next meeting; None while nothing has been decided since the evaluation."""
    evaluations = [i for i, e in enumerate(events) if e.type is EventType.EVALUATION]
    if not evaluations:
        return None
    since = events[evaluations[-1] :]
    meetings = [e for e in since if e.type is EventType.MEETING]
    changes = [e for e in since if e.type is EventType.LEVEL_CHANGED]
    next_meeting = meetings[-1].next_meeting if meetings else None
    if changes:
        first, last = changes[0], changes[-1]
        return Decision(int(first.data["from"]), int(last.data["to"]), last.date, next_meeting)
    if meetings:
        return Decision(level, level, meetings[-1].date, next_meeting)
    return None


def _next_meeting(events: Sequence[Event], meeting: date) -> date | None:
    """The next meeting the latest `case meeting` set, when it falls after `meeting`."""
    meetings = [e for e in events if e.type is EventType.MEETING]
    planned = meetings[-1].next_meeting if meetings else None
    return planned if planned and planned > meeting else None


def timeline_text(event: Event) -> str:
    """What a timeline row says about an event: its recorded facts, then its free text."""
    facts = ""
    match event.type:
        case EventType.LEVEL_CHANGED:
            facts = f"NIVÅ {event.data.get('from')} → NIVÅ {event.data.get('to')}"
        case EventType.MEASURE_DECIDED:
            parts = [f"ansvarlig {event.responsible}" if event.responsible else ""]
            if event.evaluation_date:
                parts.append(f"evalueres {date_text(event.evaluation_date)}")
            return " – ".join(p for p in (event.text, ", ".join(p for p in parts if p)) if p)
        case EventType.EVALUATION:
            before, after = event.rate("presence_before"), event.rate("presence_after")
            facts = "Nærværet har økt" if event.improved else "Nærværet har ikke økt"
            if before is not None and after is not None:
                facts += f" ({percent(before)} → {percent(after)})"
        case EventType.MEETING:
            if event.next_meeting:
                facts = f"Neste møte {date_text(event.next_meeting)}"
        case EventType.CONSENT:
            facts = "" if event.consent is None else ("Ja" if event.consent else "Nei")
        case _:
            facts = ""
    return " – ".join(p for p in (facts, event.text) if p)


def _weeks(
    first: date,
    last: date,
    calendar: SchoolCalendar,
    by_date: Mapping[date, Mapping[str, Any]],
    evidence: set[date],
    day_minutes: int,
) -> tuple[WeekRow, ...]:
    monday = first - timedelta(days=first.weekday())
    rows = []
    while monday <= last:
        cells = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            row = by_date.get(day)
            minutes = int(row["minutes"]) if row else 0
            whole = bool(row["whole_day"]) if row else False
            share = 1.0 if whole else min(minutes / day_minutes, 1.0) if day_minutes else 0.0
            cells.append(
                DayCell(
                    day=day,
                    school_day=calendar.is_school_day(day),
                    in_range=first <= day <= last,
                    share=share,
                    minutes=minutes,
                    whole_day=whole,
                    heat=_heat(share, whole),
                    evidence=day in evidence,
                    kinds=tuple(row["kinds"]) if row else (),
                )
            )
        if any(c.in_range for c in cells):
            rows.append(WeekRow(week=monday.isocalendar().week, monday=monday, days=tuple(cells)))
        monday += timedelta(days=7)
    return tuple(rows)


def _summary(
    mine: pl.DataFrame,
    school_days: Sequence[DayCell],
    first: date,
    last: date,
    by_date: Mapping[date, Mapping[str, Any]],
    day_minutes: int,
) -> Summary:
    equivalents = sum(c.share for c in school_days)
    share = equivalents / len(school_days) if school_days else 0.0
    recent = [c for c in school_days if c.day > last - timedelta(days=14)]
    recent_share = sum(c.share for c in recent) / len(recent) if recent else 0.0
    if recent_share >= max(share * 1.5, share + 0.02):
        trend = "Økende"
    elif recent_share <= share * 0.5:
        trend = "Synkende"
    else:
        trend = "Stabil"
    kinds = mine.group_by(pl.col("kind").cast(pl.String)).agg(pl.len().alias("n")).sort("kind")
    lessons = sum(int(r["lessons"]) for r in by_date.values() if not r["whole_day"])
    return Summary(
        first=first,
        last=last,
        school_days=len(school_days),
        day_equivalents=round(equivalents, 1),
        whole_days=sum(1 for r in by_date.values() if r["whole_day"]),
        dates_with_absence=len(by_date),
        lessons=lessons,
        minutes=sum(int(r["minutes"]) for r in by_date.values()),
        late=mine.filter(pl.col("kind").cast(pl.String) == "for_sent").height,
        share=share,
        recent_share=recent_share,
        trend=trend,
        by_kind=tuple((KIND_LABELS.get(str(k), str(k)), int(n)) for k, n in kinds.iter_rows()),
    )


def _weekday_rows(
    mine: pl.DataFrame,
    by_date: Mapping[date, Mapping[str, Any]],
    day_minutes: int,
    kinds: Sequence[str],
) -> tuple[CountRow, ...]:
    rows = []
    for index, label in enumerate(WEEKDAYS[:5]):
        days = [r for d, r in by_date.items() if d.weekday() == index]
        rows.append(
            CountRow(
                label=label,
                days=round(
                    sum(
                        1.0 if r["whole_day"] else min(r["minutes"] / day_minutes, 1.0)
                        for r in days
                    ),
                    1,
                )
                if day_minutes
                else 0.0,
                dates=len(days),
                # Lessons and their minutes on days that were not whole absence days: a whole
                # day is counted in `days`, and its minutes (often none recorded) say nothing.
                lessons=sum(int(r["lessons"]) for r in days if not r["whole_day"]),
                minutes=sum(int(r["minutes"]) for r in days if not r["whole_day"]),
            )
        )
    return tuple(rows)


def _subject_rows(
    mine: pl.DataFrame, kinds: Sequence[str], day_minutes: int
) -> tuple[CountRow, ...]:
    lessons = mine.filter(
        pl.col("kind").cast(pl.String).is_in(list(kinds))
        & pl.col("subject").is_not_null()
        & (pl.col("subject").str.strip_chars() != "")
    )
    if lessons.is_empty():
        return ()
    grouped = (
        lessons.group_by("subject")
        .agg(
            pl.col("date").n_unique().alias("dates"),
            pl.len().alias("lessons"),
            pl.col("minutes").fill_null(0).sum().alias("minutes"),
        )
        .sort(["lessons", "subject"], descending=[True, False])
    )
    return tuple(
        CountRow(
            label=str(r["subject"]),
            days=round(int(r["minutes"]) / day_minutes, 1) if day_minutes else 0.0,
            dates=int(r["dates"]),
            lessons=int(r["lessons"]),
            minutes=int(r["minutes"]),
        )
        for r in grouped.iter_rows(named=True)
    )


def _reason(flags: Sequence[FlagView]) -> str:
    parts = []
    for f in flags:
        if f.signal and f.severity == "watch" and len(flags) > 1:
            continue
        text = f"{f.label}: {f.count}{f.unit}"
        if f.subject:
            text = f"{f.label} ({f.subject}): {f.count}{f.unit}"
        parts.append(text)
    return "; ".join(parts)


def build_team_context(
    pupils: Sequence[PupilContext],
    *,
    meeting: date,
    as_of: date,
    talk_to_child: str,
    setting: Setting = "skole",
    school: str = "",
    attendees: Sequence[str] = (),
) -> TeamContext:
    """The ressursteam agenda: one item per pupil, highest level first, then group and name."""
    ordered = sorted(
        pupils, key=lambda p: (-p.level, p.pupil.group, p.pupil.name, p.pupil.pupil_id)
    )
    items = tuple(
        AgendaItem(
            number=n,
            pupil=p.pupil,
            level=p.level,
            status_label=p.status_label,
            reason=_reason(p.flags),
            responsible=p.plan.responsible,
            case_state=p.case_state,
        )
        for n, p in enumerate(ordered, start=1)
    )
    return TeamContext(
        setting=setting,
        school=school,
        meeting=meeting,
        as_of=as_of,
        items=items,
        pupils=tuple(ordered),
        talk_to_child=talk_to_child,
        attendees=tuple(attendees),
    )
