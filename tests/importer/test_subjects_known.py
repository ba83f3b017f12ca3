"""The import tells the distinct subjects it found, so subject names need no second look."""

from __future__ import annotations

from datetime import date

from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.policy import load_policy
from naervaer_cli.subjects import with_subject_names

TODAY = date(2026, 11, 20)
FNR = "15076510013"
HEADER = "Elevnr;Dato;Fra kl.;Til kl.;Fag;Fraværstype\n"


def test_the_subjects_are_the_distinct_subjects_of_the_records(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(
        HEADER + "1;02.11.2026;08:30;09:15;KRØ;Sykdom\n1;02.11.2026;09:30;10:15; Norsk ;Sykdom\n"
        "2;03.11.2026;;;;Sykdom\n",
        encoding="utf-8",
    )
    second.write_text(HEADER + "3;04.11.2026;08:30;09:15;Matematikk;Sykdom\n", encoding="utf-8")
    result = load_exports([first, second], load_config(), today=TODAY)
    assert result.subjects == {"KRØ", "Norsk", "Matematikk"}
    school = load_policy(None).school
    named = with_subject_names(result.records, school, result.subjects)
    assert named.equals(with_subject_names(result.records, school))
    assert named.get_column("subject").to_list() == ["Kroppsøving", "Norsk", None, "Matematikk"]


def test_a_subject_with_a_fodselsnummer_is_told_masked(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f"1;02.11.2026;08:30;09:15;Norsk {FNR};Sykdom\n", encoding="utf-8")
    result = load_exports([path], load_config(), today=TODAY)
    (subject,) = result.subjects
    assert FNR not in subject
    assert result.records.get_column("subject").to_list() == [subject]
