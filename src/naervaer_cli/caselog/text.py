"""Plain-text renderings of the case log for the terminal: open cases, a timeline, an evaluation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from naervaer_cli.caselog.events import Access, Case, Event, EventType, OpenCase
from naervaer_cli.caselog.store import norwegian
from naervaer_cli.result import CaseSummary
from naervaer_cli.rules.presence import PresenceComparison
from naervaer_cli.words import percent, person


def points(diff: float | None) -> str:
    """A difference in rates as signed percentage points: 0.05 → "+5,0 prosentpoeng"."""
    if diff is None:
        return "–"
    return f"{diff * 100:+.1f} prosentpoeng".replace(".", ",")


def open_cases_text(
    items: Sequence[OpenCase],
    as_of: date,
    *,
    names: Mapping[str, tuple[str, str]] | None = None,
    summaries: Mapping[str, CaseSummary] | None = None,
    group: str | None = None,
) -> str:
    """Open cases as aligned columns: number, name, group, level, what is due and when.

    `items` come overdue first (the store's order); `names` maps a pupil to (name, group)
    from the history or an export; `summaries` say how the last evaluation answered, so a
    NIVÅ 1 case whose evaluation said «Nei» reads «vurder NIVÅ 2». With `group`, only that
    group's cases (matched without regard to case or blanks) are shown.
    """
    names = names or {}
    summaries = summaries or {}
    if group is not None:
        wanted = group.strip().casefold()
        items = [
            i for i in items if names.get(i.case.pupil_id, ("", ""))[1].strip().casefold() == wanted
        ]
    where = f" i {group.strip()}" if group is not None else ""
    if not items:
        return f"Ingen åpne saker{where} per {norwegian(as_of)}.\n"
    header = ["", "Nr.", "Navn", "Gruppe", "NIVÅ", "Åpnet", "Hva forfaller"]
    rows = []
    for item in items:
        case = item.case
        name, grp = names.get(case.pupil_id, ("", ""))
        mark = "!" if item.overdue else ("*" if item.due_this_week else "")
        rows.append(
            [
                mark,
                case.pupil_id,
                name or "–",
                grp or "–",
                str(case.level),
                norwegian(case.opened),
                _due(item, summaries),
            ]
        )
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths, strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    lines = [f"Åpne saker{where} per {norwegian(as_of)}:", line(header)]
    lines += [line(row) for row in rows]
    lines.append("(! = forfalt, * = denne uken)")
    return "\n".join(lines) + "\n"


def _due(item: OpenCase, summaries: Mapping[str, CaseSummary]) -> str:
    """What is due for the case, or what the last evaluation calls for."""
    summary = summaries.get(item.case.pupil_id)
    improved = summary.last_evaluation_improved if summary else None
    said = [item.due] if item.due else []
    if item.case.level == 1 and improved is False:
        said.insert(0, "Evalueringen viste ikke økt nærvær – vurder NIVÅ 2")
    elif improved is True and not item.due:
        said.append("Nærværet har økt ved siste evaluering – saken kan avsluttes")
    elif item.case.level == 1 and item.measure_date is None and not item.due:
        said.append("Beslutt tiltak og avtal evalueringsdato")
    return "; ".join(said) or "Ingenting forfaller"


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
        case (
            EventType.CONCERN_DISMISSED
            | EventType.NOTE
            | EventType.CLOSED
            | EventType.DELETED
            | EventType.CERTIFICATE_LEAVE_OFF
        ):
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
