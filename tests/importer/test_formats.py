"""Real files in every shape the importer promises to read, checked value by value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from naervaer_cli.config import Config, load_config
from naervaer_cli.importer import load_exports

TODAY = dt.date(2026, 11, 20)  # the sample data's last day


def load(*paths: Path, config: Config | None = None) -> pl.DataFrame:
    return load_exports(list(paths), config or load_config(), today=TODAY).records


def test_utf8_bom_semicolon_ist_style(tmp_path):
    path = tmp_path / "ist.csv"
    path.write_bytes(
        "\ufeffElevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
        "10234;Ærlig, Åse;7A;Kari Lærer;02.11.26;08.30;09.15;KRØ;Ikke dokumentert;Nei\n".encode(
            "utf-8"
        )
    )
    row = load(path).row(0, named=True)
    assert row["pupil_id"] == "10234"
    assert row["name"] == "Ærlig, Åse"
    assert row["contact"] == "Kari Lærer"
    assert row["date"] == dt.date(2026, 11, 2)
    assert (row["start"], row["end"], row["minutes"]) == (dt.time(8, 30), dt.time(9, 15), 45)
    assert row["kind"] == "udokumentert" and row["whole_day"] is False
    assert row["source_row"] == 2


def test_windows_1252_comma_first_and_last_name_minutes(tmp_path):
    path = tmp_path / "annen.csv"
    path.write_bytes(
        "Elev-ID,Fornavn,Etternavn,Basisgruppe,Fraværsdato,Antall minutter,Fag,Årsak\n"
        '501,Bjørn,Øvreås,9C,2026-11-03,"60,0",Matematikk,Sykdom\n'
        "501,Bjørn,Øvreås,9C,2026-11-04,330,,Syk\n".encode("cp1252")
    )
    result = load_exports([path], load_config(), today=TODAY)
    assert result.files[0].encoding == "Windows-1252"
    assert result.files[0].delimiter == ","
    frame = result.records
    assert frame.get_column("name").to_list() == ["Øvreås, Bjørn", "Øvreås, Bjørn"]
    assert frame.get_column("minutes").to_list() == [60, 330]
    assert frame.get_column("whole_day").to_list() == [False, False]  # minutes decide later
    assert frame.get_column("kind").to_list() == ["sykdom", "sykdom"]


def test_utf16_tab_as_excel_unicode_text_writes_it(tmp_path):
    path = tmp_path / "unicode.txt"
    text = (
        "Elevnr\tElev\tKlasse\tDato\tTimer\tFag\tType\r\n"
        "7\tLie, Pål\t5A\t03.11.2026\t1,5\tNorsk\tUgyldig\r\n"
    )
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = load_exports([path], load_config(), today=TODAY)
    assert result.files[0].encoding == "UTF-16"
    row = result.records.row(0, named=True)
    assert row["name"] == "Lie, Pål" and row["minutes"] == 90 and row["kind"] == "udokumentert"


def test_xlsx_with_title_rows_merged_cells_real_dates_serials_and_tail(tmp_path):
    path = tmp_path / "ist.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Fravær"
    ws["A1"] = "Fraværsrapport Ås ungdomsskole"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Generert 20.11.2026 07:15"
    ws.append([])
    ws.append(["Elevnr", "Elev", "Klasse", "Dato", "Fra", "Til", "Fag", "Fraværstype", "Heldag"])
    ws.append(
        [
            10234,
            "Nordmann, Ola",
            "7A",
            dt.date(2026, 11, 2),
            dt.time(8, 30),
            dt.time(9, 15),
            "Kroppsøving",
            "Udokumentert",
            "Nei",
        ]
    )
    ws.append(
        ["10235", "Hansen, Per", "7A", dt.datetime(2026, 11, 3), None, None, None, "Sykdom", "Ja"]
    )
    ws.append([10236, "Berg, Ida", "7B", 46330, "10.00", "10:45", "Norsk", "G", "nei"])
    ws.append([])
    ws.append([None, None])
    wb.save(path)
    result = load_exports([path], load_config(), today=TODAY)
    report = result.files[0]
    assert (report.file_format, report.sheet, report.header_row) == ("XLSX", "Fravær", 4)
    frame = result.records
    assert frame.height == 3
    assert frame.get_column("date").to_list() == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 4),
    ]
    assert frame.get_column("pupil_id").to_list() == ["10234", "10235", "10236"]
    assert frame.get_column("start").to_list() == [dt.time(8, 30), None, dt.time(10, 0)]
    assert frame.get_column("whole_day").to_list() == [False, True, False]
    assert frame.get_column("source_row").to_list() == [5, 6, 7]


def test_xlsx_bad_value_names_the_excel_row(tmp_path, cli):
    path = tmp_path / "feil.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Rapport"])
    ws.append(["Elevnr", "Elev", "Dato", "Fraværstype"])
    ws.append([1, "A, B", "02.11.2026", "Sykdom"])
    ws.append([2, "C, D", "30.02.2026", "Sykdom"])
    wb.save(path)
    run = cli("check", path)
    assert run.code == 2
    assert "rad 4, kolonne «Dato»: «30.02.2026» er ikke en gyldig dato" in run.out


def test_named_sheet_from_config(tmp_path):
    path = tmp_path / "to_ark.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Forside"
    wb.active.append(["Ingenting her"])
    ws = wb.create_sheet("Fravær")
    ws.append(["Elevnr", "Elev", "Dato", "Fraværstype"])
    ws.append([1, "A, B", "02.11.2026", "Sykdom"])
    wb.save(path)
    config = Config(home=load_config().home, data={"import": {"sheet": "Fravær"}})
    assert load(path, config=config).height == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02.11.2026", dt.date(2026, 11, 2)),
        ("2.11.26", dt.date(2026, 11, 2)),
        ("2026-11-02", dt.date(2026, 11, 2)),
        ("2026-11-02 00:00:00", dt.date(2026, 11, 2)),
        ("46328", dt.date(2026, 11, 2)),
        ("02/11/2026", dt.date(2026, 11, 2)),
    ],
)
def test_date_formats(tmp_path, raw, expected):
    path = tmp_path / "d.csv"
    path.write_text(f"Elevnr;Elev;Dato;Type\n1;A, B;{raw};Sykdom\n", encoding="utf-8")
    assert load(path).get_column("date").to_list() == [expected]


def test_fodselsnummer_is_hashed_everywhere_and_never_kept(tmp_path):
    fnr = "01417010072"
    path = tmp_path / "fnr.csv"
    path.write_text(
        "Fødselsnummer;Navn;Gruppe;Dato;Årsak;Merknad\n"
        f"{fnr};Lie, Pål;5A;03.11.2026;Sykdom;mor ringte, fnr {fnr}\n",
        encoding="utf-8",
    )
    frame = load(path)
    dumped = frame.write_csv()
    assert fnr not in dumped
    pupil_id = frame.get_column("pupil_id")[0]
    assert pupil_id.startswith("fnr-") and len(pupil_id) == 16
    assert not any(ch.isdigit() for ch in pupil_id)  # never mistaken for a fødselsnummer
    assert frame.get_column("comment")[0] == f"mor ringte, fnr {pupil_id}"
    # Stable: the same NAERVAER_HOME gives the same pseudonym next week.
    assert load(path).get_column("pupil_id")[0] == pupil_id


def test_identical_records_in_overlapping_files_count_once(tmp_path):
    header = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype\n"
    week1 = "1;A, B;7A;02.11.2026;08:30;09:15;Norsk;Udokumentert\n"
    week2 = "1;A, B;7A;09.11.2026;08:30;09:15;Norsk;Udokumentert\n"
    first, second = tmp_path / "uke45.csv", tmp_path / "uke45-46.csv"
    first.write_text(header + week1, encoding="utf-8")
    second.write_text(header + week1 + week2, encoding="utf-8")
    result = load_exports([first, second], load_config(), today=TODAY)
    assert result.records.height == 2
    assert result.duplicates == 1


def test_date_range_expands_to_school_days_only(tmp_path):
    path = tmp_path / "melding.csv"
    path.write_text(
        "Elevnr;Elev;Fra dato;Til dato;Fraværstype\n1;A, B;13.05.2026;18.05.2026;Sykdom\n",
        encoding="utf-8",
    )
    # 14 May 2026 is Kristi himmelfartsdag, 16-17 May a weekend (17 May is also a holiday).
    assert load(path).get_column("date").to_list() == [
        dt.date(2026, 5, 13),
        dt.date(2026, 5, 15),
        dt.date(2026, 5, 18),
    ]


def test_date_range_skips_configured_breaks(tmp_path):
    path = tmp_path / "melding.csv"
    path.write_text(
        "Elevnr;Elev;Fra dato;Til dato;Fraværstype\n1;A, B;02.10.2026;06.10.2026;Permisjon\n",
        encoding="utf-8",
    )
    config = Config(
        home=load_config().home,
        data={"calendar": {"breaks": [{"from": dt.date(2026, 10, 5), "to": dt.date(2026, 10, 9)}]}},
    )
    assert load(path, config=config).get_column("date").to_list() == [dt.date(2026, 10, 2)]


def test_header_override_from_config(tmp_path):
    path = tmp_path / "rar.csv"
    path.write_text(
        "Elevnr;Elev;Hendelsesdag;Fraværstype\n1;A, B;02.11.2026;Sykdom\n", encoding="utf-8"
    )
    config = Config(
        home=load_config().home, data={"import": {"columns": {"date": ["Hendelsesdag"]}}}
    )
    assert load(path, config=config).get_column("date").to_list() == [dt.date(2026, 11, 2)]


def test_header_matching_ignores_case_accents_and_punctuation(tmp_path):
    path = tmp_path / "rar.csv"
    path.write_text(
        "ELEVNR;elev;FRAVAERSDATO;fravaerstype;fra kl;TIL KL.\n"
        "1;A, B;02.11.2026;sykdom;8:30;9:15\n",
        encoding="utf-8",
    )
    assert load(path).get_column("minutes").to_list() == [45]


def test_canonical_schema_is_exact(tmp_path):
    from naervaer_cli.schema import record_schema

    path = tmp_path / "x.csv"
    path.write_text("Elevnr;Elev;Dato;Type\n1;A, B;02.11.2026;Sykdom\n", encoding="utf-8")
    assert dict(load(path).schema) == record_schema()


def test_windows_1252_after_a_long_ascii_start_is_still_read(tmp_path):
    # The encoding is judged from the first 256 KiB; a later æ in Windows-1252 must not fail.
    header = "Elevnr;Elev;Dato;Type\n"
    ascii_rows = "".join(f"{n};Hansen, Per;02.11.2026;Sykdom\n" for n in range(12_000))
    path = tmp_path / "sen.csv"
    path.write_bytes((header + ascii_rows + "99;Ærlig, Åse;03.11.2026;Syk\n").encode("cp1252"))
    result = load_exports([path], load_config(), today=TODAY)
    assert result.files[0].encoding == "Windows-1252"
    assert result.records.get_column("name")[-1] == "Ærlig, Åse"


def test_values_unlike_the_first_rows_are_still_read_exactly(tmp_path):
    # The importer picks fast parsers from the first rows; later rows in other forms must
    # come out exactly as if they had been first.
    header = "Elevnr;Elev;Dato;Fra kl.;Til kl.;Fraværstype;Heldag\n"
    first = "".join(f"{n};Hansen, Per;02.11.2026;08:30;09:15;Sykdom;Nei\n" for n in range(3000))
    later = (
        "7001;Lie, Pål;03.11.26;9.15;10.00;Gyldig;ja\n"  # two-digit year, dotted times
        "7002;Lie, Pål;2026-11-04;10:15:00;11:00:00;Ikke dokumentert;X\n"
        " 7003 ;Lie, Pål; 05.11.2026 ;08:30;09:15; Syk ;Nei\n"  # padded values
    )
    path = tmp_path / "blandet.csv"
    path.write_text(header + first + later, encoding="utf-8")
    tail = load(path).tail(3).to_dicts()
    assert [r["pupil_id"] for r in tail] == ["7001", "7002", "7003"]
    assert [r["date"] for r in tail] == [
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 5),
    ]
    assert [r["start"] for r in tail] == [dt.time(9, 15), dt.time(10, 15), dt.time(8, 30)]
    assert [r["minutes"] for r in tail] == [45, 45, 45]
    assert [r["kind"] for r in tail] == ["dokumentert", "udokumentert", "sykdom"]
    assert [r["whole_day"] for r in tail] == [True, True, False]
    assert tail[2]["code"] == "Syk"


def test_a_bad_value_after_the_first_rows_is_reported_with_its_row(tmp_path, cli):
    header = "Elevnr;Elev;Dato;Fraværstype\n"
    first = "".join(f"{n};Hansen, Per;02.11.2026;Sykdom\n" for n in range(3000))
    path = tmp_path / "sen_feil.csv"
    path.write_text(header + first + "1;A, B;30.02.2026;Sykdom\n", encoding="utf-8")
    run = cli("check", path)
    assert run.code == 2
    assert "rad 3002, kolonne «Dato»: «30.02.2026» er ikke en gyldig dato" in run.out
