"""The patterns planted in sample_data (see sample_data/README.md) come out of the rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.calendar import SchoolCalendar, calendar_from_config
from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.policy import load_policy
from naervaer_cli.scan import scan

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
AS_OF = date(2026, 11, 20)
HOSTFERIE = calendar_from_config({"breaks": [{"from": "2026-09-28", "to": "2026-10-02"}]})

# pupil name → the flags (rule, subject, severity, count) the README promises.
IST_EXPECTED: dict[str, set[tuple[str, str | None, str, int]]] = {
    "Bakke, Jonas": {
        ("absence_days", None, "concern", 8),
        ("rising_trend", None, "watch", 40),
        ("term_share", None, "watch", 15),
    },
    "Skog, Marte": {
        ("absence_days", None, "watch", 5),
        ("consecutive_days", None, "watch", 5),
        ("rising_trend", None, "watch", 50),
    },
    "Tveit, Hanna": {("absence_days", None, "watch", 6), ("consecutive_days", None, "watch", 4)},
    "Nes, Viktor": {("left_during_day", None, "concern", 3)},
    "Røed, Adrian": {("left_during_day", None, "concern", 3)},
    "Fjeld, Oskar": {("single_lessons", None, "concern", 3)},
    "Vik, Amalie": {("subject_absence", "Kroppsøving", "concern", 3)},
    "Bråten, Lykke": {("subject_absence", "Svømming", "concern", 2)},
    "Brekke, Julie": {("weekday_pattern", None, "watch", 3)},
    "Aune, Markus": {("rising_trend", None, "watch", 40)},
    "Foss, Eline": {("consecutive_days", None, "watch", 3)},
    "Holt, Isak": {("late_arrivals", None, "watch", 5)},
    "Moum, Petter": {("term_share", None, "watch", 12)},
}

OTHER_EXPECTED: dict[str, set[tuple[str, str | None, str, int]]] = {
    "Grønli, Åse": {
        ("absence_days", None, "concern", 8),
        ("rising_trend", None, "watch", 40),
        ("term_share", None, "watch", 12),
    },
    "Sæther, Kåre": {("subject_absence", "Kroppsøving", "concern", 3)},
    "Ødegård, Sølvi": {("single_lessons", None, "concern", 3)},
    "Bråthen, Ørjan": {("left_during_day", None, "concern", 2)},
}


def _flags(file: str, calendar: SchoolCalendar) -> dict[str, set[tuple]]:
    records = load_exports(
        [SAMPLES / file], load_config(), today=date(2026, 11, 20), calendar=calendar
    ).records
    result = scan(records, load_policy("aas"), as_of=AS_OF, calendar=calendar)
    return {
        p.name: {(f.rule, f.subject, f.severity, f.count) for f in p.flags} for p in result.pupils
    }


@pytest.mark.parametrize("file", ["ist_fravaer.csv", "ist_fravaer.xlsx"])
def test_ist_export_planted_patterns(file: str) -> None:
    assert _flags(file, HOSTFERIE) == IST_EXPECTED


def test_other_vendor_planted_patterns() -> None:
    assert _flags("annen_leverandor.csv", HOSTFERIE) == OTHER_EXPECTED


def test_the_break_changes_only_the_term_share() -> None:
    without = _flags("ist_fravaer.csv", SchoolCalendar())
    # 10 of 70 school days without the høstferie instead of 10 of 65; Moum 8/70 = 11.4 %.
    assert ("term_share", None, "watch", 14) in without["Bakke, Jonas"]
    assert ("term_share", None, "watch", 11) in without["Moum, Petter"]
    assert without.keys() == IST_EXPECTED.keys()
