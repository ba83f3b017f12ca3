"""The scan result as an XLSX workbook that opens cleanly in Excel and LibreOffice.

The workbook is written directly as SpreadsheetML (the XML parts of an .xlsx zip): a large
scan has over a hundred thousand evidence rows, and a cell object per value (openpyxl) took
ten times as long as the whole JSON output. Strings are shared (each distinct text stored
once), dates are Excel serial numbers in the DD.MM.YYYY format, the header row is bold and
frozen and carries an autofilter, as openpyxl wrote them.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from naervaer_cli.gcpause import gc_paused
from naervaer_cli.output import labels
from naervaer_cli.output.evidence import date_rows, flag_frame
from naervaer_cli.output.rows import Cell, data_frame, evidence_headers
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
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_XML_CONTROLS = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_XML_TEXT = str.maketrans(
    _XML_ESCAPES | {chr(c): None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
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

    def xml(self) -> str:
        """The shared string table's part: each text escaped as `_escape` does it, in
        Polars (half the time of a string at a time for the 20 000 texts of 1M records)."""
        import polars as pl

        texts = pl.Series(list(self.index), dtype=pl.String)
        escaped = texts.str.replace_many(list(_XML_ESCAPES), list(_XML_ESCAPES.values()))
        escaped = escaped.str.replace_all(_XML_CONTROLS, "")
        items = pl.select(
            pl.concat_str(
                pl.lit('<si><t xml:space="preserve">'), pl.lit(escaped), pl.lit("</t></si>")
            ).str.join("")
        ).item()
        count = len(self.index)
        return f'{_HEAD}<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>'


def _row(number: int, values: Sequence[Cell], strings: _Strings) -> str:
    made, value = strings.cells.get, strings.value
    return f'<row r="{number}">{"".join([made(v) or value(v) for v in values])}</row>'


def _shown(value: Cell) -> int:
    """The width a value needs in its column (a date shows as dd.mm.yyyy)."""
    return 10 if isinstance(value, date) else len(str(value or ""))


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


# Level 1: the sheets are repetitive XML that compresses well even at the fastest level.
_LEVEL = 1
# Every part is dated 1980-01-01 00:00 (zip's earliest date, in DOS form): the same scan
# gives the same bytes.
_DOS_DATE = 1 << 5 | 1


class _Part(NamedTuple):
    """One part of the .xlsx zip, compressed (raw deflate)."""

    name: str
    crc: int
    size: int
    data: bytes


def _deflate(name: str, pieces: Sequence[str]) -> _Part:
    """Compress one part of the zip from its pieces, as zipfile would (zlib at _LEVEL). Any
    thread may do this (zlib lets go of the GIL): parts are compressed side by side and put
    in the zip in their order by `_zip`."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    crc = size = 0
    chunks = []
    for piece in pieces:
        raw = piece.encode("utf-8")
        crc = zlib.crc32(raw, crc)
        size += len(raw)
        chunks.append(compressor.compress(raw))
    chunks.append(compressor.flush())
    return _Part(name, crc, size, b"".join(chunks))


def _zip(parts: Sequence[_Part]) -> bytes:
    """The zip of `parts`, in their order: the bytes zipfile writes for them on Linux
    (version 2.0, mode 0600, no extra fields, no comment)."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        name = part.name.encode("ascii")
        sizes = (part.crc, len(part.data), part.size, len(name))
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, _DOS_DATE, *sizes, 0)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                *(20, 3, 20, 0),  # made by 2.0 on Unix, needs 2.0
                *(0, 8, 0, _DOS_DATE),  # no flags, deflate, time, date
                *sizes,
                *(0, 0, 0, 0),  # no extra field, no comment, disk 0, no internal attributes
                0o600 << 16,
                offset,
            )
            + name
        )
        local += [header, name, part.data]
        offset += len(header) + len(name) + len(part.data)
    directory = b"".join(central)
    count = len(parts)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*local, directory, end])


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


def _pupil_sheet(headers: list[str], frame: pl.DataFrame, strings: _Strings) -> tuple[str, ...]:
    """Sheet «Oppfølging»: rows.data_frame, one row per pupil, put together in columns.

    The texts new to the workbook are numbered in the order the rows meet them, row by
    row, as a cell at a time would (the shared strings' order is part of the file).
    """
    import polars as pl

    if frame.is_empty():
        return _table_sheet(headers, [], [0] * len(headers), strings)
    value = strings.value
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    # Each text at the first row and column it is met in (a list column of the texts,
    # exploded, takes three times as long).
    width = len(texts)
    met = pl.concat(
        frame.select(text=pl.col(name), at=pl.int_range(pl.len()) * width + n)
        for n, name in enumerate(texts)
    )
    for text in (
        met.filter(pl.col("text") != "")
        .group_by("text")
        .agg(pl.col("at").min())
        .sort("at")
        .get_column("text")
        .to_list()
    ):
        value(text)
    cells: list[pl.Expr] = []
    widths: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.String:
            distinct = frame.get_column(name).fill_null("").unique().to_list()
            xml = [value(text) for text in distinct]
            cells.append(column.fill_null("").replace_strict(distinct, xml, return_dtype=pl.String))
            widths.append(column.str.len_chars().max())
        elif dtype == pl.Date:
            serial = (column.cast(pl.Int32) + _UNIX_SERIAL).cast(pl.String)
            cells.append(pl.concat_str(pl.lit(f'<c s="{_DATE}"><v>'), serial, pl.lit("</v></c>")))
            widths.append(column.is_not_null().cast(pl.Int32).max() * 10)
        else:
            cells.append(
                pl.concat_str(pl.lit("<c><v>"), column.cast(pl.String), pl.lit("</v></c>"))
            )
            widths.append(column.cast(pl.String).str.len_chars().max())
    shown = [width or 0 for width in frame.select(widths).row(0)]
    start, header, end = _table_sheet(headers, [], shown, strings, rows=frame.height)
    lines = frame.select(
        pl.concat_str(
            pl.lit('<row r="'),
            (pl.int_range(pl.len()) + 2).cast(pl.String),
            pl.lit('">'),
            *(cell.fill_null("<c/>") for cell in cells),
            pl.lit("</row>"),
        ).str.join("")
    ).item()
    return start, header, lines, end


def _evidence_sheet(
    result: ScanResult, rows: pl.DataFrame, strings: _Strings
) -> Callable[[], tuple[str, ...]]:
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
    # A row's cells up to its date are its flag's (22 000 flags for 130 000 rows at 1M
    # records): they are put together once per flag, from the flag's first row (the rows
    # of a flag are together, in the flag frame's order).
    flags = rows.filter(pl.col("flag").is_first_distinct())
    # A pupil's three cells, made once per pupil who has dates.
    value = strings.value
    dated = set(flags.get_column("pupil_id").to_list())
    who = [(p.pupil_id, p.name, p.group) for p in result.pupils if p.pupil_id in dated]
    pupils = pl.DataFrame(
        [(pid, value(pid) + value(name) + value(group)) for pid, name, group in who],
        schema={"pupil_id": pl.String, "pupil": pl.String},
        orient="row",
    )
    widths = [max(_shown(cell) for cell in column) for column in zip(*who, strict=True)]
    cells: list[pl.Expr] = [pl.col("pupil")]
    for name in ["rule", "status", "count", "threshold"]:
        distinct = flags.get_column(name).unique(maintain_order=True).to_list()
        xml = [value(cell) for cell in distinct]
        cells.append(pl.col(name).replace_strict(distinct, xml, return_dtype=pl.String))
        widths.append(max(map(_shown, distinct)))
    lessons = rows.get_column("lessons").unique(maintain_order=True).to_list()
    lesson_cells = [value(text) for text in lessons]
    widths += [10, max(map(len, lessons))]
    start, header, end = _table_sheet(headers, [], widths, strings, rows=rows.height)

    def put_together() -> tuple[str, ...]:
        cells_before = flags.join(pupils, on="pupil_id", how="left", maintain_order="left").select(
            "flag", before=pl.concat_str(*cells)
        )
        lines = (
            rows.join(cells_before, on="flag", how="left", maintain_order="left")
            .select(
                pl.concat_str(
                    pl.lit('<row r="'),
                    (pl.int_range(pl.len()) + 2).cast(pl.String),
                    pl.lit('">'),
                    pl.col("before"),
                    pl.lit(f'<c s="{_DATE}"><v>'),
                    (pl.col("day").cast(pl.Int32) + _UNIX_SERIAL).cast(pl.String),
                    pl.lit("</v></c>"),
                    pl.col("lessons").replace_strict(lessons, lesson_cells, return_dtype=pl.String),
                    pl.lit("</row>"),
                ).str.join("")
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


@gc_paused()
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
    parts = [_deflate(name, (part,)) for name, part in _fixed_parts(["Oppfølging", "Datoer", "Om"])]
    # «Datoer» is most of the workbook (26 MB of XML at 1M records). Its rows are put
    # together and compressed in another thread (Polars and zlib let go of the GIL) while
    # the pupil sheet is made, and that is compressed while the shared strings are written.
    with ThreadPoolExecutor(max_workers=2) as pool:
        dates = _evidence_sheet(result, date_rows(result, flags), strings)
        sheet2 = pool.submit(lambda: _deflate("xl/worksheets/sheet2.xml", dates()))
        pupils = _pupil_sheet(*data_frame(result, flags), strings)
        sheet1 = pool.submit(_deflate, "xl/worksheets/sheet1.xml", pupils)
        about_rows = [_row(n, row, strings) for n, row in enumerate(about, start=1)]
        sheet3 = _sheet_xml(about_rows, [16, 80], frozen=False, filter_ref=None)
        shared = _deflate("xl/sharedStrings.xml", (strings.xml(),))
        # sheet 2 before sheet 1, as the parts were written before: readers find them by name
        parts += [
            sheet2.result(),
            sheet1.result(),
            _deflate("xl/worksheets/sheet3.xml", sheet3),
            shared,
        ]
    return _zip(parts)
