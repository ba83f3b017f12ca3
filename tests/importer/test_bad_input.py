"""Every bad-input case of issue 2: exact Norwegian message, exit code 2, no traceback."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

TODAY = date(2026, 11, 20)
HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_missing_file(cli, tmp_path):
    run = cli("check", tmp_path / "borte.csv")
    assert run.code == 2
    assert run.err == f"Feil: Fant ikke filen {tmp_path / 'borte.csv'}. Sjekk navnet og mappen.\n"


def test_folder(cli, tmp_path):
    run = cli("check", tmp_path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {tmp_path} er en mappe, ikke en fil. Oppgi eksportfilene (CSV eller XLSX).\n"
    )


def test_empty_file(cli, tmp_path):
    path = write(tmp_path, "tom.csv", "")
    run = cli("check", path)
    assert run.code == 2
    assert run.err == f"Feil: {path} er tom (0 byte). Ta en ny eksport fra fagsystemet.\n"


def test_blank_lines_only(cli, tmp_path):
    path = write(tmp_path, "blank.csv", "\n\n  \n")
    run = cli("check", path)
    assert run.code == 2
    assert run.err == f"Feil: {path} er tom. Ta en ny eksport fra fagsystemet.\n"


def test_header_only_is_valid_and_means_no_absence(cli, tmp_path):
    path = write(tmp_path, "bare_overskrift.csv", HEADER)
    run = cli("check", path)
    assert run.code == 0, run.err
    assert "Rader lest: 0, fraværsposter: 0" in run.out
    assert "Ingen fravær registrert." in run.out


def test_missing_required_column(cli, tmp_path):
    path = write(
        tmp_path, "uten_type.csv", "Elevnr;Elev;Klasse;Dato;Fag\n1;A, B;7A;02.11.2026;Norsk\n"
    )
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 1: mangler kolonne for fraværstype (f.eks. Fraværstype, Type, "
        "Årsak). Fant kolonnene: Elevnr, Elev, Klasse, Dato, Fag. Koble et annet kolonnenavn i "
        'naervaer.toml under [import.columns], f.eks. date = ["Min datokolonne"].\n'
    )


def test_unknown_code_names_code_row_and_config_key(cli, tmp_path):
    path = write(tmp_path, "kode.csv", HEADER + "1;A, B;7A;02.11.2026;;;;Syk m/egenm.;Ja\n")
    run = cli("check", path)
    assert run.code == 2
    # One block to paste, with a placeholder: never a guessed kind.
    assert (
        '    "Syk m/egenm." = "?"   # 1 rad, f.eks. kode.csv rad 2 – velg udokumentert, '
        "dokumentert, sykdom, permisjon, ubehandlet, for_sent, forlot_skolen eller ikke_fravaer\n"
        in run.out
    )


def test_unknown_code_mapped_in_config_is_accepted(cli, tmp_path):
    path = write(tmp_path, "kode.csv", HEADER + "1;A, B;7A;02.11.2026;;;;Syk m/egenm.;Ja\n")
    config = write(tmp_path, "naervaer.toml", '[import.codes]\n"Syk m/egenm." = "sykdom"\n')
    run = cli("--config", config, "check", path)
    assert run.code == 0, run.err
    assert "Sykdom           1" in run.out


def test_impossible_date_in_scan_path_is_one_line(cli, tmp_path):
    from naervaer_cli.config import load_config
    from naervaer_cli.errors import InputError
    from naervaer_cli.importer import load_exports

    path = write(tmp_path, "dato.csv", HEADER + "1;A, B;7A;31.02.2026;;;;Sykdom;Ja\n")
    with pytest.raises(InputError) as info:
        load_exports([path], load_config(), today=TODAY)
    assert str(info.value) == (
        f"{path}, rad 2, kolonne «Dato»: «31.02.2026» er ikke en gyldig dato "
        "(forventet dd.mm.åååå eller åååå-mm-dd)."
    )


def test_impossible_date_check_lists_it_and_exits_2(cli, tmp_path):
    path = write(tmp_path, "dato.csv", HEADER + "1;A, B;7A;31.02.2026;;;;Sykdom;Ja\n")
    run = cli("check", path)
    assert run.code == 2
    assert "rad 2, kolonne «Dato»: «31.02.2026» er ikke en gyldig dato" in run.out
    assert run.err == "Feil: eksporten har rader som ikke kan leses (se over).\n"


def test_end_before_start(cli, tmp_path):
    path = write(
        tmp_path, "tid.csv", HEADER + "1;A, B;7A;02.11.2026;10:00;09:15;Norsk;Udokumentert;Nei\n"
    )
    run = cli("check", path)
    assert run.code == 2
    assert "rad 2, kolonne «Til kl.»: til-tid 09:15 er før fra-tid 10:00." in run.out


def test_date_range_end_before_start(cli, tmp_path):
    path = write(
        tmp_path,
        "periode.csv",
        "Elevnr;Elev;Klasse;Fra dato;Til dato;Fraværstype\n"
        "1;A, B;7A;13.11.2026;09.11.2026;Sykdom\n",
    )
    run = cli("check", path)
    assert run.code == 2
    assert (
        "rad 2, kolonne «Til dato»: til-dato 09.11.2026 er før fra-dato 13.11.2026. "
        "Bytt om datoene."
    ) in run.out


def test_short_row_missing_required_value(cli, tmp_path):
    # The exporter dropped the trailing fields: the code is missing, which is reported.
    path = write(tmp_path, "kort.csv", HEADER + "1;A, B;7A;02.11.2026;08:30\n")
    run = cli("check", path)
    assert run.code == 2
    assert "rad 2, kolonne «Fraværstype»: mangler fraværstype." in run.out


def test_short_row_missing_optional_trailing_field_is_fine(cli, tmp_path):
    path = write(
        tmp_path, "kort.csv", HEADER + "1;A, B;7A;02.11.2026;08:30;09:15;Norsk;Udokumentert\n"
    )
    run = cli("check", path)
    assert run.code == 0, run.err


def test_long_row_is_reported_with_its_row(cli, tmp_path):
    path = write(
        tmp_path, "lang.csv", HEADER + "1;A; B;7A;02.11.2026;08:30;09:15;Norsk;Udokumentert;Nei\n"
    )
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 2: raden har 10 felt, men overskriften har 9. Sjekk at skilletegnet "
        "(semikolon (;)) ikke står inne i en verdi uten anførselstegn.\n"
    )


def test_text_file_with_spreadsheet_name(cli, tmp_path):
    path = write(tmp_path, "eksport.xlsx", "dette er ikke et regneark\n")
    run = cli("check", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path} heter .xlsx men er ikke et regneark i XLSX-format. Lagre eksporten på nytt "
        "som Excel-arbeidsbok (.xlsx) eller CSV.\n"
    )


def test_truncated_xlsx(cli, tmp_path):
    whole = tmp_path / "hel.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Elevnr", "Elev", "Dato", "Fraværstype"])
    for n in range(200):
        wb.active.append([n, f"Elev {n}", "02.11.2026", "Sykdom"])
    wb.save(whole)
    data = whole.read_bytes()
    cut = tmp_path / "avkortet.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    run = cli("check", cut)
    assert run.code == 2
    assert run.err == (
        f"Feil: {cut} kan ikke leses som XLSX: filen er skadet eller avkortet. Ta en ny eksport, "
        "eller åpne og lagre den på nytt i Excel/LibreOffice.\n"
    )


def test_zip_that_is_not_a_workbook(cli, tmp_path):
    path = tmp_path / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hei.txt", "hei")
    run = cli("check", path)
    assert run.code == 2
    assert "kan ikke leses som XLSX" in run.err


def test_no_header_found(cli, tmp_path):
    path = write(tmp_path, "ukjent.csv", "a;b;c\n1;2;3\n")
    run = cli("check", path)
    assert run.code == 2
    assert run.err.startswith(f"Feil: {path}: fant ingen overskriftsrad med kjente kolonnenavn")


def test_rejects_file_sets_bad_rows_aside(tmp_path):
    from naervaer_cli.config import load_config
    from naervaer_cli.importer import load_exports

    path = write(
        tmp_path,
        "blandet.csv",
        HEADER + "1;A, B;7A;02.11.2026;;;;Sykdom;Ja\n2;C, D;7A;32.11.2026;;;;Sykdom;Ja\n",
    )
    rejects = tmp_path / "avvist.csv"
    result = load_exports([path], load_config(), today=TODAY, rejects=rejects)
    assert result.records.height == 1
    assert result.rejected == 1
    assert rejects.stat().st_mode & 0o777 == 0o600
    text = rejects.read_text(encoding="utf-8-sig")
    assert "blandet.csv;3;Dato;«32.11.2026» er ikke en gyldig dato" in text


def test_no_traceback_on_unexpected_error(cli, tmp_path, monkeypatch):
    import naervaer_cli.importer as importer

    def boom(*a, **k):
        raise RuntimeError("hemmelig")

    monkeypatch.setattr(importer, "load_exports", boom)
    path = write(tmp_path, "x.csv", HEADER)
    run = cli("check", path)
    assert run.code == 1
    assert "Traceback" not in run.err and "hemmelig" not in run.err
    assert run.err.startswith("Feil: Uventet feil (RuntimeError).")


def test_missing_and_unknown_codes_in_one_file_are_both_reported(cli, tmp_path):
    path = write(
        tmp_path,
        "blandet.csv",
        HEADER + "1;A, B;7A;02.11.2026;;;;Hyttetur;Ja\n2;C, D;7A;02.11.2026;;;;;Ja\n",
    )
    run = cli("check", path)
    assert run.code == 2
    assert '"Hyttetur" = "?"   # 1 rad, f.eks. blandet.csv rad 2' in run.out
    assert "rad 3, kolonne «Fraværstype»: mangler fraværstype." in run.out
    assert "Problemer (1):" in run.out


def test_scan_with_rejects_reads_the_rest_and_says_so(cli, tmp_path):
    path = write(
        tmp_path,
        "blandet.csv",
        HEADER + "1;A, B;7A;02.11.2026;;;;Sykdom;Ja\n2;C, D;7A;32.11.2026;;;;Sykdom;Ja\n",
    )
    rejects = tmp_path / "avvist.csv"
    run = cli("scan", path, "--rejects", rejects, "--format", "json")
    assert run.code == 0, run.err
    assert run.err == f"Merk: 1 rad(er) kunne ikke leses og er skrevet til {rejects}.\n"
    assert "32.11.2026" in rejects.read_text(encoding="utf-8-sig")
    run = cli("import", path, "--rejects", rejects, "-v")
    assert run.code == 0 and "1 nye fraværsposter" in run.out
