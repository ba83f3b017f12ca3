"""Checks made once on a text column's distinct values give what checks on its rows gave.

normalize._parse_columns strips, cleans and searches for fødselsnummer on the distinct values
of the name, group, subject, contact and comment columns (and the code's categories); the
rows they come from must still be told and changed exactly as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports

TODAY = date(2026, 11, 20)
HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Merknad\n"
FNR = "01417010072"
OTHER_FNR = "15076510013"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _replaced_note(notes: tuple[str, ...]) -> list[str]:
    return [n for n in notes if "fødselsnummer er erstattet" in n]


def test_a_fodselsnummer_only_in_a_rejected_row_is_not_counted(tmp_path):
    # The comment column's distinct values hold a fødselsnummer, but only the bad row (an
    # impossible date) has it: the good rows are searched, and nothing is counted.
    path = _write(
        tmp_path,
        "1;Berg, Ola;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;ringte\n"
        f"2;Dahl, Kari;7A;32.11.2026;08:30;09:15;Norsk;Sykdom;fnr {FNR}\n",
    )
    result = load_exports([path], load_config(), today=TODAY, rejects=tmp_path / "avvist.csv")
    assert result.rejected == 1
    assert result.records.get_column("comment").to_list() == ["ringte"]
    assert _replaced_note(result.files[0].notes) == []


def test_a_fodselsnummer_in_a_good_row_beside_a_rejected_one_is_counted_once(tmp_path):
    path = _write(
        tmp_path,
        f"1;Berg, Ola;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;fnr {FNR}\n"
        f"2;Dahl, Kari;7A;32.11.2026;08:30;09:15;Norsk;Sykdom;fnr {OTHER_FNR}\n",
    )
    result = load_exports([path], load_config(), today=TODAY, rejects=tmp_path / "avvist.csv")
    (comment,) = result.records.get_column("comment").to_list()
    assert comment.startswith("fnr ") and FNR not in comment
    assert _replaced_note(result.files[0].notes) == [
        "1 fødselsnummer er erstattet med pseudonymer og lagres ikke."
    ]


def test_a_fodselsnummer_in_a_name_is_masked_and_the_others_are_kept(tmp_path):
    path = _write(
        tmp_path,
        f"1;Berg {FNR}, Ola;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;\n"
        "2;Dahl, Kari;7B;02.11.2026;08:30;09:15;Matte;Sykdom;\n",
    )
    result = load_exports([path], load_config(), today=TODAY)
    first, second = result.records.get_column("name").to_list()
    assert FNR not in first and first.startswith("Berg ")
    assert second == "Dahl, Kari"
    assert result.subjects == {"Norsk", "Matte"}
    assert _replaced_note(result.files[0].notes) == [
        "1 fødselsnummer er erstattet med pseudonymer og lagres ikke."
    ]


def test_padding_and_controls_on_one_row_are_removed_from_that_row(tmp_path):
    # One padded group, one padded code and one name with a vertical tab among plain rows:
    # the checks see them in the distinct values, and every row is written as before.
    plain = "3;Lie, Pål;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;\n" * 3
    path = _write(
        tmp_path,
        plain
        + "1;Berg,\x0bOla; 7A ;03.11.2026;08:30;09:15; Norsk ; Sykdom ;\n"
        + "2;Dahl, Kari;7A;04.11.2026;08:30;09:15;Norsk;Sykdom;\n",
    )
    records = load_exports([path], load_config(), today=TODAY).records
    assert records.get_column("name").to_list() == ["Lie, Pål"] * 3 + ["Berg, Ola", "Dahl, Kari"]
    assert records.get_column("group").to_list() == ["7A"] * 5
    assert records.get_column("subject").to_list() == ["Norsk"] * 5
    assert records.get_column("code").to_list() == ["Sykdom"] * 5
    assert records.get_column("kind").cast(str).to_list() == ["sykdom"] * 5


def test_an_id_that_is_a_fodselsnummer_only_in_a_rejected_row_is_not_counted(tmp_path):
    path = _write(
        tmp_path,
        "1;Berg, Ola;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;\n"
        f"{FNR};Dahl, Kari;7A;32.11.2026;08:30;09:15;Norsk;Sykdom;\n",
    )
    result = load_exports([path], load_config(), today=TODAY, rejects=tmp_path / "avvist.csv")
    assert result.records.get_column("pupil_id").to_list() == ["1"]
    assert _replaced_note(result.files[0].notes) == []


def test_an_id_that_is_a_fodselsnummer_is_hashed_and_counted(tmp_path):
    path = _write(
        tmp_path,
        "1;Berg, Ola;7A;02.11.2026;08:30;09:15;Norsk;Sykdom;\n"
        f" {FNR} ;Dahl, Kari;7A;03.11.2026;08:30;09:15;Norsk;Sykdom;\n",
    )
    result = load_exports([path], load_config(), today=TODAY)
    plain, hashed = result.records.get_column("pupil_id").to_list()
    assert plain == "1" and hashed.startswith("fnr-") and FNR not in hashed
    assert _replaced_note(result.files[0].notes) == [
        "1 fødselsnummer er erstattet med pseudonymer og lagres ikke."
    ]
