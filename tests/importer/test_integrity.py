"""Issue 11, items 1-8: every input is read exactly, or refused with exit 2 and its location."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import polars as pl

from naervaer_cli.config import load_config
from naervaer_cli.history import load_history, store_records
from naervaer_cli.importer import load_exports
from naervaer_cli.scan import latest_date

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
TODAY = date(2026, 11, 20)
HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Minutter;Fag;Fraværstype;Heldag"
PROBLEMS_SEEN = "Feil: eksporten har rader som ikke kan leses (se over).\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def rows(*lines: str, newline: str = "\n") -> str:
    return newline.join((HEADER, *lines)) + newline


def problems(out: str) -> list[str]:
    """The problem lines of a `check` report, without their indentation."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  Problemer"))
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        found.append(line.strip())
    return found


# --- 1. CR-only line endings ----------------------------------------------------------


def test_cr_only_line_endings_are_read(cli, tmp_path):
    path = write(
        tmp_path,
        "mac.csv",
        rows(
            "1;A, B;7A;02.11.2026;;;;;Udokumentert;Ja",
            "2;C, D;7A;03.11.2026;;;;;Udokumentert;Ja",
            newline="\r",
        ),
    )
    run = cli("check", path)
    assert (run.code, run.err) == (0, "")
    assert "  Rader lest: 2, fraværsposter: 2\n" in run.out


def test_a_stray_cr_inside_a_row_keeps_the_row_numbers(cli, tmp_path):
    path = write(
        tmp_path,
        "cr.csv",
        HEADER + "\r\n1;A, B;7A;02.11.2026;;;;;Udokumentert;Ja\r2;C, D;7A;x;;;;;Syk;Ja\r\n",
    )
    run = cli("check", path)
    assert run.code == 2
    assert problems(run.out) == [
        "rad 3, kolonne «Dato»: «x» er ikke en gyldig dato (forventet dd.mm.åååå eller åååå-mm-dd)."
    ]


def test_quoted_line_break_keeps_the_row_numbers(cli, tmp_path):
    path = write(
        tmp_path,
        "sitat.csv",
        rows('1;"A,\nB";7A;02.11.2026;;;;;Udokumentert;Ja', "2;C, D;7A;31.11.2026;;;;;Syk;Ja"),
    )
    run = cli("check", path)
    assert run.code == 2
    assert problems(run.out) == [
        "rad 4, kolonne «Dato»: «31.11.2026» er ikke en gyldig dato (forventet dd.mm.åååå eller "
        "åååå-mm-dd)."
    ]


# --- 2. Encoding decided on the whole file --------------------------------------------


def test_windows_1252_byte_late_in_a_utf8_file_is_refused_at_its_row(cli, tmp_path):
    good = "1;Åsen, Kari;7A;02.11.2026;;;45;Kroppsøving;Udokumentert;Nei\n"
    late = "2;Berg, Ola;7A;03.11.2026;;;45;Kroppsøving;Udokumentert;Nei\n".encode("cp1252")
    count = 300 * 1024 // len(good.encode()) + 1  # past the old 256 KiB sample
    path = write(tmp_path, "blandet.csv", (HEADER + "\n" + good * count).encode() + late)
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad {count + 2}: filen er UTF-8, men her står et tegn i en annen "
        "tegnkoding (trolig Windows-1252). Rett tegnet, eller lagre hele filen på nytt som UTF-8.\n"
    )


def test_windows_1252_file_is_read_as_such(tmp_path):
    path = write(
        tmp_path,
        "ansi.csv",
        rows("1;Øien, Åse;7A;02.11.2026;;;45;Kroppsøving;Udokumentert;Nei").encode("cp1252"),
    )
    result = load_exports([path], load_config(), today=TODAY)
    assert result.files[0].encoding == "Windows-1252"
    assert result.records.select("name", "subject").row(0) == ("Øien, Åse", "Kroppsøving")


def test_byte_that_is_neither_utf8_nor_windows_1252_is_refused(cli, tmp_path):
    path = write(
        tmp_path, "rart.csv", rows("1;\x81A, B;7A;02.11.2026;;;;;Syk;Ja").encode("latin-1")
    )
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 2: byten 0x81 er ikke et tegn i Windows-1252 eller UTF-8. Rett "
        "tegnet, eller ta en ny eksport.\n"
    )


# --- 3. Dates in the future or before 2000 --------------------------------------------


def test_date_far_in_the_future_is_a_row_error(cli, tmp_path):
    path = write(
        tmp_path,
        "2062.csv",
        rows("1;A, B;7A;02.11.2062;;;;;Udokumentert;Ja", "1;A, B;7A;02.11.1999;;;;;Syk;Ja"),
    )
    run = cli("check", path)
    assert (run.code, run.err) == (2, PROBLEMS_SEEN)
    last = date.today() + timedelta(days=366)
    assert problems(run.out) == [
        f"rad 2, kolonne «Dato»: datoen 02.11.2062 er utenfor 01.01.2000–{last:%d.%m.%Y} og er "
        "trolig feilskrevet. Rett den i fagsystemet, eller legg raden til side med --rejects FIL.",
        f"rad 3, kolonne «Dato»: datoen 02.11.1999 er utenfor 01.01.2000–{last:%d.%m.%Y} og er "
        "trolig feilskrevet. Rett den i fagsystemet, eller legg raden til side med --rejects FIL.",
    ]


def test_excel_serial_in_year_2173_is_a_row_error(tmp_path):
    path = write(tmp_path, "serie.csv", rows("1;A, B;7A;99999;;;;;Udokumentert;Ja"))
    result = load_exports([path], load_config(), today=TODAY, collect_problems=True)
    assert [(p.row, p.column) for p in result.files[0].problems] == [(2, "Dato")]


def test_reference_date_is_the_latest_date_not_after_today(cli, tmp_path):
    today = date.today()
    path = write(
        tmp_path,
        "plan.csv",
        rows(
            f"1;A, B;7A;{today - timedelta(days=10):%d.%m.%Y};;;;;Udokumentert;Ja",
            f"1;A, B;7A;{today + timedelta(days=30):%d.%m.%Y};;;;;Permisjon;Ja",
            "1;A, B;7A;02.11.2062;;;;;Udokumentert;Ja",
        ),
    )
    rejects = tmp_path / "avvist.csv"
    run = cli("scan", path, "--rejects", rejects, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["as_of"] == (today - timedelta(days=10)).isoformat()
    assert "02.11.2062" in rejects.read_text(encoding="utf-8-sig")


def test_latest_date_leaves_out_dates_after_today() -> None:
    records = pl.DataFrame({"date": [date(2026, 11, 2), date(2026, 12, 24), date(2062, 1, 1)]})
    assert latest_date(records) == date(2062, 1, 1)
    assert latest_date(records, today=TODAY) == date(2026, 11, 2)
    assert latest_date(records, today=date(2026, 1, 1)) is None


def test_purge_deletes_stored_rows_with_invalid_dates(cli, tmp_path, naervaer_home):
    path = write(tmp_path, "ok.csv", rows("1;A, B;7A;02.11.2026;;;;;Udokumentert;Ja"))
    records = load_exports([path], load_config(), today=TODAY).records
    bad = records.with_columns(date=pl.lit(date(2062, 11, 2)))
    store_records(naervaer_home, pl.concat([records, bad]))
    run = cli("purge", "-v", "--invalid-dates")
    assert (run.code, run.out) == (0, "Slettet 1 fraværsposter med ugyldig dato.\n")
    assert load_history(naervaer_home).get_column("date").to_list() == [date(2026, 11, 2)]


def test_purge_needs_a_date_or_invalid_dates(cli):
    run = cli("purge", "-v")
    assert (run.code, run.err) == (2, "Feil: Oppgi --before DATO, --invalid-dates eller begge.\n")


# --- 4. Identical rows: kept in one file, shared across files --------------------------

LESSON = "1;A, B;7A;02.11.2026;;;45;Matematikk;Udokumentert;Nei"


def test_identical_rows_in_one_file_are_two_lessons(cli, tmp_path):
    path = write(tmp_path, "to.csv", rows(LESSON, LESSON))
    assert load_exports([path], load_config(), today=TODAY).records.height == 2
    run = cli("check", path)
    assert run.code == 0
    assert (
        "  Merk: 1 rad(er) er helt like en tidligere rad i samme fil (rad 3); de telles hver "
        "for seg. Er de dobbeltført, rett dem i fagsystemet.\n" in run.out
    )


def test_a_row_n_times_in_one_file_and_m_in_another_counts_max(tmp_path):
    three = write(tmp_path, "tre.csv", rows(LESSON, LESSON, LESSON))
    two = write(tmp_path, "to.csv", rows(LESSON, LESSON, "2;C, D;7A;02.11.2026;;;;;Syk;Ja"))
    result = load_exports([two, three], load_config(), today=TODAY)
    assert result.records.height == 4  # max(2, 3) lessons + the other pupil's day
    assert result.duplicates == 2


def test_history_keeps_max_of_stored_and_imported(cli, tmp_path, naervaer_home):
    two = write(tmp_path, "to.csv", rows(LESSON, LESSON))
    one = write(tmp_path, "en.csv", rows(LESSON))
    assert cli("import", two).code == 0
    assert cli("import", "-v", two).out.endswith("Historikken har nå 2 poster.\n")
    assert cli("import", "-v", one).out.endswith("Historikken har nå 2 poster.\n")
    three = write(tmp_path, "tre.csv", rows(LESSON, LESSON, LESSON))
    assert cli("import", "-v", three).out.endswith("Historikken har nå 3 poster.\n")


# --- 5. Absurd numbers and odd times --------------------------------------------------


def test_absurd_minutes_are_row_errors(cli, tmp_path):
    values = ["1e10", "NaN", "inf", "-5", "601"]
    lines = [
        f"1;A, B;7A;0{i + 2}.11.2026;;;{v};Norsk;Udokumentert;Nei" for i, v in enumerate(values)
    ]
    run = cli("check", write(tmp_path, "tall.csv", rows(*lines)))
    assert (run.code, run.err) == (2, PROBLEMS_SEEN)
    assert problems(run.out) == [
        f"rad {i + 2}, kolonne «Minutter»: «{v}» er ikke et gyldig antall; forventet et tall fra "
        "0 til 600 ([import] max_minutes i naervaer.toml)."
        for i, v in enumerate(values)
    ]


def test_max_minutes_comes_from_the_config(cli, tmp_path):
    (tmp_path / "naervaer.toml").write_text("[import]\nmax_minutes = 700\n")
    path = write(tmp_path, "lang.csv", rows("1;A, B;7A;02.11.2026;;;650;Norsk;Udokumentert;Nei"))
    run = cli("--config", tmp_path / "naervaer.toml", "check", path)
    assert run.code == 0, run.out + run.err


def test_times_are_read_or_refused(cli, tmp_path):
    path = write(
        tmp_path,
        "tid.csv",
        rows(
            "1;A, B;7A;02.11.2026;8.30;09:15;;Norsk;Udokumentert;Nei",
            "1;A, B;7A;03.11.2026;0830;09:15;;Norsk;Udokumentert;Nei",
            "1;A, B;7A;04.11.2026;08:30;24:00;;Norsk;Udokumentert;Nei",
            "1;A, B;7A;05.11.2026;0.9999999999999999999;;;Norsk;Udokumentert;Nei",
        ),
    )
    run = cli("check", path)
    assert (run.code, run.err) == (2, PROBLEMS_SEEN)
    assert problems(run.out) == [
        "rad 3, kolonne «Fra kl.»: «0830» er ikke et klokkeslett (TT:MM).",
        "rad 4, kolonne «Til kl.»: «24:00» er ikke et klokkeslett (TT:MM).",
        "rad 5, kolonne «Fra kl.»: «0.9999999999999999999» er ikke et klokkeslett (TT:MM).",
    ]
    assert "Rader lest: 4, fraværsposter: 1" in run.out


# --- 6. Control characters and terminal escapes --------------------------------------


def test_control_characters_are_removed_and_the_xlsx_report_is_written(cli, tmp_path):
    days = [f"{d:02d}.11.2026" for d in (2, 3, 4, 5, 6, 9, 10, 11)]
    lines = [f"1;Nord\x0bmann, \x1b[31mOla;7\x07A;{d};;;;;Udokumentert;Ja" for d in days]
    path = write(tmp_path, "kontroll.csv", rows(*lines, "2;C, D;7A;02.11.2026;;;;;Syk;Ja"))
    records = load_exports([path], load_config(), today=TODAY).records
    assert records.select("name", "group").row(0) == ("Nord mann, Ola", "7A")
    report = tmp_path / "rapport.xlsx"
    run = cli("scan", path, "--as-of", "2026-11-20", "--format", "xlsx", "-o", report)
    assert run.code == 0, run.err
    cells = [c for row in openpyxl.load_workbook(report).active.values for c in row if c]
    assert "Nord mann, Ola" in cells


def test_control_characters_are_not_echoed_in_messages(cli, tmp_path):
    path = write(tmp_path, "esc.csv", rows("1;A, B;7A;\x1b[2J02.13.2026;;;;;Syk;Ja"))
    run = cli("check", path)
    assert run.code == 2
    assert problems(run.out) == [
        "rad 2, kolonne «Dato»: «02.13.2026» er ikke en gyldig dato (forventet dd.mm.åååå eller "
        "åååå-mm-dd)."
    ]


# --- 8. XLSX size guard ---------------------------------------------------------------


def _with_dimension(source: Path, target: Path, ref: str) -> Path:
    """A copy of `source` whose sheets claim the dimension `ref`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    b'<dimension ref="A1:L326"/>', f'<dimension ref="{ref}"/>'.encode()
                )
            new.writestr(info, data)
    return target


def test_xlsx_whose_sheet_claims_millions_of_cells_is_refused_before_loading(cli, tmp_path):
    assert b'<dimension ref="A1:L326"/>' in zipfile.ZipFile(SAMPLES / "ist_fravaer.xlsx").read(
        "xl/worksheets/sheet1.xml"
    )
    path = _with_dimension(SAMPLES / "ist_fravaer.xlsx", tmp_path / "stor.xlsx", "A1:L1000000")
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}: regnearket er for stort (12 000 000 celler i ett ark; grensen er "
        "5 000 000 celler). Ta ut en kortere periode, eller øk grensen med [import] "
        "max_xlsx_cells i naervaer.toml.\n"
    )


def test_xlsx_limit_comes_from_the_config_and_counts_unpacked_bytes(cli, tmp_path):
    config = tmp_path / "naervaer.toml"
    config.write_text("[import]\nmax_xlsx_cells = 100\n")
    run = cli("--config", config, "check", SAMPLES / "ist_fravaer.xlsx")
    assert run.code == 2
    assert run.err.startswith(f"Feil: {SAMPLES / 'ist_fravaer.xlsx'}: regnearket er for stort (")
    assert "MB utpakket; grensen er 100 celler)" in run.err


def test_xlsx_limit_must_be_a_positive_whole_number(cli, tmp_path):
    config = tmp_path / "naervaer.toml"
    config.write_text('[import]\nmax_xlsx_cells = "mange"\n')
    run = cli("--config", config, "check", SAMPLES / "ist_fravaer.xlsx")
    assert (run.code, run.err) == (
        2,
        f"Feil: {config} linje 2: «import.max_xlsx_cells» skal være et helt tall ≥ 1, "
        "ikke «mange».\n",
    )
