"""Fixed bokmål words and formats: who (elev/barn), roles, weekdays, months, dates and percents.

The one place outputs, documents, mails and case-log messages take these from. Words a
municipality may change (rule labels, the innsatsplan) live in the policy instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache


@dataclass(frozen=True)
class SettingWords:
    """The words that differ between a school and a barnehage, lower-case."""

    pupil: str  # "elev"
    pupils: str  # "elever"
    pupil_number: str  # "elevnummer"
    pupil_column: str  # "Elevnr", the short column header
    contact: str  # "kontaktlærer"
    group: str  # "gruppe"
    leadership: str  # "skoleledelsen"
    day: str  # "skoledag"
    evidence: str  # what a flag's details are: "timer" (lessons) or "detaljer"


SCHOOL = SettingWords(
    pupil="elev",
    pupils="elever",
    pupil_number="elevnummer",
    pupil_column="Elevnr",
    contact="kontaktlærer",
    group="gruppe",
    leadership="skoleledelsen",
    day="skoledag",
    evidence="timer",
)
KINDERGARTEN = SettingWords(
    pupil="barn",
    pupils="barn",
    pupil_number="barnenummer",
    pupil_column="Barnenr",
    contact="ped.leder",
    group="avdeling",
    leadership="styrer",
    day="åpningsdag",
    evidence="detaljer",
)


def words(setting: str) -> SettingWords:
    """The words of `setting` ("skole" or "barnehage")."""
    return KINDERGARTEN if setting == "barnehage" else SCHOOL


def person(setting: str, count: int = 1) -> str:
    """ "elev"/"elever" or "barn" with the right number."""
    found = words(setting)
    return found.pupil if count == 1 else found.pupils


def count_text(setting: str, count: int) -> str:
    """`1 elev`, `3 elever`, `2 barn`."""
    return f"{count} {person(setting, count)}"


def capital(text: str) -> str:
    """ "ped.leder" → "Ped.leder"."""
    return text[:1].upper() + text[1:]


WEEKDAYS: tuple[str, ...] = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
WEEKDAYS_SHORT: tuple[str, ...] = tuple(day[:3] for day in WEEKDAYS)
MONTHS: tuple[str, ...] = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


# How a date is written: 24.10.2026, and without the year 24.10 (also in Polars' to_string).
DATE_FORMAT = "%d.%m.%Y"
SHORT_DATE_FORMAT = "%d.%m"


def date_text(day: date | None, empty: str = "") -> str:
    """24.10.2026, or `empty` for no date."""
    return f"{day:{DATE_FORMAT}}" if day else empty


def date_short(day: date | None) -> str:
    """24.10"""
    return f"{day:{SHORT_DATE_FORMAT}}" if day else ""


def date_long(day: date | None, empty: str = "") -> str:
    """tirsdag 27. oktober 2026"""
    if not day:
        return empty
    return f"{WEEKDAYS[day.weekday()].lower()} {day.day}. {MONTHS[day.month - 1]} {day.year}"


def dates_text(days: Iterable[date]) -> str:
    """24.10.2026, 27.10.2026"""
    return ", ".join(map(_day_text, days))


@lru_cache(maxsize=4096)
def _day_text(day: date) -> str:
    # A large scan lists the same few dozen dates for thousands of pupils: format each once.
    return f"{day:{DATE_FORMAT}}"


def number(value: float, decimals: int | None = None) -> str:
    """Decimal comma: 2.5 → "2,5"; without `decimals`, no needless ones (3.0 → "3")."""
    shown = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return shown.replace(".", ",")


def percent(share: float | None, decimals: int = 1) -> str:
    """A share 0–1 as Norwegian percent: 0.333 → "33,3 %", with 0 decimals 0.4 → "40 %";
    None → "–"."""
    if share is None:
        return "–"
    return f"{number(share * 100, decimals)} %"
