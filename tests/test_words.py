"""The fixed words and formats every output takes from naervaer_cli.words."""

from __future__ import annotations

from datetime import date

from naervaer_cli.words import (
    count_text,
    date_long,
    date_short,
    date_text,
    number,
    percent,
    words,
)


def test_dates() -> None:
    assert date_text(date(2026, 10, 24)) == "24.10.2026"
    assert date_text(None) == "" and date_text(None, "–") == "–"
    assert date_short(date(2026, 11, 3)) == "03.11"
    assert date_long(date(2026, 10, 27)) == "tirsdag 27. oktober 2026"


def test_numbers_and_percents() -> None:
    assert percent(0.4, 0) == "40 %"
    assert percent(1 / 3) == "33,3 %"
    assert percent(None) == "–"
    assert number(2.5) == "2,5" and number(3.0) == "3"


def test_setting_words() -> None:
    assert (words("skole").contact, words("skole").group) == ("kontaktlærer", "gruppe")
    assert (words("barnehage").contact, words("barnehage").group) == ("ped.leder", "avdeling")
    assert [count_text("skole", n) for n in (1, 3)] == ["1 elev", "3 elever"]
    assert count_text("barnehage", 2) == "2 barn"
