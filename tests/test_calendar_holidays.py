"""Norway's public holidays, computed in calendar.py, against known dates and `holidays`."""

from __future__ import annotations

from datetime import date

import pytest

from naervaer_cli.calendar import SchoolCalendar, _public_holidays, is_public_holiday


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_and_the_holidays_hanging_on_it(year: int, easter: date) -> None:
    days = _public_holidays(year)
    assert easter in days
    assert date.fromordinal(easter.toordinal() - 3) in days  # skjærtorsdag
    assert date.fromordinal(easter.toordinal() + 39) in days  # Kristi himmelfart
    assert date.fromordinal(easter.toordinal() + 50) in days  # 2. pinsedag
    assert len(days) == (11 if year == 2027 else 12)  # 2027: 2. pinsedag is 17 May


def test_fixed_holidays_and_an_ordinary_day() -> None:
    for day in (
        date(2026, 1, 1),
        date(2026, 5, 1),
        date(2026, 5, 17),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ):
        assert is_public_holiday(day)
    assert not is_public_holiday(date(2026, 5, 18))
    assert not SchoolCalendar().is_school_day(date(2026, 4, 2))  # skjærtorsdag, a Thursday
    assert SchoolCalendar().is_school_day(date(2026, 4, 8))


def test_same_days_as_the_holidays_package() -> None:
    holidays = pytest.importorskip("holidays")
    for year in range(1901, 2101):  # the package's range for Norway
        expected = frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))
        assert _public_holidays(year) == expected, year
