"""`naervaer overview` through the real entry point: HTML, XLSX and JSON name no pupil and
show no count under five; several schools by column or by `--school NAVN=FIL`."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.test_overview import HEADER, IDS, NAMES, ROWS

TODAY = date(2025, 9, 5)
# A count is a whole number standing alone in a cell; shares carry «%», weeks are labels.
COUNT = re.compile(r"^(\d+)(?: \(\d+ %\))?$")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "nordby.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


@pytest.fixture
def two_schools(tmp_path: Path) -> Path:
    """Both schools in one export with a Skole column; Sørby copies Nordby's pupils."""
    path = tmp_path / "kommunen.csv"
    lines = [f"Nordby;{row}" for row in ROWS]
    lines += [f"Sørby;9{row}" for row in ROWS]  # other pupil numbers
    path.write_text("Skole;" + HEADER + "".join(lines), encoding="utf-8")
    return path


class Cells(HTMLParser):
    """Every text node of a page, and the text of each table cell."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)


def assert_anonymous(texts: list[str], cells: list[str], week_labels: set[str]) -> None:
    joined = "\n".join(texts)
    for needle in [*NAMES, *IDS, *(f"9{i}" for i in IDS)]:
        assert needle not in joined, needle
    for cell in cells:
        found = COUNT.match(cell)
        if found and cell not in week_labels:
            assert int(found.group(1)) >= 5, cell


def test_html_names_no_one_and_hides_small_counts(cli, export: Path, tmp_path: Path) -> None:
    out = tmp_path / "oversikt.html"
    r = cli("overview", "--school", f"Nordby={export}", "--as-of", TODAY, "-o", out, today=TODAY)
    assert (r.code, r.out, r.err) == (0, "", "")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = Cells()
    page.feed(out.read_text("utf-8"))
    assert_anonymous(page.texts, page.cells, {"33", "34", "35", "36"})
    assert "<script" not in out.read_text("utf-8")
    assert "http://" not in out.read_text("utf-8").replace("http://www.w3.org/2000/svg", "")
    # The hand-computed figures as the page shows them.
    assert "Nordby" in page.cells and "14" in page.cells
    assert "1,9 %" in page.cells  # 4.2727 / 224
    assert "1,3 %" in page.cells  # 8A: 1.2727 / 96; last year: 1 / 80 is 1,3 % too
    assert page.cells.count("<5") >= 2 and "×" in page.cells


def test_xlsx_names_no_one_and_hides_small_counts(cli, export: Path, tmp_path: Path) -> None:
    out = tmp_path / "oversikt.xlsx"
    r = cli(
        "overview",
        "--school",
        f"Nordby={export}",
        "--as-of",
        TODAY,
        "-f",
        "xlsx",
        "-o",
        out,
        today=TODAY,
    )
    assert (r.code, r.err) == (0, "")
    wb = load_workbook(out)
    sheet = wb["Oversikt"]
    headers = [c.value for c in sheet[1]]
    counts = [i for i, h in enumerate(headers) if not str(h).startswith(("Fraværsandel", "Uke"))]
    texts = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        texts += [str(v) for v in row if v is not None]
        for i in counts[3:]:
            value = row[i]
            assert value in ("<5", "×", "–") or (isinstance(value, int) and value >= 5), (
                headers[i],
                value,
            )
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            texts += [str(v) for v in row if v is not None]
    assert_anonymous(texts, [], set())
    nordby = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "Nordby")
    assert nordby[3] == 14
    assert nordby[4] == pytest.approx((1 + 90 / 330 + 2 + 1) / 224)


def test_json_several_schools_by_column(cli, two_schools: Path) -> None:
    r = cli("overview", two_schools, "--as-of", TODAY, "-f", "json", today=TODAY)
    assert (r.code, r.err) == (0, "")
    data = json.loads(r.out)
    labels = [(u["level"], u["label"]) for u in data["units"]]
    assert labels[:3] == [("alle", "Alle skoler"), ("skole", "Nordby"), ("trinn", "8. trinn")]
    assert ("skole", "Sørby") in labels
    everyone = data["units"][0]
    assert everyone["pupils"] == 28
    assert everyone["share"] == pytest.approx(round(2 * (1 + 90 / 330 + 3) / (28 * 16), 4))
    assert_anonymous([r.out], [], set())


def test_school_option_and_column_agree(cli, export: Path, tmp_path: Path) -> None:
    other = tmp_path / "sorby.csv"
    other.write_text(HEADER + "".join(f"9{row}" for row in ROWS), encoding="utf-8")
    by_option = cli(
        "overview",
        "--school",
        f"Nordby={export}",
        "--school",
        f"Sørby={other}",
        "-f",
        "json",
        today=TODAY,
    )
    assert by_option.code == 0
    two = tmp_path / "kommunen.csv"
    lines = [f"Nordby;{row}" for row in ROWS] + [f"Sørby;9{row}" for row in ROWS]
    two.write_text("Skole;" + HEADER + "".join(lines), encoding="utf-8")
    by_column = cli("overview", two, "-f", "json", today=TODAY)
    assert json.loads(by_option.out)["units"] == json.loads(by_column.out)["units"]


def test_bad_school_option_and_empty_school_cell(cli, export: Path, tmp_path: Path) -> None:
    r = cli("overview", "--school", str(export), today=TODAY)
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        f"Feil: --school «{export}»: skriv skolen og filen som NAVN=FIL, f.eks. "
        '--school "Ås ungdomsskole=aas.csv".\n'
    )
    blank = tmp_path / "blank.csv"
    blank.write_text("Skole;" + HEADER + "Nordby;" + ROWS[0] + ";" + ROWS[1], encoding="utf-8")
    r = cli("overview", blank, "-f", "json", today=TODAY)
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        "Feil: blank.csv, rad 3, kolonne «Skole»: skolen mangler. Fyll den ut, eller oppgi filens "
        "skole med --school NAVN=FIL.\n"
    )


def test_xlsx_not_to_a_terminal(cli, export: Path) -> None:
    r = cli("overview", export, "-f", "xlsx", tty=True, today=TODAY)
    assert (r.code, r.out) == (2, "")
    assert r.err == "Feil: XLSX kan ikke skrives til terminalen; bruk --output FIL.xlsx.\n"


def test_data_that_start_late_are_refused_until_from_says_the_period(cli, tmp_path: Path) -> None:
    """Nordby's rows of 25–26.08.2025 only: the term (from 15.08) is not covered; exit 2 with
    the --from to give; with it the period, its weeks and its shares are the data's."""
    late = tmp_path / "late.csv"
    late.write_text(HEADER + ROWS[0] + ROWS[1] + ROWS[2], encoding="utf-8")
    r = cli("overview", late, "-f", "json", today=TODAY)
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        "Feil: Dataene dekker ikke perioden 15.08.2025–26.08.2025: Skolen har data fra "
        "25.08.2025. Andelene ville blitt regnet over dager uten data og vist for lite fravær. "
        "Oppgi --from 25.08.2025, eller ta med eksportene fra 15.08.2025.\n"
    )
    r = cli("overview", late, "-f", "json", "--from", "25.08.2025", today=TODAY)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["first"] == "2025-08-25"
    assert [w["week"] for w in data["weeks"]] == [35]  # to the latest date, 26.08
    assert data["last_year"]["not_covered"] == [{"school": "Skolen", "data_from": "2025-08-25"}]
