"""Reading an export file into a raw frame: encoding, delimiter, sheet and header row found.

The raw frame has one String column per matched field (named by the field) plus `_row`, the
row number a spreadsheet program shows for that record. Nothing is typed yet; see normalize.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from naervaer_cli.errors import InputError
from naervaer_cli.importer.headers import HeaderMatch, header_score, match_headers

HEADER_SEARCH_ROWS = 50
MIN_HEADER_SCORE = 3
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator"}
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RawTable:
    """What was read from one file, before any value is interpreted."""

    path: Path
    frame: pl.DataFrame  # field columns (String) + `_row` (Int32)
    match: HeaderMatch
    header_row: int  # 1-based, as a spreadsheet shows it
    file_format: str  # "CSV" or "XLSX"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_table(path: Path, synonyms: dict[str, str], sheet: str | int | None = None) -> RawTable:
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
        return _read_xlsx(path, synonyms, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise InputError(
            f"{path} heter {path.suffix} men er ikke et regneark i XLSX-format. "
            "Lagre eksporten på nytt som Excel-arbeidsbok (.xlsx) eller CSV."
        )
    return _read_csv(path, synonyms)


# --- CSV -------------------------------------------------------------------------------


SAMPLE_BYTES = 256 * 1024


def _sniff_encoding(head: bytes) -> str:
    """The encoding of a CSV export, judged from its first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    try:
        # Incremental: a character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "UTF-8 med BOM" if head.startswith(codecs.BOM_UTF8) else "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in head[:4096]:
        raise InputError(
            "filen inneholder binære data og er ikke en CSV-eksport. "
            "Oppgi en CSV- eller XLSX-fil fra fagsystemet."
        )
    # What Norwegian Excel writes; a superset of Latin-1's printable range.
    return "Windows-1252"


def _as_utf8(path: Path, encoding: str) -> bytes:
    """The whole file re-encoded as UTF-8, for the encodings Polars cannot read itself."""
    data = path.read_bytes()
    if encoding == "UTF-16":
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: filen ser ut som UTF-16, men kan ikke leses som det."
            ) from None
    return data.decode("cp1252", errors="replace").encode("utf-8")


def _find_csv_header(text: str, synonyms: dict[str, str]) -> tuple[int, str, list[str]]:
    """(line index, delimiter, header cells) of the first line that looks like a header."""
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    for index, line in enumerate(lines):
        best: tuple[int, str, list[str]] | None = None
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = next(csv.reader([line], delimiter=delimiter))
            score = header_score(cells, synonyms)
            if score >= MIN_HEADER_SCORE and (best is None or score > best[0]):
                best = (score, delimiter, cells)
        if best:
            return index, best[1], best[2]
    return -1, "", []


def _read_csv(path: Path, synonyms: dict[str, str]) -> RawTable:
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    try:
        encoding = _sniff_encoding(head)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    # Polars reads UTF-8 itself, and a path about twice as fast as bytes: only other
    # encodings are decoded here.
    source: Path | bytes = path
    if not encoding.startswith("UTF-8"):
        source = _as_utf8(path, encoding)
        head = source[:SAMPLE_BYTES]
    sample = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
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

    def read(source: Path | bytes) -> pl.DataFrame:
        return pl.read_csv(
            source,
            separator=delimiter,
            has_header=True,
            skip_rows=header_index,
            infer_schema=False,
            truncate_ragged_lines=False,
        )

    try:
        try:
            frame = read(source)
        except pl.exceptions.ComputeError as exc:
            if source is not path or "utf-8" not in str(exc).lower():
                raise
            # Non-UTF-8 bytes after the sample: the file is Windows-1252 after all.
            encoding, source = "Windows-1252", _as_utf8(path, "Windows-1252")
            frame = read(source)
    except pl.exceptions.ComputeError as exc:
        raise _csv_shape_error(path, encoding, header_index, delimiter, width, exc) from None
    # Header cells can be empty or repeated; address columns by position instead.
    names = [f"c{i}" for i in range(frame.width)]
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    return _table(
        path,
        frame,
        match,
        header_index,
        file_format="CSV",
        encoding=encoding,
        delimiter=delimiter,
    )


def _csv_shape_error(
    path: Path, encoding: str, header_index: int, delimiter: str, width: int, exc: Exception
) -> InputError:
    """Find the line with too many fields (Polars does not say which) for the message."""
    text = (
        path.read_bytes().decode("utf-8-sig", errors="replace")
        if encoding.startswith("UTF-8")
        else _as_utf8(path, encoding).decode("utf-8")
    )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for number, row in enumerate(reader, start=1):
        if number > header_index + 1 and len(row) > width:
            return InputError(
                f"{path}, rad {number}: raden har {len(row)} felt, men overskriften har {width}. "
                f"Sjekk at skilletegnet ({DELIMITER_NAMES[delimiter]}) ikke står inne i en verdi "
                "uten anførselstegn."
            )
    return InputError(f"{path}: CSV-filen kan ikke leses ({str(exc).splitlines()[0]}).")


# --- XLSX ------------------------------------------------------------------------------


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
    try:
        frame = reader.load_sheet(
            chosen,
            header_row=None,
            skip_rows=header_index + 1,
            use_columns=sorted(match.fields.values()),
            dtypes="string",
            skip_whitespace_tail_rows=True,
        ).to_polars()
    except Exception:
        raise InputError(
            f"{path}: arket «{chosen}» kan ikke leses; filen kan være skadet."
        ) from None
    # fastexcel names the selected columns after their positions; give them our names.
    positions = sorted(match.fields.values())
    frame = frame.rename(dict(zip(frame.columns, [f"c{p}" for p in positions], strict=True)))
    return _table(path, frame, match, header_index, file_format="XLSX", sheet=chosen)


# --- shared ----------------------------------------------------------------------------


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
) -> RawTable:
    """The fields of a frame whose columns are named `c<position>`, with their row numbers.

    Rows are numbered as a spreadsheet shows them: 1-based, data from the row after the
    header (`header_index` is the header's 0-based line or sheet row).
    """
    frame = _select_fields(frame, match, frame.columns)
    frame = frame.with_row_index("_row", offset=header_index + 2)
    frame = frame.with_columns(pl.col("_row").cast(pl.Int32))
    return RawTable(
        path=path,
        frame=_drop_blank_rows(frame),
        match=match,
        header_row=header_index + 1,
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
    )


def _select_fields(frame: pl.DataFrame, match: HeaderMatch, names: list[str]) -> pl.DataFrame:
    present = set(names)
    # Values stay as written; normalize strips and parses each distinct value once.
    exprs = [
        pl.col(f"c{pos}").alias(field)
        for field, pos in match.fields.items()
        if f"c{pos}" in present
    ]
    return frame.select(exprs)


def _drop_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop rows where every field is empty (blank lines, Excel's formatted-but-empty rows)."""
    fields = [c for c in frame.columns if c != "_row"]
    if not fields:
        return frame
    # Cheap first: only rows whose first field is empty can be blank.
    maybe = frame.get_column(fields[0]).is_null()
    if not maybe.any():
        return frame
    blank = maybe & frame.select(pl.all_horizontal(pl.col(fields).is_null())).to_series()
    return frame.filter(~blank)
