"""School calendar from config: breaks and a skolerute CSV (dato,skole,elevdag,... as
Stavanger publishes it)."""

from __future__ import annotations

from datetime import date

import pytest

from naervaer_cli.calendar import calendar_from_config
from naervaer_cli.errors import ConfigError, InputError

SKOLERUTE = (
    "dato,skole,elevdag,laererdag,sfodag,kommentar\n"
    "2026-10-05,Bjørnsvik skole,Nei,Nei,Ja,Høstferie\n"
    "2026-10-05,Åsgård skole,Ja,Ja,Ja,\n"
    "2026-10-06,Åsgård skole,Nei,Ja,Ja,Planleggingsdag\n"
    "2026-05-14,Åsgård skole,Ja,Ja,Ja,Kristi himmelfart (test)\n"
)


def test_breaks_are_not_school_days() -> None:
    cal = calendar_from_config(
        {"breaks": [{"from": date(2026, 10, 5), "to": date(2026, 10, 9), "name": "Høstferie"}]}
    )
    assert cal.school_days(date(2026, 10, 2), date(2026, 10, 12)) == [
        date(2026, 10, 2),
        date(2026, 10, 12),
    ]


def test_skolerute_for_one_school_overrides_the_rule(tmp_path) -> None:
    path = tmp_path / "skolerute.csv"
    path.write_text(SKOLERUTE, encoding="utf-8")
    cal = calendar_from_config({"skolerute": str(path), "school": "Åsgård skole"})
    assert cal.is_school_day(date(2026, 10, 5))  # Åsgård: elevdag
    assert not cal.is_school_day(date(2026, 10, 6))  # planleggingsdag
    assert cal.is_school_day(date(2026, 5, 14))  # the file wins over the holiday rule
    assert cal.is_school_day(date(2026, 10, 7))  # not in the file: a weekday
    other = calendar_from_config({"skolerute": str(path), "school": "Bjørnsvik skole"})
    assert not other.is_school_day(date(2026, 10, 5))


def test_bad_skolerute_value_names_file_row_and_column(tmp_path) -> None:
    path = tmp_path / "skolerute.csv"
    path.write_text("dato,skole,elevdag\n2026-10-05,A,kanskje\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        calendar_from_config({"skolerute": str(path)})
    assert str(err.value) == (
        f"{path}, rad 2, kolonne «elevdag»: «kanskje» skal være ja/nei eller 1/0."
    )


def test_break_ending_before_it_starts_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="slutter før den starter"):
        calendar_from_config({"breaks": [{"from": "2026-10-09", "to": "2026-10-05"}]})
