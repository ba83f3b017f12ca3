"""The `show` picture rendered from a hand-built PupilView: plain golden and terminal colours."""

from __future__ import annotations

import io
from datetime import date, timedelta

from scan_fixtures import GOLDEN, LABELS, make_result

from golden_files import check_golden
from naervaer_cli.output.pupil import render_pupil_plain, render_pupil_rich, write_pupil
from naervaer_cli.policy import PlanLevel
from naervaer_cli.pupil_view import Day, PupilView, SubjectCount, WeekdayCount

FIRST = date(2026, 11, 2)
STATES = {
    date(2026, 11, 2): "whole",
    date(2026, 11, 3): "whole",
    date(2026, 11, 5): "partial",
    date(2026, 11, 9): "whole",
    date(2026, 11, 11): "off",
}


def make_view(*, flagged: bool = True) -> PupilView:
    days = []
    for n in range(15):
        day = FIRST + timedelta(days=7 * (n // 5) + n % 5)
        state = "future" if day > date(2026, 11, 18) else STATES.get(day, "none")
        days.append(Day(day, state, 45 if state == "partial" else 0))  # type: ignore[arg-type]
    pupil = make_result(with_case=True).pupils[1]  # Nordmann, Ola
    return PupilView(
        pupil_id="10234",
        name="Nordmann, Ola",
        group="7A",
        contact="Kari Lærer",
        setting="skole",
        as_of=date(2026, 11, 18),
        first=FIRST,
        window_days=28,
        days=tuple(days),
        by_weekday=(
            WeekdayCount(0, 2, 0),
            WeekdayCount(1, 1, 0),
            WeekdayCount(2, 0, 0),
            WeekdayCount(3, 0, 1),
            WeekdayCount(4, 0, 0),
        ),
        by_subject=(SubjectCount("Kroppsøving", 2, 2, 90), SubjectCount("Norsk", 1, 1, 45)),
        result=pupil if flagged else None,
        quiet_rules=("left_during_day", "single_lessons"),
        labels=LABELS,
        plan=PlanLevel(
            0,
            "Sikre muntlig dialog.",
            ("Uro for bekymringsfullt fravær.", "Konkretiser uro"),
            ("Kontaktlærer",),
            (),
            ("Dokumenter ligger i IST dokumentflyt",),
        )
        if flagged
        else None,
        tools_note="Se verktøy i BTI veileder",
        talk_to_child="Snakk med barnet/eleven under hele prosessen.",
    )


def test_plain_picture() -> None:
    check_golden(GOLDEN / "pupil_plain.txt", render_pupil_plain(make_view()))


def test_plain_picture_without_flags() -> None:
    text = render_pupil_plain(make_view(flagged=False))
    assert "  Ingen regler slo ut i vinduet.\n" in text
    assert "Innsatsplan" not in text
    assert text.endswith("\nSnakk med barnet/eleven under hele prosessen.\n")


def test_terminal_colours_the_calendar() -> None:
    text = render_pupil_rich(make_view(), width=100, color=True)
    assert "\x1b[1;37;41mX\x1b[0m" in text  # whole day: white on red
    assert "\x1b[30;43m/\x1b[0m" in text  # partial: black on yellow
    assert "\x1b[1;31mBekymring" in text


def test_piped_is_plain() -> None:
    out = io.StringIO()
    write_pupil(make_view(), out, terminal=False)
    assert out.getvalue() == render_pupil_plain(make_view())
    assert "\x1b[" not in out.getvalue()
