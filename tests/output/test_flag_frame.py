"""JSON, CSV and XLSX are written from the scan's flag frame (issue 18): byte for byte what
the same result's Flag values give, whatever the subjects hold, with cases, groups and both
settings."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.output import Format, render
from naervaer_cli.output.json_out import _flag_lists, render_json
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, Flags, ScanResult, to_json
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import scan

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar()
SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
OPTION = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def from_objects(result: ScanResult) -> bytes:
    """The JSON as every flag's Flag value gives it (the path before issue 18)."""
    return orjson.dumps(to_json(result), option=OPTION)


def odd_subjects() -> list[dict]:
    """Pupils whose evidence holds text orjson must escape, and one without a subject."""
    rows = []
    subjects = ['Mat "og" helse', "Kunst\\handverk", "Musikk\ttab", "Kroppsøving", "Språk ✓ 😀"]
    for n, subject in enumerate(subjects):
        who = {"pupil_id": f"{n + 1}", "name": f"Elev {n}", "group": "7A" if n % 2 else "10B"}
        rows += [
            record(date(2026, 11, d), start="09:15", end="10:00", subject=subject, **who)
            for d in (10, 12, 16, 18)
        ]
        rows += [record(date(2026, 11, d), whole_day=True, **who) for d in range(2, 2 + n + 4)]
    who = {"pupil_id": "9", "name": "Uten fag", "group": "7A"}
    rows += [record(date(2026, 11, d), start="09:15", end="10:00", **who) for d in (16, 18, 19)]
    return rows


def test_frame_json_equals_the_objects_json() -> None:
    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    assert result.flag_source is not None and len(result.pupils) == 6
    assert all(isinstance(p.flags, Flags) for p in result.pupils)
    # every pupil's flags come from the frame (not from the objects, which would also pass)
    lists = _flag_lists(result)
    assert lists is not None
    assert set(lists.get_column("pupil_id")) == {p.pupil_id for p in result.pupils}
    fast = render_json(result)
    assert b'Mat \\"og\\" helse' in fast and b"Musikk\\ttab" in fast and b"\\\\h" in fast
    assert fast == from_objects(result)


def test_cases_and_hand_set_flags_take_the_objects_path() -> None:
    cases = {
        "2": CaseSummary("2", level=0, opened=date(2026, 11, 1)),
        "4": CaseSummary("4", level=1, opened=date(2026, 10, 1), evaluation_due=date(2026, 11, 1)),
        "77": CaseSummary(
            "77", level=1, opened=date(2026, 10, 1), evaluation_due=date(2026, 11, 1)
        ),
    }
    result = scan(
        records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), cases=cases
    )
    assert result.pupils[0].suggestion.level == 1  # read the flags of a pupil with a case
    # A pupil whose flags were replaced after the scan is rendered from its own values.
    first, *rest = result.pupils
    changed = replace(result, pupils=(replace(first, flags=first.flags[:1]), *rest))
    assert render_json(changed) == from_objects(changed)
    assert (
        json.loads(render_json(changed))["pupils"][0]["flags"]
        == json.loads(from_objects(changed))["pupils"][0]["flags"]
    )
    assert render_json(result) == from_objects(result)


def test_group_filter_and_barnehage() -> None:
    rows = odd_subjects()
    one = scan(records(rows), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), group="7a")
    assert {p.group for p in one.pupils} == {"7A"}
    assert render_json(one) == from_objects(one)
    rows += [
        record(date(2026, 11, d), kind="sykdom", whole_day=True, notified=False, pupil_id="b1")
        for d in (2, 3, 4, 5, 6, 9, 10, 11)
    ]
    child = scan(records(rows), POLICY, calendar=CALENDAR, setting="barnehage")
    assert child.pupils
    assert render_json(child) == from_objects(child)


def test_no_flags_is_an_empty_list() -> None:
    result = scan(records(odd_subjects()[:1]), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    assert result.pupils == () and render_json(result) == from_objects(result)


@pytest.mark.parametrize(
    "name", ["ist_fravaer.csv", "ist_fravaer.xlsx", "annen_leverandor.csv", "vigilo_fravaer.csv"]
)
def test_sample_exports(name: str, tmp_path: Path) -> None:
    config = load_config(home=tmp_path)
    imported = load_exports([SAMPLES / name], config, today=date(2026, 11, 28))
    result = scan(imported.records, POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    assert result.pupils
    assert render_json(result) == from_objects(result)


def as_objects(result: ScanResult) -> ScanResult:
    """The same result with every pupil's flags as plain Flag values (no frame to read)."""
    pupils = tuple(replace(p, flags=tuple(p.flags)) for p in result.pupils)
    return replace(result, pupils=pupils, flag_source=None)


@pytest.mark.parametrize("fmt", [Format.csv, Format.xlsx, Format.json])
def test_spreadsheets_from_the_frame_equal_those_from_the_objects(fmt: Format) -> None:
    cases = {"4": CaseSummary("4", level=1, opened=date(2026, 10, 1))}
    result = scan(
        records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), cases=cases
    )
    plain = as_objects(result)
    assert all(type(p.flags) is tuple for p in plain.pupils)
    assert render(result, fmt) == render(plain, fmt)
    # half the pupils from the frame, half from their own values
    mixed = replace(
        result,
        pupils=tuple(
            p if n % 2 else replace(p, flags=tuple(p.flags)) for n, p in enumerate(result.pupils)
        ),
    )
    assert render(mixed, fmt) == render(plain, fmt)


def test_xlsx_evidence_rows_hold_each_day_and_its_lessons() -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from naervaer_cli.output.rows import evidence_rows

    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    headers, rows = evidence_rows(result)
    book = load_workbook(BytesIO(render(result, Format.xlsx)))
    sheet = [list(row) for row in book["Datoer"].iter_rows(values_only=True)]
    assert sheet[0] == headers
    # openpyxl reads a date cell as a datetime and an empty one as None
    read = [
        [c.date() if isinstance(c, datetime) else "" if c is None else c for c in row]
        for row in sheet[1:]
    ]
    assert read == rows and len(rows) > 20
    kunst = [row for row in rows if row[3] == "Enkelttimer" and row[0] == "2"]
    assert [row[7] for row in kunst] == [date(2026, 11, d) for d in (10, 12, 16, 18)]
    assert kunst[0][8] == "10.11 09:15–10:00 Kunst\\handverk"


def test_the_workbook_carries_no_clock() -> None:
    """Every part is dated zip's 1980-01-01, so the same scan gives the same bytes."""
    import zipfile
    from io import BytesIO

    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    with zipfile.ZipFile(BytesIO(render(result, Format.xlsx))) as archive:
        infos = archive.infolist()
    assert len(infos) == 9
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_json_strings_are_quoted_as_orjson_quotes_them() -> None:
    """The renderer writes a string between quotes as it is unless it holds a character of
    _ESCAPED: exactly the characters orjson escapes, over every code point."""
    import re

    from naervaer_cli.output.json_out import _ESCAPED

    escaped = re.compile(_ESCAPED)
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    plain = [p for p in points if orjson.dumps(p).decode("utf-8") == f'"{p}"']
    assert len(plain) == len(points) - 34
    assert [p for p in points if escaped.search(p) is None] == plain


def test_pupils_own_text_cases_and_notes_are_written_as_orjson_writes_them() -> None:
    """Names, groups and contacts with text orjson escapes (or does not), a missing contact,
    cases with every field, notes and cases outside the export: the bytes of `to_json`."""
    cases = {
        "2": CaseSummary(
            "2",
            level=1,
            opened=date(2026, 10, 1),
            evaluation_due=date(2026, 11, 1),
            next_meeting=date(2026, 11, 24),
            last_evaluation_improved=False,
            state='Åpen, "NIVÅ 1"',
            measure_date=date(2026, 10, 2),
            presence_before=0.8125,
            presence_after=1 / 3,
        ),
        "4": CaseSummary("4", level=0, opened=date(2026, 11, 1)),
    }
    result = scan(
        records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), cases=cases
    )
    names = ['Bakke, "Jonas"', "Back\\slash", "Tab\there", "Ctl\x01x\x7f\x85", "Æ\u2028ø 😀", ""]
    pupils = tuple(
        replace(p, name=name, group=f"{p.group}\n", contact=None if n % 2 else f"Lærer {name}")
        for n, (p, name) in enumerate(zip(result.pupils, names, strict=True))
    )
    odd = replace(
        result,
        pupils=pupils,
        notes=("Merk: «to»", 'Tre "fire"'),
        not_in_export=(CaseSummary("88", level=2, opened=date(2026, 9, 1)),),
    )
    assert sum(p.case is not None for p in odd.pupils) == 2
    assert render_json(odd) == from_objects(odd)
    assert b'"name": "Bakke, \\"Jonas\\""' in render_json(odd)


def test_xlsx_pupil_cells_in_both_sheets_agree() -> None:
    """The «Datoer» sheet's pupil cells are made in columns, the «Oppfølging» sheet's one at
    a time: formula-like names get their apostrophe in both, an empty name stays empty."""
    from io import BytesIO

    from openpyxl import load_workbook

    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    names = ["=SUM(A1)", "", "-5", "@x", "Vanlig", "+47"]
    pupils = tuple(
        replace(p, name=name, group="\tG" if n == 2 else p.group)
        for n, (p, name) in enumerate(zip(result.pupils, names, strict=True))
    )
    book = load_workbook(BytesIO(render(replace(result, pupils=pupils), Format.xlsx)))
    listed = {row[0]: row[1:3] for row in book["Oppfølging"].iter_rows(min_row=2, values_only=True)}
    dated = {row[0]: row[1:3] for row in book["Datoer"].iter_rows(min_row=2, values_only=True)}
    assert dated == listed
    assert sorted(name for name, _ in listed.values() if name) == [
        "'+47",
        "'-5",
        "'=SUM(A1)",
        "'@x",
        "Vanlig",
    ]
    assert ("'-5", "'\tG") in listed.values()


def csv_one_cell_at_a_time(result: ScanResult) -> str:
    """The CSV as Python's csv module writes data_rows (the writer before issue 18)."""
    import csv
    import io

    from naervaer_cli.output.labels import neutralise
    from naervaer_cli.output.rows import data_rows
    from naervaer_cli.words import date_text

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return date_text(value)
        if isinstance(value, int):
            return str(value)
        assert isinstance(value, str)
        return neutralise(value)

    headers, rows = data_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([cell(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def test_csv_in_columns_equals_the_csv_module() -> None:
    """Semicolons, quotes, line breaks, carriage returns and formula-like text are quoted and
    neutralised as the csv module and `neutralise` do, cell by cell."""
    cases = {"4": CaseSummary("4", level=1, opened=date(2026, 10, 1), state='Åpen; "NIVÅ 1"')}
    result = scan(
        records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), cases=cases
    )
    names = ['Bakke; "Jonas"', "To\nlinjer", "Vogn\rretur", "=SUM(A1)", "-5; x", ""]
    pupils = tuple(
        replace(p, name=name, contact=None if n % 2 else '@"lærer"', group=f" {p.group} ")
        for n, (p, name) in enumerate(zip(result.pupils, names, strict=True))
    )
    odd = replace(result, pupils=pupils)
    text = render(odd, Format.csv)
    assert text == csv_one_cell_at_a_time(odd)
    assert '"Bakke; ""Jonas"""' in text and '"\'-5; x"' in text
    empty = replace(result, pupils=())
    assert render(empty, Format.csv) == csv_one_cell_at_a_time(empty)
    assert render(result, Format.csv) == csv_one_cell_at_a_time(result)


def test_spreadsheets_list_pupils_without_flags() -> None:
    """Pupils listed only for a case (no flag at all) keep one row each, with empty evidence."""
    from io import BytesIO

    from openpyxl import load_workbook

    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    bare = replace(
        result, pupils=tuple(replace(p, flags=()) for p in result.pupils), flag_source=None
    )
    text = render(bare, Format.csv)
    assert text == csv_one_cell_at_a_time(bare)
    assert len(text.splitlines()) == 1 + len(bare.pupils)
    book = load_workbook(BytesIO(render(bare, Format.xlsx)))
    rows = list(book["Oppfølging"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [p.pupil_id for p in bare.pupils]
    assert {row[5] for row in rows} == {None}  # «Hva slo ut» empty
    assert book["Datoer"].max_row == 1


def test_flags_without_dates_render_in_every_format() -> None:
    """Flags set by hand with no dates at all (no day to look up) render as their objects do."""
    from io import BytesIO

    from openpyxl import load_workbook

    result = scan(records(odd_subjects()), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    undated = replace(
        result,
        pupils=tuple(
            replace(p, flags=tuple(replace(f, dates=()) for f in p.flags)) for p in result.pupils
        ),
        flag_source=None,
    )
    assert render_json(undated) == from_objects(undated)
    assert b'"dates": []' in render_json(undated)
    assert render(undated, Format.csv) == csv_one_cell_at_a_time(undated)
    book = load_workbook(BytesIO(render(undated, Format.xlsx)))
    assert book["Oppfølging"].max_row == 1 + len(undated.pupils)
    assert book["Datoer"].max_row == 1
