"""Reading an export file into a raw frame: encoding, delimiter, sheet and header row found.

The raw frame has one String column per matched field (named by the field) plus `_row`, the
row number a spreadsheet program shows for that record. Nothing is typed yet; see normalize.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from naervaer_cli.errors import InputError
from naervaer_cli.importer.headers import HeaderMatch, header_score, match_headers, resolve_time

HEADER_SEARCH_ROWS = 50
MIN_HEADER_SCORE = 3
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator"}
ZIP_MAGIC = b"PK\x03\x04"
# [import] max_xlsx_cells: a spreadsheet beyond this is refused before it is loaded. Five
# million cells is 400 000 rows of 12 columns, far more than a school's term, and loads in
# well under a gigabyte.
MAX_XLSX_CELLS = 5_000_000
# Sheet XML per cell (tag, reference, style, value); generous, so only a bomb exceeds it.
XLSX_BYTES_PER_CELL = 200


@dataclass(frozen=True)
class RawTable:
    """What was read from one file, before any value is interpreted."""

    path: Path
    # Field columns (String; from a CSV read by Polars, REPEATED_FIELDS are `categorical()`)
    # and `_row` (Int32).
    frame: pl.DataFrame
    match: HeaderMatch
    header_row: int  # 1-based, as a spreadsheet shows it
    file_format: str  # "CSV" or "XLSX"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # False when the file is known to hold no control character, tab or line break in a
    # value, so normalize need not look for them in a million rows.
    may_have_controls: bool = True
    # Rows under the header that are not records (sum rows, a summary block): never read,
    # always reported (`check`).
    skipped_rows: tuple[int, ...] = ()


def read_table(
    path: Path,
    synonyms: dict[str, str],
    sheet: str | int | None = None,
    max_xlsx_cells: int = MAX_XLSX_CELLS,
) -> RawTable:
    """Read a CSV or XLSX export. Raises InputError with a Norwegian message for bad files."""
    if not path.exists():
        raise InputError(f"Fant ikke filen {path}. Sjekk navnet og mappen.")
    if path.is_dir():
        raise InputError(f"{path} er en mappe, ikke en fil. Oppgi eksportfilene (CSV eller XLSX).")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"{path} kan ikke leses ({exc.strerror}).") from None
    if not head:
        raise InputError(f"{path} er tom (0 byte). Ta en ny eksport fra fagsystemet.")
    if head.startswith(ZIP_MAGIC):
        _check_xlsx_size(path, max_xlsx_cells)
        return _read_xlsx(path, synonyms, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise InputError(
            f"{path} heter {path.suffix} men er ikke et regneark i XLSX-format. "
            "Lagre eksporten på nytt som Excel-arbeidsbok (.xlsx) eller CSV."
        )
    return _read_csv(path, synonyms)


# --- CSV -------------------------------------------------------------------------------


SAMPLE_BYTES = 256 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A character decoded from valid multi-byte UTF-8 (not ASCII, not an undecodable byte).
_UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# C0 controls but CR and LF (which end lines; tab included), DEL, and the UTF-8 lead
# bytes of U+0080-U+00BF and U+2000-U+2FFF, where the C1 and bidirectional controls are.
_SUSPECT_BYTES = bytes([*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, 0xE2])


# Fields whose values repeat and are only parsed (dates, clock times, Ja/Nei, numbers): Polars
# reads them as Categorical, so normalize gets each column's distinct values and every row's
# code from the read instead of hashing the column again (measured at 1M rows: 8 to 10 ms more
# in the read, 17 to 23 ms less in normalize). Not the lesson number (resolve_time may make it a
# subject or a time range, which are text), nor the code (checked and kept as text).
REPEATED_FIELDS = frozenset(
    {
        "date",
        "date_to",
        "start",
        "end",
        "whole_day",
        "minutes",
        "hours",
        "notified",
        "arrived",
        "departed",
        "birth_date",
    }
)


def categorical() -> pl.DataType:
    """A Categorical with categories of its own: exactly the distinct values of its column.

    Polars 2.1 marks `Categories` unstable; this function and `categories` are the only
    places that use it.
    """
    return pl.Categorical(pl.Categories.random())


def categories(column: pl.Series) -> pl.Series:
    """The categories of a `categorical()` column, the one with physical code i at index i."""
    mapping = column.dtype.categories  # type: ignore[attr-defined]
    return mapping.to_series().cast(pl.String)


def is_categorical(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.Categorical)


def _repeated_positions(match: HeaderMatch) -> set[int]:
    """The columns read as Categorical: those of REPEATED_FIELDS, but a lesson grid's
    «Hele dagen» column, which holds codes (grid.unpivot_grid)."""
    return {
        position
        for field, position in match.fields.items()
        if field in REPEATED_FIELDS and not (match.grid and field == "whole_day")
    }


# Bytes are checked in pieces this size: a few passes over a piece that sits in the CPU's
# cache cost far less than one pass each over a whole file, which is never held at once.
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class _ByteScan:
    """What one pass over a CSV file's bytes tells before it is parsed."""

    quotes: bool  # a '"' somewhere: the csv module reads the file (exact quoting rules)
    lone_cr: bool  # a CR not followed by LF (a line break Polars does not see)
    # False when no byte can start a control character, tab or C1/bidi character, so
    # normalize need not look for them in a million values.
    may_have_controls: bool


def _scan_bytes(chunks: Iterable[bytes | bytearray]) -> _ByteScan:
    """Quotes, lone CRs and possible control characters, in one pass over the chunks.

    Every test runs at C speed on a chunk in cache: `in` (memchr) for quotes, the io
    module's newline decoder (which records CR, LF and CRLF, across chunk borders too) for
    line breaks, and a translate that deletes the suspect bytes for controls. The scan stops
    at the first quote or lone CR, since the csv module then reads the whole file anyway.
    """
    newlines = io.IncrementalNewlineDecoder(None, translate=False)
    controls = False
    for chunk in chunks:
        if b'"' in chunk:
            return _ByteScan(quotes=True, lone_cr=False, may_have_controls=True)
        # Latin-1 maps every byte to one character, so the decoder sees the bytes as they are.
        newlines.decode(chunk.decode("latin-1"))
        if _has_lone_cr(newlines):
            return _ByteScan(quotes=False, lone_cr=True, may_have_controls=True)
        if not controls:
            controls = len(chunk.translate(None, _SUSPECT_BYTES)) != len(chunk)
    newlines.decode("", final=True)  # a CR at the very end is a lone CR
    return _ByteScan(quotes=False, lone_cr=_has_lone_cr(newlines), may_have_controls=controls)


def _has_lone_cr(decoder: io.IncrementalNewlineDecoder) -> bool:
    seen = decoder.newlines  # None, one of "\r", "\n", "\r\n", or a tuple of them
    return seen == "\r" or (isinstance(seen, tuple) and "\r" in seen)


def _file_chunks(path: Path, head: bytes) -> Iterator[bytes | bytearray]:
    """The file's bytes in CHUNK_BYTES pieces, the first being `head` (already read).

    The pieces after the first are one buffer, refilled: use each before asking for the next.
    Reading into it, rather than into a new bytes object per piece, saves ≈ 10 ms of the
    scan's 87 ms of CPU at 1M rows.
    """
    yield head
    buffer = bytearray(CHUNK_BYTES)
    try:
        with path.open("rb", buffering=0) as fh:
            fh.seek(len(head))
            while size := fh.readinto(buffer):
                yield buffer if size == CHUNK_BYTES else buffer[:size]
    except OSError as exc:
        raise InputError(f"{path} kan ikke leses ({exc.strerror}).") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} kan ikke leses ({exc.strerror}).") from None


@dataclass(frozen=True)
class _Decoded:
    encoding: str
    text: str | None  # None for valid UTF-8, which Polars reads from the path itself


def _decode(path: Path, data: bytes) -> _Decoded:
    """The encoding of a CSV export, decided on the whole file, and its text when not UTF-8.

    A file that is valid UTF-8 except for some bytes is refused at the first such byte: read
    as Windows-1252 it would turn every «ø» into «Ã¸» (mojibake), and read as UTF-8 it would
    lose the bytes.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _Decoded("UTF-16", data.decode("utf-16"))
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: filen ser ut som UTF-16, men kan ikke leses som det."
            ) from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _Decoded("UTF-8 med BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8", None)
    if b"\x00" in data[:4096]:
        raise InputError(
            f"{path}: filen inneholder binære data og er ikke en CSV-eksport. "
            "Oppgi en CSV- eller XLSX-fil fra fagsystemet."
        )
    loose = data.decode("utf-8", errors="surrogateescape")
    if _UTF8_LETTER.search(loose):
        bad = _UNDECODABLE.search(loose)
        assert bad is not None  # strict decoding failed, so some byte did not decode
        raise InputError(
            f"{_where_in_text(path, loose, bad.start())}: filen er UTF-8, men her står et tegn "
            "i en annen tegnkoding (trolig Windows-1252). Rett tegnet, eller lagre hele filen "
            "på nytt som UTF-8."
        )
    try:
        # What Norwegian Excel writes; a superset of Latin-1's printable range.
        return _Decoded("Windows-1252", data.decode("cp1252"))
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="surrogateescape")
        raise InputError(
            f"{_where_in_text(path, text, exc.start)}: byten 0x{data[exc.start]:02X} er ikke et "
            "tegn i Windows-1252 eller UTF-8. Rett tegnet, eller ta en ny eksport."
        ) from None


def _where_in_text(path: Path, text: str, offset: int) -> str:
    """`file, rad N` for a character offset (rows as lines, any line break)."""
    row = len(_LINE_BREAK.findall(text, 0, offset)) + 1
    return f"{path}, rad {row}"


def _lines(text: str) -> list[str]:
    """Physical lines, split at CRLF, CR or LF exactly as the CSV reader does."""
    return _LINE_BREAK.split(text)


def _find_csv_header(text: str, synonyms: dict[str, str]) -> tuple[int, str, list[str]]:
    """(line index, delimiter, header cells) of the first line that looks like a header."""
    lines = _lines(text)[:HEADER_SEARCH_ROWS]
    for index, line in enumerate(lines):
        best: tuple[int, str, list[str]] | None = None
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            score = header_score(cells, synonyms)
            if score >= MIN_HEADER_SCORE and (best is None or score > best[0]):
                best = (score, delimiter, cells)
        if best:
            return index, best[1], best[2]
    return -1, "", []


class _NotUtf8(Exception):
    """A file taken for UTF-8 from its first bytes has invalid UTF-8 further on."""


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None


def _read_csv(path: Path, synonyms: dict[str, str]) -> RawTable:
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputError(f"{path} kan ikke leses ({exc.strerror}).") from None
    # A file whose first bytes are UTF-8 is taken for UTF-8: its bytes are checked in chunks
    # and Polars reads it from the path, checking the rest is UTF-8 as it reads (decoding
    # 100 MB here first would cost as much as the read, and holding them would add their
    # size to the peak memory). If it is not, the whole file decides (_decode), and it is
    # read from its text.
    head_is_utf8 = not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        head_is_utf8 = False
    if head_is_utf8:
        bom = head.startswith(codecs.BOM_UTF8)
        try:
            return _read_decoded(
                path, synonyms, head, _Decoded("UTF-8 med BOM" if bom else "UTF-8", None)
            )
        except _NotUtf8:
            pass
    data = _read_bytes(path)
    return _read_decoded(path, synonyms, data[:SAMPLE_BYTES], _decode(path, data))


def _read_decoded(path: Path, synonyms: dict[str, str], head: bytes, decoded: _Decoded) -> RawTable:
    """Read a CSV export whose encoding is decided; raises _NotUtf8 if UTF-8 turns out wrong.

    `head` is the file's first SAMPLE_BYTES; a UTF-8 file (`decoded.text` None) is read
    from its path, any other from `decoded.text`.
    """
    encoding = decoded.encoding

    def whole_text() -> str:
        return decoded.text if decoded.text is not None else _utf8(_read_bytes(path))

    if decoded.text is None:
        sample = head.decode("utf-8", errors="ignore")
    else:
        sample = decoded.text[:SAMPLE_BYTES]
    sample = sample.lstrip("\ufeff")
    if not sample.strip():
        raise InputError(f"{path} er tom. Ta en ny eksport fra fagsystemet.")
    header_index, delimiter, cells = _find_csv_header(sample, synonyms)
    if header_index < 0:
        raise InputError(
            f"{path}: fant ingen overskriftsrad med kjente kolonnenavn (som Elevnr, Dato, "
            f"Fraværstype) i de første {HEADER_SEARCH_ROWS} radene. Er dette en fraværseksport? "
            "Ukjente kolonnenavn kan kobles i naervaer.toml under [import.columns]."
        )
    match = match_headers(cells, synonyms)
    width = len(cells)
    # Polars is fast but counts only LF as a line break and has its own reading of quotes;
    # a file with quotes or CR-only line breaks is read by the csv module, which tells the
    # exact line every record starts on.
    raw = None if decoded.text is None else decoded.text.encode("utf-8")
    # Polars reads a path about twice as fast as bytes: UTF-8 files go by path. The byte scan
    # runs beside the read, which lets go of the GIL and leaves part of the second core idle;
    # its answer decides whether Polars' frame is used (a file that needs the csv module is
    # rare, and then the read was only wasted time).
    source: Path | bytes = path if raw is None else raw
    failure: pl.exceptions.PolarsError | None = None
    repeated = _repeated_positions(match)

    def read(typed: bool) -> pl.DataFrame:
        overrides = [categorical() if i in repeated else pl.String for i in range(width)]
        return pl.read_csv(
            source,
            separator=delimiter,
            has_header=True,
            skip_rows=header_index,
            infer_schema=False,
            schema_overrides=overrides if typed else None,
            truncate_ragged_lines=False,
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(_scan_bytes, _file_chunks(path, head) if raw is None else [raw])
        try:
            try:
                frame = read(typed=bool(repeated))
            except pl.exceptions.PolarsError:
                # A file Polars cannot read as typed (say, a field count that differs from
                # the header's): read it as text, which fails as it always did, or reads it.
                if not repeated:
                    raise
                frame = read(typed=False)
        except pl.exceptions.PolarsError as exc:
            frame, failure = pl.DataFrame(), exc
        scan = scanning.result()
    if scan.quotes or scan.lone_cr:
        del frame
        frame, rows = _csv_records(
            path, whole_text().lstrip("\ufeff"), header_index, delimiter, width
        )
    else:
        if failure is not None:
            if decoded.text is None and "utf-8" in str(failure).lower():
                raise _NotUtf8 from None
            raise _csv_shape_error(
                path, whole_text(), header_index, delimiter, width, failure
            ) from None
        rows = None
        # Header cells can be empty or repeated; address columns by position instead.
        names = [f"c{i}" for i in range(frame.width)]
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    del raw
    table = _table(
        path,
        frame,
        match,
        header_index,
        file_format="CSV",
        encoding=encoding,
        delimiter=delimiter,
        rows=rows,
        may_have_controls=scan.may_have_controls,
    )
    if table.frame.height == 0:
        _refuse_unread_lines(path, whole_text().lstrip("\ufeff"), header_index, delimiter)
    return table


def _csv_records(
    path: Path, text: str, header_index: int, delimiter: str, width: int
) -> tuple[pl.DataFrame, list[int]]:
    """The records after the header as `c<position>` columns, and the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    rows: list[int] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if line <= header_index + 1:
                continue
            if len(record) > width:
                raise _too_many_fields(path, line, len(record), width, delimiter)
            for i, column in enumerate(columns):
                value = record[i] if i < len(record) else ""
                column.append(value if value != "" else None)
            rows.append(line)
    except csv.Error as exc:
        raise InputError(
            f"{path}, rad {start}: CSV-raden kan ikke leses ({exc}). Sjekk anførselstegnene "
            "i raden."
        ) from None
    frame = pl.DataFrame(
        {f"c{i}": column for i, column in enumerate(columns)},
        schema={f"c{i}": pl.String for i in range(width)},
    )
    return frame, rows


def _refuse_unread_lines(path: Path, text: str, header_index: int, delimiter: str) -> None:
    """A file with something written below the header must give rows; say where if not."""
    for number, line in enumerate(_lines(text)[header_index + 1 :], start=header_index + 2):
        if line.replace(delimiter, "").strip():
            raise InputError(
                f"{path}, rad {number}: raden ble ikke lest som en fraværsrad, og filen ga 0 "
                "rader. Sjekk linjeskift og skilletegn, eller lagre eksporten på nytt som CSV."
            )


def _too_many_fields(path: Path, row: int, count: int, width: int, delimiter: str) -> InputError:
    return InputError(
        f"{path}, rad {row}: raden har {count} felt, men overskriften har {width}. "
        f"Sjekk at skilletegnet ({DELIMITER_NAMES[delimiter]}) ikke står inne i en verdi "
        "uten anførselstegn."
    )


def _csv_shape_error(
    path: Path, text: str, header_index: int, delimiter: str, width: int, exc: Exception
) -> InputError:
    """Find the line with too many fields (Polars does not say which) for the message."""
    try:
        _csv_records(path, text.lstrip("\ufeff"), header_index, delimiter, width)
    except InputError as found:
        return found
    return InputError(f"{path}: CSV-filen kan ikke leses ({str(exc).splitlines()[0]}).")


# --- XLSX ---


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)


def _check_xlsx_size(path: Path, max_cells: int) -> None:
    """Refuse a workbook that would expand to more than `max_cells` cells, before loading it.

    A few hundred kilobytes of XLSX can unpack to gigabytes; the zip directory's sizes and the
    sheets' own <dimension> tell the size without unpacking anything but the first bytes.
    """
    import zipfile

    def refuse(what: str) -> InputError:
        return InputError(
            f"{path}: regnearket er for stort ({what}; grensen er {_thousands(max_cells)} "
            "celler). Ta ut en kortere periode, eller øk grensen med [import] max_xlsx_cells "
            "i naervaer.toml."
        )

    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [
                info
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            ]
            unpacked = sum(
                info.file_size for info in archive.infolist() if info.filename.startswith("xl/")
            )
            if unpacked > max_cells * XLSX_BYTES_PER_CELL:
                raise refuse(f"{unpacked / 1_000_000:.1f} MB utpakket".replace(".", ","))
            for info in sheets:
                with archive.open(info) as fh:
                    head = fh.read(4096)
                found = _DIMENSION.search(head)
                if found:
                    cells = _dimension_cells(*found.groups())
                    if cells > max_cells:
                        raise refuse(f"{_thousands(cells)} celler i ett ark")
    except InputError:
        raise
    except Exception:  # zipfile raises many types for corrupt archives
        raise InputError(
            f"{path} kan ikke leses som XLSX: filen er skadet eller avkortet. "
            "Ta en ny eksport, eller åpne og lagre den på nytt i Excel/LibreOffice."
        ) from None


def _thousands(number: int) -> str:
    """5 000 000, the Norwegian way (a space between thousands)."""
    return f"{number:,}".replace(",", " ")


def _dimension_cells(
    first_col: bytes, first_row: bytes, last_col: bytes | None, last_row: bytes | None
) -> int:
    def column(letters: bytes) -> int:
        number = 0
        for letter in letters:
            number = number * 26 + letter - 64
        return number

    if last_col is None or last_row is None:
        return 1
    rows = abs(int(last_row) - int(first_row)) + 1
    columns = abs(column(last_col) - column(first_col)) + 1
    return rows * columns


def _read_xlsx(path: Path, synonyms: dict[str, str], sheet: str | int | None) -> RawTable:
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        names = reader.sheet_names
    except Exception:  # calamine raises its own error types for corrupt archives
        raise InputError(
            f"{path} kan ikke leses som XLSX: filen er skadet eller avkortet. "
            "Ta en ny eksport, eller åpne og lagre den på nytt i Excel/LibreOffice."
        ) from None
    if sheet is None:
        chosen = names[0] if names else None
    elif isinstance(sheet, int) or str(sheet).isdigit():
        idx = int(sheet)
        chosen = names[idx] if 0 <= idx < len(names) else None
    else:
        chosen = str(sheet) if str(sheet) in names else None
    if chosen is None:
        raise InputError(
            f"{path}: fant ikke arket «{sheet}». Arkene heter: {', '.join(names)}. "
            'Velg ark med [import] sheet = "navn" i naervaer.toml.'
        )
    try:
        head = reader.load_sheet(
            chosen, header_row=None, n_rows=HEADER_SEARCH_ROWS, dtypes="string"
        ).to_polars()
    except Exception:
        raise InputError(
            f"{path}: arket «{chosen}» kan ikke leses; filen kan være skadet."
        ) from None
    header_index, cells = -1, []
    for index, row in enumerate(head.iter_rows()):
        if header_score(row, synonyms) >= MIN_HEADER_SCORE:
            header_index, cells = index, list(row)
            break
    if header_index < 0:
        raise InputError(
            f"{path}, ark «{chosen}»: fant ingen overskriftsrad med kjente kolonnenavn (som "
            f"Elevnr, Dato, Fraværstype) i de første {HEADER_SEARCH_ROWS} radene. Ukjente "
            "kolonnenavn kan kobles i naervaer.toml under [import.columns]."
        )
    while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
        cells.pop()
    match = match_headers(cells, synonyms)
    # Every column under the header, used or not, so a row with a value only in an unused
    # column is not taken for a blank one.
    positions = list(range(len(cells)))
    try:
        frame = reader.load_sheet(
            chosen,
            header_row=None,
            skip_rows=header_index + 1,
            use_columns=positions,
            dtypes="string",
            skip_whitespace_tail_rows=True,
        ).to_polars()
    except Exception:
        raise InputError(
            f"{path}: arket «{chosen}» kan ikke leses; filen kan være skadet."
        ) from None
    # fastexcel names the selected columns after their positions; give them our names.
    frame = frame.rename(dict(zip(frame.columns, [f"c{p}" for p in positions], strict=True)))
    return _table(path, frame, match, header_index, file_format="XLSX", sheet=chosen)


# --- shared ---


def _table(
    path: Path,
    frame: pl.DataFrame,
    match: HeaderMatch,
    header_index: int,
    *,
    file_format: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    rows: list[int] | None = None,
    may_have_controls: bool = True,
) -> RawTable:
    """The fields of a frame whose columns are named `c<position>`, with their row numbers.

    Rows are numbered as a spreadsheet shows them: 1-based, data from the row after the
    header (`header_index` is the header's 0-based line or sheet row), unless `rows` gives
    each record's line (a CSV record with a quoted line break spans several lines).
    """
    if rows is None:
        frame = frame.with_row_index("_row", offset=header_index + 2)
        frame = frame.with_columns(pl.col("_row").cast(pl.Int32))
    else:
        frame = frame.with_columns(_row=pl.Series(rows, dtype=pl.Int32))
    # Blank means blank in every column, read or not: a row with a value only in a column
    # no field uses is still a row, and must be read or refused, never dropped unseen.
    frame, last_blank = _drop_blank_rows(frame, [f"c{p}" for p in match.fields.values()])
    if "lesson" in match.fields:
        values = frame.get_column(f"c{match.fields['lesson']}").drop_nulls().unique()
        match = resolve_time(match, values.to_list())
    frame, skipped = _skip_summary_rows(frame, match, last_blank)
    frame = _select_fields(frame, match, frame.columns)
    return RawTable(
        path=path,
        frame=frame,
        match=match,
        header_row=header_index + 1,
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        may_have_controls=may_have_controls,
        skipped_rows=skipped,
    )


# The first cell of a sum or summary row under the table (folded, then a word boundary).
SUMMARY_WORDS = ("sum", "totalt", "total", "sammendrag", "samandrag", "antall", "tal")
_SUMMARY_CELL = re.compile(rf"(?i)^\s*(?:{'|'.join(SUMMARY_WORDS)})(?:$|[^a-zæøå])")
# What a date cell looks like (dd.mm.yyyy, ISO, an Excel serial): a row with one is a record.
_DATE_LIKE = r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|^\s*\d{5}(?:\.0+)?\s*$"
_PUPIL_FIELDS = ("pupil_id", "fnr", "name", "last_name", "first_name")


def _skip_summary_rows(
    frame: pl.DataFrame, match: HeaderMatch, last_blank: int | None
) -> tuple[pl.DataFrame, tuple[int, ...]]:
    """Leave out the rows under the table that are not records, and say which they were.

    A row is a summary row when it has neither a pupil nor a date, or when its first cell is
    a summary word (Sum, Totalt, Sammendrag, Antall) and its date cell holds no date. The
    rows after the last blank row are a trailing block (a report's footer) when none of
    them has both a pupil and a date. A row with a pupil and a date is always a record, so
    a pupil called «Sum» is still read.
    """
    cells = [c for c in frame.columns if c != "_row"]
    date = f"c{match.fields['date']}" if "date" in match.fields else None
    pupils = [f"c{match.fields[f]}" for f in _PUPIL_FIELDS if f in match.fields]
    if date is None or not pupils or frame.height == 0:
        return frame, ()

    def blank(name: str) -> pl.Expr:
        return pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")

    schema = frame.schema

    def may_be_blank(name: str) -> pl.Expr:
        # Stripping a million cells costs more than the rest; only a padded one needs it.
        col = pl.col(name)
        if is_categorical(schema[name]):
            return col.is_null() | col.cat.starts_with(" ")
        return col.is_null() | col.str.starts_with(" ")

    no_pupil = pl.all_horizontal(blank(c) for c in pupils)
    # A cheap pass finds the few rows that may be summaries; only they are looked at closely.
    # A first cell that starts with a digit (a pupil number, a date) is no summary word, and
    # comparing is far cheaper than the regex, which then runs only on the other cells.
    # A Categorical column none of whose values is a summary word cannot give a row a summary
    # first cell: leaving it out only makes more rows candidates, and saves reading it as text.
    scanned = [
        c
        for c in cells
        if not is_categorical(schema[c])
        or categories(frame.get_column(c)).str.contains(_SUMMARY_CELL.pattern).any()
    ]
    first = pl.coalesce([pl.col(c).cast(pl.String) for c in scanned] or [pl.lit(None, pl.String)])
    digit = first.is_between(pl.lit("0"), pl.lit(":"), closed="left")
    # Without `_row`: its one chunk against the reader's many would make the select copy
    # every column into line first.
    maybe = (
        frame.drop("_row")
        .select(
            (
                pl.all_horizontal(may_be_blank(c) for c in pupils)
                | may_be_blank(date)
                | pl.when(~digit).then(first).str.contains(_SUMMARY_CELL.pattern)
            )
            .fill_null(False)
            .alias("maybe")
        )
        .to_series()
    )
    has_block = last_blank is not None
    if not maybe.any() and not has_block:
        return frame, ()
    candidates = frame.filter(maybe | (pl.col("_row") > (last_blank or 0))).with_columns(
        pl.col(c).cast(pl.String) for c in cells if is_categorical(schema[c])
    )
    dated = pl.col(date).str.contains(_DATE_LIKE).fill_null(False)
    summary = candidates.select(
        "_row",
        skip=(no_pupil & blank(date)).fill_null(False)
        | (pl.coalesce(cells).str.contains(_SUMMARY_CELL.pattern).fill_null(False) & ~dated),
        record=(~no_pupil & dated).fill_null(False),
        after=pl.col("_row") > (last_blank or 0),
    )
    block = summary.filter(pl.col("after"))
    skip = summary.filter(pl.col("skip")).get_column("_row")
    if has_block and not block.is_empty() and not block.get_column("record").any():
        # A footer after a blank row: all of it, data-free by the test above.
        skip = pl.concat([skip, block.get_column("_row")]).unique()
    if skip.is_empty():
        return frame, ()
    rows = tuple(skip.sort().to_list())
    return frame.filter(~pl.col("_row").is_in(skip.implode())), rows


def _select_fields(frame: pl.DataFrame, match: HeaderMatch, names: list[str]) -> pl.DataFrame:
    present = set(names)
    # Values stay as written; normalize strips and parses each distinct value once.
    exprs = [
        pl.col(f"c{pos}").alias(field)
        for field, pos in match.fields.items()
        if f"c{pos}" in present
    ]
    grid = [
        pl.col(f"c{pos}").alias(f"_grid{lesson}")
        for lesson, pos in match.grid.items()
        if f"c{pos}" in present
    ]
    return frame.select(pl.col("_row"), *exprs, *grid)


def _drop_blank_rows(frame: pl.DataFrame, first: list[str]) -> tuple[pl.DataFrame, int | None]:
    """Drop rows where every cell is empty (blank lines, Excel's formatted-but-empty rows).

    Also returns the row number of the last blank row that has a non-blank row after it,
    where a report's trailing block may start (None when there is none).
    """
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame, None
    # Cheap first: only rows whose (first field's) cell is empty can be blank.
    probe = next((c for c in first if c in cells), cells[0])
    maybe = frame.get_column(probe).is_null()
    if not maybe.any():
        return frame, None
    blank = maybe & frame.select(pl.all_horizontal(pl.col(cells).is_null())).to_series()
    if not blank.any():
        return frame, None
    kept = frame.filter(~blank)
    if kept.is_empty():
        return kept, None
    last_kept = kept.get_column("_row").max()
    blank_rows = frame.get_column("_row").filter(blank)
    before = blank_rows.filter(blank_rows < last_kept)
    return kept, (None if before.is_empty() else int(before.max()))  # type: ignore[arg-type]
