"""Plain-text renderings of the case log for the terminal: open cases, a timeline, an evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from naervaer_cli.caselog.events import Access, Case, Event, EventType, OpenCase
from naervaer_cli.caselog.store import norwegian
from naervaer_cli.rules.presence import PresenceComparison
from naervaer_cli.words import percent, person


def points(diff: float | None) -> str:
    """A difference in rates as signed percentage points: 0.05 → "+5,0 prosentpoeng"."""
    if diff is None:
        return "–"
    return f"{diff * 100:+.1f} prosentpoeng".replace(".", ",")


def open_cases_text(items: Sequence[OpenCase], as_of: date) -> str:
    if not items:
        return f"Ingen åpne saker per {norwegian(as_of)}.\n"
    lines = [f"Åpne saker per {norwegian(as_of)}:"]
    for item in items:
        mark = "!" if item.overdue else ("*" if item.due_this_week else " ")
        case = item.case
        due = item.due or "Ingenting forfaller"
        lines.append(
            f"{mark} {case.pupil_id}  {case.setting}  NIVÅ {case.level}  "
            f"åpnet {norwegian(case.opened)}  {due}"
        )
    lines.append("(! = forfalt, * = denne uken)")
    return "\n".join(lines) + "\n"


def event_line(event: Event) -> str:
    """One timeline line: date, label, the event's details, text and who recorded it."""
    details = _details(event)
    parts = [f"{norwegian(event.date)}  {event.label}"]
    if details:
        parts.append(details)
    if event.text:
        parts.append(event.text)
    return " – ".join(parts) + f" ({event.by})"


def timeline_text(pupil_id: str, cases: Sequence[Case], events: Sequence[Event]) -> str:
    lines = []
    for case in cases:
        state = f"avsluttet {norwegian(case.closed)}" if case.closed else f"åpen, NIVÅ {case.level}"
        who = person(case.setting)
        lines.append(
            f"Sak for {who} {pupil_id} ({case.setting}), åpnet {norwegian(case.opened)}, {state}"
        )
        lines.extend(f"  {event_line(ev)}" for ev in events if ev.case_id == case.id)
    return "\n".join(lines) + "\n"


def evaluation_text(comparison: PresenceComparison) -> str:
    c = comparison
    answer = "Ja" if c.improved else "Nei"
    return (
        f"Har nærværet økt? {answer}.\n"
        f"  Før tiltaket:   {percent(c.presence_before)} nærvær, {c.days_before} skoledager"
        f"{_span(c.before_first, c.before_last)}\n"
        f"  Etter tiltaket: {percent(c.presence_after)} nærvær, {c.days_after} skoledager"
        f"{_span(c.after_first, c.after_last)}\n"
        f"  Endring: {points(c.difference)}\n"
    )


def _span(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return ""
    return f" ({norwegian(first)}–{norwegian(last)})"


def _details(event: Event) -> str:
    data = event.data
    match event.type:
        case EventType.CONCERN_REGISTERED:
            return f"NIVÅ {data.get('level', 0)}"
        case EventType.LEVEL_CHANGED:
            return f"NIVÅ {data['from']} → {data['to']}"
        case EventType.MEASURE_DECIDED:
            return (
                f"ansvarlig {data['responsible']}, evaluering {norwegian(data['evaluation_date'])}"
            )
        case EventType.EVALUATION:
            answer = "nærværet har økt" if data.get("improved") else "nærværet har ikke økt"
            if data.get("presence_after") is None:
                return answer
            return (
                f"{answer}: {percent(data.get('presence_before'))} → "
                f"{percent(data.get('presence_after'))}"
            )
        case EventType.MEETING:
            nxt = data.get("next_meeting")
            return f"neste møte {norwegian(nxt)}" if nxt else ""
        case EventType.CONSENT:
            return "ja" if data.get("consent") else "nei"
        case EventType.CONCERN_DISMISSED | EventType.NOTE | EventType.CLOSED:
            return ""
    return ""


def access_text(entries: Sequence[Access], pupil_id: str | None = None) -> str:
    """The access log, oldest first: «20.11.2026 12:00 UTC  rolle (navn)  elev 1  skole  hva»."""
    if not entries:
        if pupil_id is not None:
            return f"Ingen har lest saken til elev {pupil_id}.\n"
        return "Tilgangsloggen er tom.\n"
    lines = ["Tilgangslogg (eldste først, tid i UTC):"]
    for entry in entries:
        who = f"{entry.role} ({entry.by})" if entry.by else entry.role
        school = f"  {entry.school}" if entry.school else ""
        lines.append(
            f"{_utc(entry.at)}  {who}  {person(entry.setting)} {entry.pupil_id}{school}  "
            f"{entry.label}"
        )
    return "\n".join(lines) + "\n"


def _utc(stamp: str) -> str:
    try:
        return f"{datetime.fromisoformat(stamp):%d.%m.%Y %H:%M}"
    except ValueError:
        return stamp
