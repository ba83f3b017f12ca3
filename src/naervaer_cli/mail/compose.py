"""Compose the mails: plain values for the templates, then a multipart/alternative message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from naervaer_cli.mail.sentlog import is_flag_new, is_pupil_new
from naervaer_cli.mail.settings import MailSettings
from naervaer_cli.output.labels import (
    STATUS_ORDER,
    amount,
    case_text,
    evidence_dates,
    flag_words,
    flags_text,
    limit,
    rule_label,
    status_label,
)
from naervaer_cli.result import PupilResult, ScanResult
from naervaer_cli.textsafe import safe_text
from naervaer_cli.words import count_text, date_short, date_text, person, words

if TYPE_CHECKING:
    import jinja2

SHOW_COMMAND = "naervaer show"


@dataclass(frozen=True)
class FlagLine:
    label: str
    status: str
    count: str  # "8", or "40 %" for the rate signals
    threshold: str  # the guide's limit (7 also on a watch flag at 5); a signal's own
    text: str  # in words: "8 dager med fravær siste 4 uker – veilederens grense er 7"
    dates: str
    lessons: tuple[str, ...]
    signal: bool
    new: bool


@dataclass(frozen=True)
class PupilView:
    """A pupil as a mail shows it; `label` is pseudonymised unless full names are configured."""

    label: str
    pupil_id: str
    group: str
    status: str
    level: int
    responsible: str
    next_step: str
    tools: tuple[str, ...]
    case: str
    flags: tuple[FlagLine, ...]
    flags_short: str
    new: bool
    contact: str = ""
    note: str = ""  # e.g. why nobody was mailed about the pupil


@dataclass(frozen=True)
class GroupRow:
    group: str
    contacts: str
    concern: int
    watch: int
    mailed: str  # "ja", "uten mottaker", "sending feilet"


@dataclass(frozen=True)
class LevelRow:
    """How many pupils the scan suggests at one NIVÅ, by status."""

    level: int
    concern: int
    watch: int


@dataclass(frozen=True)
class OverdueRow:
    """A case whose evaluation date has passed with no evaluation recorded."""

    label: str
    level: int
    due: str  # dd.mm.åååå
    contact: str


@dataclass(frozen=True)
class Draft:
    """A rendered mail before it becomes a message: recipient, subject and both bodies."""

    to: str
    subject: str
    text: str
    html: str


def initials(name: str) -> str:
    """`Nordmann, Ola` or `Ola Nordmann` → `O.N.`; given names first, one letter per name."""
    if "," in name:
        last, _, first = name.partition(",")
        parts = first.split() + last.split()
    else:
        parts = name.split()
    letters = [p[0].upper() for p in parts if p and p[0].isalpha()]
    return "".join(f"{letter}." for letter in letters)


def display_name(name: str) -> str:
    """`Nordmann, Ola` → `Ola Nordmann`."""
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        return f"{first} {last}".strip()
    return " ".join(name.split())


def pupil_label(pupil: PupilResult, full_names: bool) -> str:
    """`O.N. (7A, 10234)` by default; the full name only when the config says so."""
    shown = display_name(pupil.name) if full_names else initials(pupil.name)
    where = f"({pupil.group}, {pupil.pupil_id})"
    return f"{shown} {where}" if shown else where


def pupil_view(
    pupil: PupilResult,
    known: frozenset[str],
    full_names: bool,
    labels: Mapping[str, str],
    contact: str = "",
    note: str = "",
    *,
    limits: Mapping[str, int] | None = None,
    window_days: int = 28,
) -> PupilView:
    """The pupil as a mail shows it; `labels` and `limits` are the policy's."""
    limits = limits or {}
    flags = tuple(
        FlagLine(
            label=rule_label(flag.rule, labels, flag.subject),
            status=status_label(flag.severity),
            count=amount(flag, flag.count),
            threshold=amount(flag, limit(flag, limits)),
            text=flag_words(flag, labels, limits, window_days),
            dates=", ".join(date_short(d) for d in flag.dates),
            lessons=flag.lessons,
            signal=flag.signal,
            new=bool(known) and is_flag_new(flag, known),
        )
        for flag in pupil.flags
    )
    return PupilView(
        label=pupil_label(pupil, full_names),
        pupil_id=pupil.pupil_id,
        group=pupil.group,
        status=status_label(pupil.status),
        level=pupil.suggestion.level,
        responsible=", ".join(pupil.suggestion.responsible),
        next_step=pupil.suggestion.next_step,
        tools=pupil.suggestion.tools,
        case=case_text(pupil),
        flags=flags,
        flags_short=flags_text(pupil, labels, limits=limits),
        new=is_pupil_new(pupil, known),
        contact=contact,
        note=note,
    )


def by_severity(pupils: Iterable[PupilResult]) -> list[PupilResult]:
    """Bekymring before følg med, then the most days counted first (the input's order after)."""
    order = {status: n for n, status in enumerate(STATUS_ORDER)}
    return sorted(pupils, key=lambda p: (order.get(p.status, 9), -len(evidence_dates(p))))


def level_rows(result: ScanResult) -> tuple[LevelRow, ...]:
    """Pupils per suggested NIVÅ and status, lowest level first."""
    levels = sorted({p.suggestion.level for p in result.pupils})
    return tuple(
        LevelRow(
            level=level,
            concern=sum(
                p.suggestion.level == level and p.status == "concern" for p in result.pupils
            ),
            watch=sum(p.suggestion.level == level and p.status == "watch" for p in result.pupils),
        )
        for level in levels
    )


def overdue_rows(result: ScanResult, full_names: bool) -> tuple[OverdueRow, ...]:
    """Cases whose evaluation date has come with no evaluation recorded, oldest first."""
    overdue = sorted(
        (
            (p.case.evaluation_due, p)
            for p in result.pupils
            if p.case is not None
            and p.case.evaluation_due is not None
            and p.case.evaluation_due <= result.as_of
            and p.case.last_evaluation_improved is None
        ),
        key=lambda item: item[0],
    )
    return tuple(
        OverdueRow(
            label=pupil_label(p, full_names),
            level=p.case.level if p.case else 0,
            due=date_text(due),
            contact=p.contact or "",
        )
        for due, p in overdue
    )


def clean(text: str) -> str:
    """Header-safe: values from an export (group names) may hold line breaks."""
    return " ".join(safe_text(text).split())


def week_of(day: date) -> int:
    return day.isocalendar().week


def contact_subject(result: ScanResult, count: int, groups: Sequence[str]) -> str:
    """`Nærvær uke 47: 3 elever å følge opp (7A)`."""
    return clean(
        f"Nærvær uke {week_of(result.as_of)}: {count_text(result.setting, count)} å følge opp "
        f"({', '.join(groups)})"
    )


def summary_subject(result: ScanResult, school: str, count: int, unrouted: int) -> str:
    """`Nærvær uke 47: oversikt Åsgård skole – 5 elever å følge opp, 1 uten mottaker`."""
    head = f"Nærvær uke {week_of(result.as_of)}: oversikt"
    if school:
        head += f" {school}"
    text = f"{head} – {count_text(result.setting, count)} å følge opp"
    if unrouted:
        text += f", {unrouted} uten mottaker"
    return clean(text)


def base_context(result: ScanResult, settings: MailSettings) -> dict[str, Any]:
    """The fields both mails share, with the summary's overview (counts per NIVÅ and status,
    overdue evaluations) so the leadership mail can open with it."""
    return {
        "details_hint": settings.details_hint,
        "pupil_number": words(result.setting).pupil_number,
        "levels": level_rows(result),
        "overdue": overdue_rows(result, settings.full_names),
        "school": settings.school,
        "week": week_of(result.as_of),
        "as_of": date_text(result.as_of),
        "window_days": result.window_days,
        # What the scan could not see (the data start late, rows counted as one lesson).
        "notes": list(result.notes),
        "policy": result.policy,
        "setting": result.setting,
        "pupil_word": person(result.setting, 2),
        "talk_to_child": result.talk_to_child,
        "show_command": SHOW_COMMAND,
        "full_names": settings.full_names,
        "contact_word": words(result.setting).contact,
        "group_word": words(result.setting).group,
        "leadership_word": words(result.setting).leadership,
    }


def render_pair(env: jinja2.Environment, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render `mail/NAME.txt.j2` and `mail/NAME.html.j2` with the same context."""
    from naervaer_cli.templating import guarded

    def one(template: str) -> str:
        return guarded(template, lambda: env.get_template(template).render(**context))

    return one(f"mail/{name}.txt.j2"), one(f"mail/{name}.html.j2")


def build_message(draft: Draft, settings: MailSettings, now: datetime) -> EmailMessage:
    """multipart/alternative, text first (clients show the last part they understand)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = draft.to
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    # Tell auto-responders and vacation replies not to answer a cron job (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "nb"
    # A text part is often read in a terminal (mutt, less): no escape sequences in it.
    message.set_content(safe_text(draft.text), subtype="plain", charset="utf-8")
    message.add_alternative(draft.html, subtype="html", charset="utf-8")
    return message


def group_rows(
    result: ScanResult,
    contacts_by_group: dict[str, tuple[str, ...]],
    mailed: dict[str, str],
) -> tuple[GroupRow, ...]:
    groups: dict[str, list[PupilResult]] = {}
    for pupil in result.pupils:
        groups.setdefault(pupil.group, []).append(pupil)
    return tuple(
        GroupRow(
            group=group,
            contacts=", ".join(contacts_by_group.get(group, ())) or "–",
            concern=sum(p.status == "concern" for p in pupils),
            watch=sum(p.status == "watch" for p in pupils),
            mailed=mailed.get(group, ""),
        )
        for group, pupils in groups.items()
    )


def views(
    pupils: Iterable[PupilResult],
    known: dict[str, frozenset[str]],
    full_names: bool,
    labels: Mapping[str, str],
    contact: dict[str, str] | None = None,
    note: dict[str, str] | None = None,
    *,
    limits: Mapping[str, int] | None = None,
    window_days: int = 28,
) -> list[PupilView]:
    """The pupils as a mail shows them, bekymring first, then by days counted."""
    contact = contact or {}
    note = note or {}
    return [
        pupil_view(
            p,
            known.get(p.pupil_id, frozenset()),
            full_names,
            labels,
            contact.get(p.pupil_id, ""),
            note.get(p.pupil_id, ""),
            limits=limits,
            window_days=window_days,
        )
        for p in by_severity(pupils)
    ]


def flag_terms(result: ScanResult) -> dict[str, Any]:
    """What `views` needs of the scan to word a flag: the guide's limits and the window."""
    return {"limits": result.limits, "window_days": result.window_days}
