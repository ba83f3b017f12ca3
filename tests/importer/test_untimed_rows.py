"""Lesson rows without clock times or minutes: found among timed rows, with or without a
clock-time column, and listed in file order."""

from __future__ import annotations

from datetime import date

from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports

TODAY = date(2026, 11, 20)


def _warning(name: str, count: int, rows: str) -> str:
    return (
        f"{name}: {count} timerad(er) uten klokkeslett eller minutter (rad {rows}) er telt som "
        "én time à 45 minutter (school.lesson_minutes i policyen). Ta med klokkeslett, "
        "minutter eller timenummer og [import] lesson_times for eksakte tall."
    )


def test_untimed_rows_among_timed_rows_are_listed_in_order(tmp_path):
    path = tmp_path / "blandet.csv"
    path.write_text(
        "Elevnr;Elev;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
        "1;Berg, Ola;02.11.2026;08:30;09:15;Norsk;Sykdom;Nei\n"
        "1;Berg, Ola;03.11.2026;;;Norsk;Sykdom;Nei\n"
        "1;Berg, Ola;04.11.2026;;;;Sykdom;Ja\n"
        "2;Dahl, Kari;04.11.2026;10:00;10:45;Matte;Sykdom;Nei\n"
        "2;Dahl, Kari;05.11.2026;;;Matte;Sykdom;\n",
        encoding="utf-8",
    )
    result = load_exports([path], load_config(), today=TODAY, lesson_minutes=45)
    assert result.files[0].warnings == (_warning("blandet.csv", 2, "3, 6"),)
    assert result.records.get_column("minutes").to_list() == [45, 45, None, 45, 45]
    assert result.records.get_column("whole_day").to_list() == [False, False, True, False, False]


def test_untimed_rows_without_a_clock_time_column(tmp_path):
    path = tmp_path / "uten.csv"
    path.write_text(
        "Elevnr;Elev;Dato;Fag;Fraværstype;Heldag\n"
        "1;Berg, Ola;02.11.2026;Norsk;Sykdom;Nei\n"
        "1;Berg, Ola;03.11.2026;;Sykdom;Ja\n",
        encoding="utf-8",
    )
    result = load_exports([path], load_config(), today=TODAY, lesson_minutes=45)
    assert result.files[0].warnings == (_warning("uten.csv", 1, "2"),)
    assert result.records.get_column("minutes").to_list() == [45, None]
