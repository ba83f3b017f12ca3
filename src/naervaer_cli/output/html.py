"""The scan result as one self-contained HTML page: the table, each pupil expandable to the
evidence, a calendar of the window and the innsatsplan step; a filter; print CSS for A4.

No network and no external file: the style and the small filter script are inline, so the
page opens from a USB stick or a mail attachment. Rendered through templating.py with
autoescape, so a name from an export cannot become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from naervaer_cli.output import labels
from naervaer_cli.output.rows import step_lines, table_headers
from naervaer_cli.output.table import legend
from naervaer_cli.result import PupilResult, ScanResult
from naervaer_cli.words import WEEKDAYS_SHORT, date_short, date_text

TEMPLATE = "scan.html.j2"


@dataclass(frozen=True)
class Day:
    label: str  # "26.10"
    absent: bool  # one of the pupil's flags counted it
    in_window: bool


@dataclass(frozen=True)
class Evidence:
    text: str  # the flag in words, with the guide's limit
    status: str
    dates: str
    lessons: tuple[str, ...]


@dataclass(frozen=True)
class PupilPage:
    pupil_id: str
    name: str
    group: str
    status: str
    status_key: str  # "concern" | "watch", for the filter and the colour
    flags: tuple[str, ...]
    level: int
    responsible: str
    case: str
    evidence: tuple[Evidence, ...]
    weeks: tuple[tuple[Day, ...], ...]
    next_step: str
    tools: tuple[str, ...]


def calendar_weeks(result: ScanResult, absent: set[date]) -> tuple[tuple[Day, ...], ...]:
    """The window as weeks Monday–Sunday, each day marked when it counted."""
    first = result.as_of - timedelta(days=result.window_days - 1)
    start = first - timedelta(days=first.weekday())
    end = result.as_of + timedelta(days=6 - result.as_of.weekday())
    weeks = []
    day = start
    while day <= end:
        weeks.append(
            tuple(
                Day(
                    date_short(day + timedelta(days=n)),
                    (day + timedelta(days=n)) in absent,
                    first <= day + timedelta(days=n) <= result.as_of,
                )
                for n in range(7)
            )
        )
        day += timedelta(days=7)
    return tuple(weeks)


def pupil_page(result: ScanResult, pupil: PupilResult) -> PupilPage:
    s = pupil.suggestion
    return PupilPage(
        pupil_id=pupil.pupil_id,
        name=pupil.name or pupil.pupil_id,
        group=pupil.group,
        status=labels.status_label(pupil.status),
        status_key=pupil.status,
        flags=tuple(labels.flag_short(f, result.labels, result.limits) for f in pupil.flags)
        or ("–",),
        level=s.level,
        responsible=", ".join(s.responsible),
        case=labels.case_text(pupil),
        evidence=tuple(
            Evidence(
                text=labels.flag_words(f, result.labels, result.limits, result.window_days),
                status=labels.status_label(f.severity),
                dates=", ".join(date_text(d) for d in f.dates),
                lessons=f.lessons,
            )
            for f in pupil.flags
        ),
        weeks=calendar_weeks(result, set(labels.evidence_dates(pupil))),
        next_step=s.next_step,
        tools=s.tools,
    )


def render_html(result: ScanResult, group: str | None = None) -> str:
    """The page as text (the caller writes it 0600)."""
    from naervaer_cli.templating import render, template_environment

    env = template_environment(None, autoescape=True)
    # the pupils come sorted by group in natural order (2B before 10A): keep it
    groups = list(dict.fromkeys(p.group for p in result.pupils))
    title = "Fravær til oppfølging" + (f" – {group}" if group else "")
    return render(
        env,
        TEMPLATE,
        title=title,
        as_of=date_text(result.as_of),
        policy=result.policy,
        headers=table_headers(result.setting),
        pupils=[pupil_page(result, p) for p in result.pupils],
        groups=groups,
        steps=step_lines(result),
        legend=legend(result) if result.pupils else "",
        summary=labels.summary_line(result, group),
        talk_to_child=result.talk_to_child,
        weekdays=WEEKDAYS_SHORT,
    )
