"""Golden-file tests for the scan renderers: plain and Rich table, CSV, Markdown, XLSX."""

from __future__ import annotations

import io
import stat
from datetime import date, datetime

import pytest
from scan_fixtures import GOLDEN, LABELS, LIMITS, d

from golden_files import check_golden
from naervaer_cli.output import Format, render, write
from naervaer_cli.output.labels import (
    flag_short,
    flag_words,
    neutralise,
    summary_line,
    window_text,
)
from naervaer_cli.output.table import render_rich
from naervaer_cli.result import Flag, ScanResult


def test_plain_table(result: ScanResult) -> None:
    check_golden(GOLDEN / "table_plain.txt", render(result, Format.table, group="7A"))


def test_plain_table_with_case(result_with_case: ScanResult) -> None:
    check_golden(GOLDEN / "table_plain_case.txt", render(result_with_case, Format.table))


def test_plain_table_nobody_flagged(empty_result: ScanResult) -> None:
    # Piped, the table is data: the header line and no pupil.
    assert render(empty_result, Format.table, group="7A") == (
        "Elevnr\tElev\tGruppe\tStatus\tHva slo ut\tNIVÅ\tAnsvarlig\tSak/Frist\n"
    )


def test_plain_table_is_one_tab_separated_line_per_pupil(result: ScanResult) -> None:
    text = render(result, Format.table)
    assert isinstance(text, str)
    lines = text.splitlines()
    assert len(lines) == 1 + len(result.pupils)
    assert {line.count("\t") for line in lines} == {7}
    assert lines[2].split("\t") == [
        "10234",
        "Nordmann, Ola",
        "7A",
        "Bekymring",
        "Fraværsdager 8 (grense 7) 27.10–12.11; Kroppsøving 2 (grense 2) 29.10–05.11",
        "0",
        "Kontaktlærer",
        "",
    ]


def test_rich_table_fixed_width(result_with_case: ScanResult) -> None:
    check_golden(GOLDEN / "table_rich.txt", render_rich(result_with_case, width=120, color=False))


def test_rich_table_colours_status_only(result: ScanResult) -> None:
    text = render_rich(result, width=160, color=True)
    assert "\x1b[1;31mBekymring\x1b[0m" in text
    assert "\x1b[33mFølg med\x1b[0m" in text


def test_csv(result_with_case: ScanResult) -> None:
    check_golden(GOLDEN / "scan.csv", render(result_with_case, Format.csv))


def test_csv_is_bom_semicolon_and_neutralised(result: ScanResult) -> None:
    text = render(result, Format.csv)
    assert isinstance(text, str) and text.startswith("\ufeffElevnr;Elev;Gruppe;")
    assert '\n10240;"\'=HYPERLINK(""http://example.com"";""Klikk"")";7A;' in text


def test_markdown(result_with_case: ScanResult) -> None:
    check_golden(GOLDEN / "scan.md", render(result_with_case, Format.md, group=None))


def test_summary_line(result: ScanResult) -> None:
    assert summary_line(result, "7A") == (
        "3 elever å følge opp (2 bekymring, 1 følg med) av 64 i 7A, vindu 24.10.–20.11.2026"
    )


def test_window_across_new_year() -> None:
    result = ScanResult(
        as_of=date(2027, 1, 10), window_days=28, policy="aas", setting="skole", pupils=()
    )
    assert window_text(result) == "14.12.2026–10.01.2027"


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        (
            Flag("absence_days", "concern", 8, 7, (d(26, 10), d(19))),
            "Fraværsdager 8 (grense 7) 26.10–19.11",
        ),
        # a watch flag names the guide's limit (7), not the watch threshold it reached (5)
        (Flag("absence_days", "watch", 5, 5, (d(2),)), "Fraværsdager 5 (grense 7) 02.11"),
        (
            Flag("subject_absence", "concern", 2, 2, (), subject="Kroppsøving"),
            "Kroppsøving 2 (grense 2)",
        ),
        (Flag("late_arrivals", "watch", 4, 3, (), signal=True), "For sent 4 (grense 3)"),
        (
            Flag("term_share", "watch", 11, 10, (), signal=True),
            "Fraværsandel i terminen 11 % (grense 10 %)",
        ),
        (Flag("some_new_rule", "watch", 1, 1, ()), "some_new_rule 1 (grense 1)"),
    ],
)
def test_flag_short(flag: Flag, text: str) -> None:
    assert flag_short(flag, LABELS, LIMITS) == text


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        (
            Flag("absence_days", "concern", 8, 7, ()),
            "Fraværsdager: 8 dager med fravær siste 4 uker – veilederens grense er 7",
        ),
        (
            Flag("absence_days", "watch", 5, 5, ()),
            "Fraværsdager: 5 dager med fravær siste 4 uker – nærmer seg grensen (7)",
        ),
        (
            Flag("subject_absence", "concern", 3, 2, (), subject="Kroppsøving"),
            "Fravær i kroppsøving: 3 dager siste 4 uker – veilederens grense er 2",
        ),
        (
            Flag("rising_trend", "watch", 40, 29, (), signal=True),
            "Økende fravær: 40 % fravær de siste dagene – tilleggssignal utenfor veilederen, "
            "slår ut fra 29 %",
        ),
    ],
)
def test_flag_words(flag: Flag, text: str) -> None:
    assert flag_words(flag, LABELS, LIMITS, 28) == text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+47 999", "'+47 999"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Nordmann, Ola", "Nordmann, Ola"),
        ("", ""),
    ],
)
def test_neutralise(value: str, shown: str) -> None:
    assert neutralise(value) == shown


def test_xlsx_reads_back(result_with_case: ScanResult, tmp_path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "scan.xlsx"
    write(result_with_case, Format.xlsx, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wb = load_workbook(path)
    assert wb.sheetnames == ["Oppfølging", "Datoer", "Om"]
    ws = wb["Oppfølging"]
    assert [c.value for c in ws[1]] == [
        "Elevnr",
        "Elev",
        "Gruppe",
        "Kontaktlærer",
        "Status",
        "Hva slo ut",
        "NIVÅ",
        "Ansvarlig",
        "Neste steg",
        "Verktøy",
        "Sak/Frist",
        "Første dato",
        "Siste dato",
        "Datoer",
    ]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N4"
    assert ws["B2"].value == '\'=HYPERLINK("http://example.com";"Klikk")'
    assert ws["B2"].data_type == "s"
    assert ws["G2"].value == 1
    assert ws["K2"].value == "Åpen, NIVÅ 0; evaluering 23.11.2026"
    assert ws["L3"].value == datetime(2026, 10, 27) and ws["L3"].is_date
    assert ws["L3"].number_format == "DD.MM.YYYY"
    assert ws["M3"].value == datetime(2026, 11, 12)
    assert 10 < ws.column_dimensions["B"].width <= 60
    assert ws.column_dimensions["I"].width == 60  # long next step capped
    dates = wb["Datoer"]
    assert dates.freeze_panes == "A2"
    assert dates.max_row == 1 + 5 + 8 + 2 + 5 + 3  # one row per flag and date
    assert [c.value for c in dates[2]] == [
        "10240",
        '\'=HYPERLINK("http://example.com";"Klikk")',
        "7A",
        "Forlot skolen i løpet av dagen",
        "Bekymring",
        2,
        2,
        datetime(2026, 11, 9),
        None,
    ]
    assert [c.value for c in dates[4]][3:] == [
        "Enkelttimer",
        "Bekymring",
        3,
        2,
        datetime(2026, 11, 6),
        "06.11 12:30–13:15 Matte",
    ]
    about = wb["Om"]
    assert about["B1"].value == datetime(2026, 11, 20)
    assert about["B5"].value == "Snakk med barnet/eleven under hele prosessen."


@pytest.mark.parametrize("fmt", [Format.table, Format.csv, Format.md])
def test_write_file_is_private(result: ScanResult, tmp_path, fmt: Format) -> None:
    path = tmp_path / f"ut.{fmt}"
    write(result, fmt, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    expected = render(result, fmt)
    assert isinstance(expected, str)
    assert path.read_bytes() == expected.encode("utf-8")


def test_write_piped_table_is_plain(result: ScanResult) -> None:
    out = io.StringIO()
    write(result, Format.table, stdout=out, group="7A")
    assert out.getvalue() == render(result, Format.table, group="7A")


def test_json_is_the_core_contract(result_with_case: ScanResult) -> None:
    import json

    from naervaer_cli.result import to_json

    data = render(result_with_case, Format.json)
    assert isinstance(data, bytes)  # UTF-8, as orjson writes it
    text = data.decode("utf-8")
    check_golden(GOLDEN / "scan.json", text)
    assert json.loads(text) == to_json(result_with_case)
    assert "Kroppsøving" in text  # ensure_ascii=False
    first = json.loads(text)
    assert list(first)[:3] == ["as_of", "window_days", "policy"]


def test_write_to_terminal_is_rich_with_colour(result: ScanResult) -> None:
    out = io.StringIO()
    write(result, Format.table, stdout=out, terminal=True)
    assert "\x1b[1;31mBekymring\x1b[0m" in out.getvalue()
    assert "Snakk med barnet/eleven under hele prosessen." in out.getvalue()


def test_xlsx_to_terminal_is_refused(result: ScanResult) -> None:
    from naervaer_cli.errors import UsageError

    with pytest.raises(UsageError, match="bruk --output FIL.xlsx"):
        write(result, Format.xlsx, stdout=io.StringIO(), terminal=True)


def test_xlsx_piped_is_the_workbook_bytes(result: ScanResult) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    write(result, Format.xlsx, stdout=stream)
    assert raw.getvalue().startswith(b"PK\x03\x04")  # a zip, as every XLSX is


def test_case_only_pupil_and_barnehage_words() -> None:
    from naervaer_cli.result import CaseSummary, PupilResult, Suggestion

    child = PupilResult(
        pupil_id="b-1",
        name="Fjellheim, Oda",
        group="Maurtua",
        contact="Per Ped",
        status="watch",
        flags=(),
        suggestion=Suggestion(
            1, ("Ped.leder",), "Evaluer tiltakene.", (), due="Evaluering forfalt 13.11.2026"
        ),
        case=CaseSummary(
            "b-1", 1, date(2026, 10, 1), evaluation_due=date(2026, 11, 13), state="Åpen, NIVÅ 1"
        ),
    )
    result = ScanResult(
        as_of=date(2026, 11, 20),
        window_days=28,
        policy="aas",
        setting="barnehage",
        pupils=(child,),
        pupils_scanned=31,
        labels=LABELS,
    )
    text = render(result, Format.table)
    assert isinstance(text, str)
    header, row = text.splitlines()
    assert header.split("\t") == [
        "Barnenr",
        "Barn",
        "Avdeling",
        "Status",
        "Hva slo ut",
        "NIVÅ",
        "Ansvarlig",
        "Sak/Frist",
    ]
    assert row.split("\t") == [
        "b-1",
        "Fjellheim, Oda",
        "Maurtua",
        "Følg med",
        "–",
        "1",
        "Ped.leder",
        "Åpen, NIVÅ 1; Evaluering forfalt 13.11.2026",
    ]
    shown = render_rich(result, width=80)
    assert "1 barn å følge opp (1 følg med) av 31, vindu 24.10.–20.11.2026" in shown
    assert "b-1 Fjellheim, Oda: Åpen, NIVÅ 1; Evaluering forfalt 13.11.2026" in shown


def test_unwritable_output_is_a_usage_error(result: ScanResult, tmp_path) -> None:
    from naervaer_cli.errors import UsageError

    with pytest.raises(UsageError) as err:
        write(result, Format.csv, tmp_path)  # a folder, not a file
    assert str(err.value) == f"{tmp_path} er en mappe. Oppgi et filnavn."
    assert err.value.exit_code == 2
