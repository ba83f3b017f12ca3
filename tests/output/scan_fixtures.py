"""Hand-built scan results and the golden folder for the output tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, Flag, PupilResult, ScanResult, Suggestion

# The shipped policy's rule labels, as a scan carries them.
LABELS = load_policy().labels
LIMITS = load_policy().limits

GOLDEN = Path(__file__).parent / "golden"

NIVA0 = Suggestion(
    level=0,
    responsible=("Kontaktlærer",),
    next_step="Sikre muntlig dialog med elev og hjemmet, gjerne telefon. Konkretiser uro.",
    tools=("Dokumenter ligger i IST dokumentflyt",),
)
NIVA1 = Suggestion(
    level=1,
    responsible=("Kontaktlærer", "Skoleledelse"),
    next_step="Møte mellom elev, foreldre og skole – tiltak besluttes.",
    tools=("Elevsamtale", "Samarbeidsavtale"),
)


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


def make_result(*, with_case: bool = False) -> ScanResult:
    ola = PupilResult(
        pupil_id="10234",
        name="Nordmann, Ola",
        group="7A",
        contact="Kari Lærer",
        status="concern",
        flags=(
            Flag(
                "absence_days",
                "concern",
                8,
                7,
                (d(27, 10), d(28, 10), d(2), d(3), d(4), d(10), d(11), d(12)),
            ),
            Flag(
                "subject_absence",
                "concern",
                2,
                2,
                (d(29, 10), d(5)),
                subject="Kroppsøving",
                lessons=("29.10 10:15–11:00 Kroppsøving", "05.11 10:15–11:00 Kroppsøving"),
            ),
        ),
        suggestion=NIVA0,
    )
    hacker = PupilResult(
        pupil_id="10240",
        name='=HYPERLINK("http://example.com";"Klikk")',
        group="7A",
        contact="Kari Lærer",
        status="concern",
        flags=(
            Flag("left_during_day", "concern", 2, 2, (d(9), d(16))),
            Flag(
                "single_lessons",
                "concern",
                3,
                2,
                (d(6), d(13), d(18)),
                lessons=(
                    "06.11 12:30–13:15 Matte",
                    "13.11 12:30–13:15 Matte",
                    "18.11 08:30–09:15 Norsk",
                ),
            ),
        ),
        suggestion=NIVA1 if with_case else NIVA0,
        case=CaseSummary("10240", 0, d(2), evaluation_due=d(23), state="Åpen, NIVÅ 0")
        if with_case
        else None,
    )
    kari = PupilResult(
        pupil_id="10251",
        name="Hansen | Kari",
        group="7B",
        contact=None,
        status="watch",
        flags=(
            Flag("absence_days", "watch", 5, 5, (d(2), d(9), d(16), d(17), d(18))),
            Flag("weekday_pattern", "watch", 3, 3, (d(2), d(9), d(16)), signal=True),
        ),
        suggestion=NIVA0,
    )
    return ScanResult(
        as_of=d(20),
        window_days=28,
        policy="aas",
        setting="skole",
        pupils=(hacker, ola, kari),
        pupils_scanned=64,
        labels=LABELS,
        limits=LIMITS,
    )
