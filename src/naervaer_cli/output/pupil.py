"""One pupil's picture (`naervaer show`) as text: styled on a terminal, plain when piped."""

from __future__ import annotations

import io
from typing import IO

from naervaer_cli import words
from naervaer_cli.output import labels
from naervaer_cli.output.console import rich_console
from naervaer_cli.pupil_view import PupilView
from naervaer_cli.textsafe import safe_text

# (symbol when piped, style on a terminal) per day state; the legend below explains them.
DAY_MARKS: dict[str, tuple[str, str]] = {
    "whole": ("X", "bold white on red"),
    "partial": ("/", "black on yellow"),
    "none": (".", "green"),
    "off": ("-", "dim"),
    "future": (" ", ""),
}
LEGEND = "X = hel dag fravær, / = delvis fravær, . = til stede, - = ikke {day}"
_STATUS_STYLE = {"concern": "bold red", "watch": "yellow"}

Line = list[tuple[str, str]]  # a line as (text, Rich style) pieces


def _lines(view: PupilView) -> list[Line]:
    out: list[Line] = []

    def add(*pieces: tuple[str, str]) -> None:
        # Names and groups come from an export: no escape sequence reaches the terminal.
        out.append([(safe_text(piece), style) for piece, style in pieces])

    def text(value: str = "", style: str = "") -> None:
        add((value, style))

    head = f"{view.name or view.pupil_id} ({view.pupil_id}), {view.group}"
    if view.contact:
        head += f", {words.words(view.setting).contact} {view.contact}"
    text(head, "bold")
    window = labels.window_text_for(view.as_of, view.window_days)
    text(f"Per {words.date_text(view.as_of)}, vindu {window}")
    text()

    text("Hva slo ut", "bold")
    result = view.result
    if result is None:
        text("  Ingen regler slo ut i vinduet.")
    else:
        status = labels.status_label(result.status)
        text(f"  Status: {status}", _STATUS_STYLE.get(result.status, ""))
        for flag in result.flags:
            name = labels.rule_label(flag.rule, view.labels, flag.subject)
            kind = " (signal)" if flag.signal else ""
            severity = labels.status_label(flag.severity)
            add(
                ("  ", ""),
                (f"{severity:<9}", _STATUS_STYLE.get(flag.severity, "")),
                (
                    f"  {name}{kind}: {labels.amount(flag, flag.count)} "
                    f"(terskel {labels.amount(flag, flag.threshold)})",
                    "",
                ),
            )
            text(f"             Datoer: {words.dates_text(flag.dates)}")
            if flag.lessons:
                # School evidence is lessons; a barnehage's is pick-up and check-out times.
                what = words.capital(words.words(view.setting).evidence)
                text(f"             {what}: {'; '.join(flag.lessons)}")
    if view.quiet_rules:
        quiet = ", ".join(labels.rule_label(rule, view.labels) for rule in view.quiet_rules)
        text(f"  Ikke utslag: {quiet}")
    text()

    weeks = len(view.days) // 5
    text(f"Kalender, siste {weeks} uker", "bold")
    text("  Uke  " + "  ".join(f"{w:<7}" for w in words.WEEKDAYS_SHORT[:5]).rstrip())
    for week in range(weeks):
        days = view.days[week * 5 : (week + 1) * 5]
        pieces: Line = [(f"  {days[0].day.isocalendar().week:>3}  ", "")]
        for n, day in enumerate(days):
            symbol, style = DAY_MARKS[day.state]
            pieces.append((f"{day.day:%d.%m} ", ""))
            pieces.append((symbol, style))
            if n < 4:
                pieces.append(("  ", ""))
        out.append(pieces)
    text(f"  {LEGEND.format(day=words.words(view.setting).day)}", "dim")
    text()

    text(f"Fravær per ukedag, siste {weeks} uker (hele dager / delvis)", "bold")
    for count in view.by_weekday:
        text(f"  {words.WEEKDAYS[count.weekday]:<8} {count.whole:>2} / {count.partial}")
    text()
    # A barnehage has no lessons or subjects: the section would only ever say so.
    if view.setting == "skole" or view.by_subject:
        text(f"Fravær per fag, siste {weeks} uker", "bold")
        if not view.by_subject:
            text("  Ingen timefravær med fag.")
        width = max((len(s.subject) for s in view.by_subject), default=0)
        for subject in view.by_subject:
            times = "gang" if subject.lessons == 1 else "ganger"
            day_word = "dag" if subject.days == 1 else "dager"
            text(
                f"  {subject.subject:<{width}}  {subject.lessons} {times}, {subject.days} "
                f"{day_word}, {subject.minutes} min"
            )
        text()

    if view.plan is not None:
        plan = view.plan
        text(f"Innsatsplan – NIVÅ {plan.level}", "bold")
        text("  HVA:")
        for item in plan.what:
            text(f"    • {item}")
        responsible = ", ".join(plan.responsible)
        if plan.others:
            responsible += "; aktuelle andre aktører: " + ", ".join(plan.others)
        text(f"  ANSVARLIG: {responsible}")
        if plan.tools:
            note = f" ({view.tools_note})" if view.tools_note else ""
            text(f"  VERKTØY: {', '.join(plan.tools)}{note}")
        step = result.suggestion.next_step if result else plan.next_step
        text(f"  Neste steg: {step}")
        if result and result.case is not None:
            text(f"  Sak: {labels.case_text(result)}")
        text()
    text(view.talk_to_child, "bold")
    return out


def render_pupil_plain(view: PupilView) -> str:
    lines = ["".join(piece for piece, _ in line).rstrip() for line in _lines(view)]
    return "\n".join(lines) + "\n"


def print_pupil_rich(
    view: PupilView, file: IO[str], *, width: int | None = None, color: bool = True
) -> None:
    """Print the picture with colours (calendar days by absence) to a terminal."""
    from rich.text import Text

    console = rich_console(file, width, color)
    for line in _lines(view):
        console.print(Text.assemble(*[(piece, style) for piece, style in line]), soft_wrap=True)


def render_pupil_rich(view: PupilView, *, width: int = 100, color: bool = True) -> str:
    buffer = io.StringIO()
    print_pupil_rich(view, buffer, width=width, color=color)
    return buffer.getvalue()


def write_pupil(view: PupilView, stdout: IO[str], *, terminal: bool) -> None:
    """Colour on a `terminal`, plain symbols when piped (the legend names them either way)."""
    if terminal:
        print_pupil_rich(view, stdout)
    else:
        stdout.write(render_pupil_plain(view))
