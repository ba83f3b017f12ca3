"""The XLSX sheet «Oppfølging» is put together in columns (issue 18): the same XML and the
same shared-string numbers as writing it a cell at a time, row by row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.output.rows import data_frame, data_rows
from naervaer_cli.output.xlsx_out import _pupil_sheet, _row, _Strings, _table_sheet
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, ScanResult
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import scan

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar()


def crowded() -> ScanResult:
    """Pupils whose texts repeat across columns and rows, look like formulas, or are empty."""
    names = ["=SUM(A1)", "Berg, Ida", "-1", "7A", "@x", "Berg, Ida", "+47 999", "Å"]
    rows = []
    for n, name in enumerate(names):
        who = {"pupil_id": f"{n + 1}", "name": name, "group": "7A" if n % 3 else "10B"}
        rows += [record(date(2026, 11, d), whole_day=True, **who) for d in range(2, 8 + n % 3)]
        if n % 2:
            rows += [
                record(date(2026, 11, d), start="09:15", end="10:00", subject="Matte", **who)
                for d in (10, 12, 16)
            ]
    cases = {"3": CaseSummary("3", level=1, opened=date(2026, 10, 1))}
    result = scan(records(rows), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20), cases=cases)
    # a pupil with no name and no contact, and one whose name is another's number
    changed = {"Å": {"name": None, "contact": None}, "@x": {"name": "1"}}
    return replace(
        result,
        pupils=tuple(replace(p, **changed.get(p.name or "", {})) for p in result.pupils),
    )


def cell_at_a_time(result: ScanResult, strings: _Strings) -> str:
    """The sheet's header and rows as a cell at a time writes them (the way before issue 18)."""
    headers, rows = data_rows(result)
    lines = [_row(number, row, strings) for number, row in enumerate(rows, start=2)]
    widths = [
        max((10 if isinstance(v, date) else len(str(v or "")) for v in column), default=0)
        for column in zip(*rows, strict=True)
    ]
    return "".join(_table_sheet(headers, lines, widths or [0] * len(headers), strings))


def test_the_pupil_sheet_in_columns_equals_a_cell_at_a_time() -> None:
    result = crowded()
    assert len(result.pupils) == 8
    # texts numbered before (the «Datoer» sheet's) keep their numbers
    before = ["2", "Berg, Ida", "Fraværsdager"]
    fast, slow = _Strings(), _Strings()
    for strings in (fast, slow):
        for text in before:
            strings.value(text)
    written = "".join(_pupil_sheet(*data_frame(result), fast))
    assert written == cell_at_a_time(result, slow)
    assert list(fast.index) == list(slow.index)
    assert {"'=SUM(A1)", "'-1", "'+47 999", "7A"} <= set(fast.index)
    assert "Å" not in fast.index and "<c/>" in written


def test_an_empty_pupil_sheet() -> None:
    result = replace(crowded(), pupils=())
    fast, slow = _Strings(), _Strings()
    assert "".join(_pupil_sheet(*data_frame(result), fast)) == cell_at_a_time(result, slow)
    assert list(fast.index) == list(slow.index)


def test_the_shared_strings_are_escaped_as_a_string_at_a_time() -> None:
    from naervaer_cli.output.xlsx_out import _HEAD, _MAIN, _escape

    strings = _Strings()
    texts = ["Tom & Jerry", "<b>", 'si "hei"', "a\x00b\x01c\x1fd", "tab\tlf\ncr\r", "Ærlig ✓ 😀"]
    texts += ["&amp;", "", "'=1", "\x0b\x0c\x0e", "x" * 5000]
    for text in texts:
        strings.cell(text)
    items = "".join(f'<si><t xml:space="preserve">{_escape(t)}</t></si>' for t in texts)
    head = f'{_HEAD}<sst xmlns="{_MAIN}" count="11" uniqueCount="11">'
    assert strings.xml() == f"{head}{items}</sst>"
    assert "a\x00b" not in strings.xml() and "&amp;amp;" in strings.xml()
    assert _Strings().xml() == f'{_HEAD}<sst xmlns="{_MAIN}" count="0" uniqueCount="0"></sst>'
