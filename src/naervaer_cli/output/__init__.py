"""Output formats for the scan result: one enum, one `render`, one `write`.

| format | what                                                         |
|--------|--------------------------------------------------------------|
| table  | Rich table on a terminal, aligned plain text when piped/file |
| json   | the §10 contract, exactly `naervaer_cli.result.to_json`      |
| csv    | one row per pupil, UTF-8 with BOM and `;` (Norwegian Excel)  |
| xlsx   | workbook: per pupil, per flag date, and an «Om» sheet        |
| md     | Markdown table and summary                                   |
| html   | one self-contained page: table, details, filter, print CSS   |

Every file written here holds personal data and gets mode 0600.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TextIO, assert_never

from naervaer_cli.errors import UsageError
from naervaer_cli.result import ScanResult


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    html = "html"


def render(result: ScanResult, fmt: Format, *, group: str | None = None) -> str | bytes:
    """The result in `fmt` as text (bytes for XLSX); the table is the plain-text form."""
    match fmt:
        case Format.table:
            from naervaer_cli.output.table import render_plain

            return render_plain(result, group)
        case Format.json:
            from naervaer_cli.output.json_out import render_json

            return render_json(result)
        case Format.csv:
            from naervaer_cli.output.csv_out import render_csv

            return render_csv(result)
        case Format.xlsx:
            from naervaer_cli.output.xlsx_out import render_xlsx

            return render_xlsx(result, group)
        case Format.md:
            from naervaer_cli.output.md import render_md

            return render_md(result, group)
        case Format.html:
            from naervaer_cli.output.html import render_html

            return render_html(result, group)
        case _:
            assert_never(fmt)


def write(
    result: ScanResult,
    fmt: Format,
    output: Path | None = None,
    *,
    stdout: TextIO | None = None,
    terminal: bool = False,
    width: int | None = None,
    group: str | None = None,
) -> None:
    """Write to `output` (mode 0600), or to stdout: Rich for a table on a terminal.

    Whether stdout is a `terminal` (and its `width`) is the caller's to say: the CLI's
    environment knows, the core never asks the stream.
    """
    stream: TextIO = stdout if stdout is not None else sys.stdout
    if output is None and fmt is Format.table and terminal:
        from naervaer_cli.output.table import print_rich

        print_rich(result, stream, group=group, width=width)
        return
    data = render(result, fmt, group=group)
    deliver(data, output, stream, terminal=terminal, binary=fmt is Format.xlsx)


def deliver(
    data: str | bytes,
    output: Path | None,
    stream: TextIO,
    *,
    terminal: bool,
    binary: bool = False,
) -> None:
    """Write rendered `data` to `output` (mode 0600), or to `stream`; text (str, or UTF-8
    bytes unless `binary`) without control characters or escape sequences.

    Binary data (XLSX) never goes to a terminal. Text with its own CRLF (CSV) goes out as
    bytes where the stream allows, so Windows' text stdout cannot make it \\r\\r\\n.
    """
    from naervaer_cli.errors import os_failure
    from naervaer_cli.privacy import write_private
    from naervaer_cli.textsafe import safe_utf8

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not binary:
        raw = safe_utf8(raw)  # defence in depth: the importer strips these already
    if output is not None:
        try:
            write_private(output, raw)
        except OSError as exc:
            raise os_failure(exc, output) or UsageError(
                f"Kan ikke skrive {output} ({exc.strerror}). Velg en annen fil med --output."
            ) from None
        return
    if binary and terminal:
        raise UsageError("XLSX kan ikke skrives til terminalen; bruk --output FIL.xlsx.")
    if (binary or b"\r\n" in raw) and hasattr(stream, "buffer"):
        stream.flush()
        stream.buffer.write(raw)
        stream.buffer.flush()
    else:
        stream.write(raw.decode("utf-8"))


STDOUT = "-"


def output_target(
    path: Path | None, option: str, *, folder: bool = False, stdout: bool = True
) -> Path | None:
    """Check a path given to --output, --out, --rejects or --dry-run before any work is done.

    A regular file (a folder, with `folder`) or a new path is accepted; a device, a FIFO or a
    socket is refused and left as it is. `-` means standard output (None) where `stdout`
    allows it.
    """
    from naervaer_cli.privacy import check_file_target, check_folder_target

    if path is None:
        return None
    if str(path) == STDOUT:
        if stdout and not folder:
            return None
        wanted = "en mappe" if folder else "en fil"
        raise UsageError(f"{option} -: standard ut kan ikke brukes her; oppgi {wanted}.")
    try:
        (check_folder_target if folder else check_file_target)(path)
    except UsageError as exc:
        raise UsageError(f"{option}: {exc}") from None
    return path
