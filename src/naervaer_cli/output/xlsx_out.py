"""The scan result as an XLSX workbook that opens cleanly in Excel and LibreOffice.

The workbook is written directly as SpreadsheetML (the XML parts of an .xlsx zip): a large
scan has over a hundred thousand evidence rows, and a cell object per value (openpyxl) took
ten times as long as the whole JSON output. Strings are shared (each distinct text stored
once), dates are Excel serial numbers in the DD.MM.YYYY format, the header row is bold and
frozen and carries an autofilter, as openpyxl wrote them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING

from naervaer_cli.output import labels
from naervaer_cli.output.evidence import date_rows, flag_frame
from naervaer_cli.output.rows import Cell, data_columns, evidence_headers
from naervaer_cli.result import ScanResult

if TYPE_CHECKING:
    import polars as pl

MAX_WIDTH = 60
DATE_FORMAT = "DD.MM.YYYY"
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
# 1970-01-01 (day 0 of a Polars date) as an Excel serial number.
_UNIX_SERIAL = date(1970, 1, 1).toordinal() - _EXCEL_EPOCH
# Cell styles (cellXfs in styles.xml): 0 plain, 1 bold (headers), 2 a date.
_BOLD, _DATE = 1, 2
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Relationship types, written out whole (they are URIs, not paths).
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# XML 1.0 allows no C0 control but tab, LF and CR; the importer removes them from the data,
# this keeps any other text (a policy label) from making the file unreadable.
_XML_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
    | {chr(c): None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
)


# The characters _XML_TEXT changes.
_NEEDS_ESCAPE = re.compile(
    '[&<>"' + "".join(chr(c) for c in range(0x20) if c not in (9, 10, 13)) + "]"
)


def _escape(text: str) -> str:
    return text.translate(_XML_TEXT)


def _column(index: int) -> str:
    """Column letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Strings:
    """The shared string table, and each distinct cell's XML made once.

    A large scan repeats the same names, groups, labels and dates in thousands of rows: a
    cell is one dict lookup after its first time.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.cells: dict[Cell, str] = {}

    def cell(self, text: str, style: int = 0) -> str:
        number = self.index.get(text)
        if number is None:
            number = self.index[text] = len(self.index)
        if style:
            return f'<c s="{style}" t="s"><v>{number}</v></c>'
        return f'<c t="s"><v>{number}</v></c>'

    def value(self, value: Cell) -> str:
        """The XML of a cell holding `value` (text neutralised as a formula guard)."""
        found = self.cells.get(value)
        if found is None:
            if value is None or value == "":
                found = "<c/>"
            elif isinstance(value, str):
                found = self.cell(labels.neutralise(value))
            elif isinstance(value, date):
                found = f'<c s="{_DATE}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
            else:
                found = f"<c><v>{value}</v></c>"
            self.cells[value] = found
        return found

    def texts(self, values: pl.Series) -> pl.Series:
        """The XML of a cell holding each string of `values`, as `value` makes it; the texts
        not numbered yet are numbered in the order they come."""
        import polars as pl

        text = values.to_frame("v").select(labels.neutralised(pl.col("v"))).to_series()
        index = self.index
        distinct = text.filter(text != "").unique(maintain_order=True).to_list()
        for new in distinct:
            if new not in index:
                index[new] = len(index)
        numbers = [index[t] for t in distinct]
        return (
            text.replace_strict(distinct, numbers, default=None, return_dtype=pl.Int64)
            .to_frame("n")
            .select(
                pl.when(pl.col("n").is_null())
                .then(pl.lit("<c/>"))
                .otherwise(pl.concat_str(pl.lit('<c t="s"><v>'), "n", pl.lit("</v></c>")))
            )
            .to_series()
        )

    def xml(self) -> str:
        # Almost no text needs escaping: then the items are joined at once (0.016 s at 1M
        # rows for 60 000 texts one at a time).
        texts = list(self.index)
        open_item = '<si><t xml:space="preserve">'
        if _NEEDS_ESCAPE.search("".join(texts)) is None:
            items = open_item + f"</t></si>{open_item}".join(texts) + "</t></si>" if texts else ""
        else:
            items = "".join(f"{open_item}{_escape(text)}</t></si>" for text in texts)
        count = len(texts)
        return f'{_HEAD}<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>'


def _row(number: int, values: Sequence[Cell], strings: _Strings) -> str:
    made, value = strings.cells.get, strings.value
    return f'<row r="{number}">{"".join([made(v) or value(v) for v in values])}</row>'


def _shown(value: Cell) -> int:
    """The width a value needs in its column (a date shows as dd.mm.yyyy)."""
    return 10 if isinstance(value, date) else len(str(value or ""))


def _longest(column: pl.Series) -> int:
    """The length of the longest text in `column` (0 when it has none)."""
    longest = column.str.len_chars().max()
    return longest if isinstance(longest, int) else 0


def _sheet_xml(
    rows: list[str], widths: Sequence[float], *, frozen: bool, filter_ref: str | None
) -> tuple[str, ...]:
    """A worksheet's XML in three pieces (its start, its rows, its end), so that a sheet of
    26 MB is not copied once more to put them together (`_write` writes them in turn)."""
    view = (
        '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView>'
        if frozen
        else '<sheetView workbookViewId="0"/>'
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>'
        for i, width in enumerate(widths, start=1)
    )
    autofilter = f'<autoFilter ref="{filter_ref}"/>' if filter_ref else ""
    return (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheetViews>{view}</sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>',
        "".join(rows),
        f"</sheetData>{autofilter}</worksheet>",
    )


def _write(archive: zipfile.ZipFile, name: str, pieces: Sequence[str | bytes]) -> None:
    """Write one part of the zip from its pieces, text or UTF-8 (every part dated
    1980-01-01, zip's default: the same scan gives the same bytes)."""
    with archive.open(name, "w") as part:
        for piece in pieces:
            part.write(piece.encode("utf-8") if isinstance(piece, str) else piece)


def _table_sheet(
    headers: list[str],
    lines: list[str],
    widths: list[int],
    strings: _Strings,
    *,
    rows: int | None = None,
) -> tuple[str, ...]:
    """A sheet of one header row (bold, frozen, with an autofilter) and the data rows' XML
    (`lines`, one per row unless `rows` says how many rows they hold)."""
    header = "".join(strings.cell(h, _BOLD) for h in headers)
    count = len(lines) if rows is None else rows
    return _sheet_xml(
        [f'<row r="1">{header}</row>', *lines],
        [min(max(width, len(h)) + 2, MAX_WIDTH) for width, h in zip(widths, headers, strict=True)],
        frozen=True,
        filter_ref=f"A1:{_column(len(headers))}{count + 1}",
    )


def _pupil_sheet(
    headers: list[str], columns: pl.DataFrame, strings: _Strings
) -> tuple[str | bytes, ...]:
    """Sheet «Oppfølging»: rows.data_columns, one row per pupil, put together in columns
    (16 000 rows at 1M records); the texts numbered a column at a time."""
    import polars as pl

    schema = columns.schema
    texts = [name for name, dtype in schema.items() if dtype == pl.String]
    # Each column's widest value; a column repeats its values, so each distinct one once.
    widths = [
        _longest(columns.get_column(name))
        if dtype == pl.String
        else max(map(_shown, columns.get_column(name).unique().to_list()), default=0)
        for name, dtype in schema.items()
    ]
    xml: dict[str, pl.Series] = {}
    if texts and columns.height:
        xml = {name: strings.texts(columns.get_column(name)) for name in texts}

    def cell(name: str, dtype: pl.DataType) -> pl.Expr:
        if name in xml:
            return pl.lit(xml[name])
        value = pl.col(name)
        if dtype == pl.Date:
            value, start = (value.cast(pl.Int32) + _UNIX_SERIAL), f'<c s="{_DATE}"><v>'
        else:
            start = "<c><v>"
        return (
            pl.when(value.is_null())
            .then(pl.lit("<c/>"))
            .otherwise(pl.concat_str(pl.lit(start), value.cast(pl.String), pl.lit("</v></c>")))
        )

    lines = columns.select(
        pl.concat_str(
            pl.lit('<row r="'),
            (pl.int_range(pl.len()) + 2).cast(pl.String),
            pl.lit('">'),
            *(cell(name, dtype) for name, dtype in schema.items()),
            pl.lit("</row>"),
        )
        .str.join("")
        .cast(pl.Binary)
    ).item()
    start, header, end = _table_sheet(headers, [], widths, strings, rows=columns.height)
    return start, header, lines, end


def _evidence_sheet(
    result: ScanResult, rows: pl.DataFrame, strings: _Strings
) -> Callable[[], tuple[str | bytes, ...]]:
    """One row per flag and date (`rows` from evidence.date_rows), put together in columns
    (130 000 rows at 1M records): each distinct value of a column becomes its cell once.

    Every cell's text is numbered here, in the caller's thread; what is returned puts the
    rows together in Polars alone and may run in another thread.
    """
    import polars as pl

    headers = evidence_headers(result.setting)
    if rows.is_empty():
        empty = _table_sheet(headers, [], [0] * len(headers), strings)
        return lambda: empty
    # A pupil's three cells, made once per pupil who has dates, in columns (16 000 pupils at
    # 1M rows); their texts are numbered a column at a time.
    who = pl.DataFrame(
        {
            "pupil_id": [p.pupil_id for p in result.pupils],
            "name": [p.name for p in result.pupils],
            "group": [p.group for p in result.pupils],
        },
        schema=dict.fromkeys(["pupil_id", "name", "group"], pl.String),
    ).filter(pl.col("pupil_id").is_in(rows.get_column("pupil_id").unique().implode()))
    pupils = pl.DataFrame(
        {
            "pupil_id": who.get_column("pupil_id"),
            "pupil": pl.select(
                pl.concat_str(
                    *(pl.lit(strings.texts(who.get_column(name))) for name in who.columns)
                )
            ).to_series(),
        }
    )
    widths = [_longest(who.get_column(name)) for name in who.columns]
    value = strings.value
    cells: list[pl.Expr] = [pl.col("pupil")]
    for name in ["rule", "status", "count", "threshold"]:
        distinct = rows.get_column(name).unique(maintain_order=True).to_list()
        xml = [value(cell) for cell in distinct]
        cells.append(pl.col(name).replace_strict(distinct, xml, return_dtype=pl.String))
        widths.append(max(map(_shown, distinct)))
    lessons = rows.get_column("lessons").unique(maintain_order=True).to_list()
    lesson_cells = [value(text) for text in lessons]
    widths += [10, max(map(len, lessons))]
    start, header, end = _table_sheet(headers, [], widths, strings, rows=rows.height)

    def put_together() -> tuple[str | bytes, ...]:
        lines = (
            rows.join(pupils, on="pupil_id", how="left", maintain_order="left")
            .select(
                pl.concat_str(
                    pl.lit('<row r="'),
                    (pl.int_range(pl.len()) + 2).cast(pl.String),
                    pl.lit('">'),
                    *cells,
                    pl.lit(f'<c s="{_DATE}"><v>'),
                    (pl.col("day").cast(pl.Int32) + _UNIX_SERIAL).cast(pl.String),
                    pl.lit("</v></c>"),
                    pl.col("lessons").replace_strict(lessons, lesson_cells, return_dtype=pl.String),
                    pl.lit("</row>"),
                )
                .str.join("")
                .cast(pl.Binary)  # leaves Polars as bytes: no copy to text and back
            )
            .item()
        )
        return start, header, lines, end

    return put_together


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _fixed_parts(titles: list[str]) -> list[tuple[str, str]]:
    """The parts of the .xlsx zip besides the sheets and the strings: content types,
    relationships, workbook and styles, for sheets with these titles."""
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(titles) + 1)
    )
    content_types = (
        f"{_HEAD}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheet_types}"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    root_rels = (
        f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>'
    )
    entries = "".join(
        f'<sheet name="{_escape(title)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    workbook = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/>'
        f"</bookViews><sheets>{entries}</sheets></workbook>"
    )
    n = len(titles)
    workbook_rels = (
        f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_WORKSHEET}" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_STYLES_REL}" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_STRINGS_REL}" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", _STYLES),
    ]


def render_xlsx(result: ScanResult, group: str | None = None) -> bytes:
    """Sheet "Oppfølging" (one row per pupil), sheet "Datoer" (one row per flag and date),
    sheet "Om" (the window, the policy, the summary and the guide's reminder)."""
    from concurrent.futures import ThreadPoolExecutor

    strings = _Strings()
    flags = flag_frame(result)
    about: list[list[Cell]] = [
        ["Per dato", result.as_of],
        ["Vindu (dager)", result.window_days],
        ["Policy", result.policy],
        ["Sammendrag", labels.summary_line(result, group)],
        ["", result.talk_to_child],
    ]
    buffer = BytesIO()
    # Level 1: the sheets are repetitive XML that compresses well even at the fastest level.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, part in _fixed_parts(["Oppfølging", "Datoer", "Om"]):
            _write(archive, name, (part,))
        # «Datoer» is most of the workbook (26 MB of XML at 1M records). Its rows are put
        # together and compressed in another thread (Polars and zlib let go of the GIL)
        # while the pupil sheet is made, so sheet 2 comes before sheet 1 in the zip;
        # readers find the parts by name.
        with ThreadPoolExecutor(max_workers=1) as pool:
            dates = _evidence_sheet(result, date_rows(result, flags), strings)
            writing = pool.submit(lambda: _write(archive, "xl/worksheets/sheet2.xml", dates()))
            pupils = _pupil_sheet(*data_columns(result, flags), strings)
            about_rows = [_row(n, row, strings) for n, row in enumerate(about, start=1)]
            writing.result()
        _write(archive, "xl/worksheets/sheet1.xml", pupils)
        _write(
            archive,
            "xl/worksheets/sheet3.xml",
            _sheet_xml(about_rows, [16, 80], frozen=False, filter_ref=None),
        )
        _write(archive, "xl/sharedStrings.xml", (strings.xml(),))
    return buffer.getvalue()
