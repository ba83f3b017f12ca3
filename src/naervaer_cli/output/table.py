"""The scan result as a table: Rich with colour on a terminal, aligned plain text when piped."""

from __future__ import annotations

import io
from typing import IO

from naervaer_cli.output import labels
from naervaer_cli.output.rows import display_rows
from naervaer_cli.result import ScanResult
from naervaer_cli.textsafe import safe_text

_STATUS_STYLE = {"Bekymring": "bold red", "Følg med": "yellow"}


def footer_lines(result: ScanResult, group: str | None = None) -> list[str]:
    """The summary line, any notes, and the guide's reminder."""
    lines = [labels.summary_line(result, group)]
    lines += [f"Merk: {note}" for note in result.notes]
    lines.append(result.talk_to_child)
    return lines


def render_plain(result: ScanResult, group: str | None = None) -> str:
    """Aligned columns, one line per pupil (easy to grep), then the summary.

    The last column (Neste steg, or Sak/Frist) is not padded, so no line carries trailing
    blanks.
    """
    headers, rows = display_rows(result)
    out: list[str] = []
    if rows:
        widths = [max(len(str(cell)) for cell in col) for col in zip(headers, *rows, strict=True)]

        def line(cells: list[str]) -> str:
            padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
            return "  ".join([*padded, cells[-1]]).rstrip()

        out.append(line(headers))
        out.append(line(["-" * w for w in widths]))
        out += [line(row) for row in rows]
        out.append("")
    out += footer_lines(result, group)
    return "\n".join(out) + "\n"


def print_rich(
    result: ScanResult,
    file: IO[str],
    *,
    group: str | None = None,
    width: int | None = None,
    color: bool = True,
) -> None:
    """Print the Rich table to `file` (a terminal, or a buffer in tests)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=file,
        width=width,
        force_terminal=color or None,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    # One flag and one role per line: short cells that wrap nowhere odd.
    headers, rows = display_rows(result, sep="\n")
    if rows:
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, pad_edge=False)
        for header in headers:
            # Too wide for the terminal: Rich narrows the widest wrapping columns first, which
            # is Neste steg, so the short columns stay on one line.
            table.add_column(
                header,
                overflow="fold",
                no_wrap=header in ("Gruppe", "Status", "NIVÅ"),
                justify="right" if header == "NIVÅ" else "left",
            )
        for row in rows:
            # colour the status cell only; the rest stays readable on any background
            cells = [Text(safe_text(cell)) for cell in row]
            cells[2].stylize(_STATUS_STYLE.get(row[2], ""))
            table.add_row(*cells)
        console.print(table)
        console.print()
    lines = footer_lines(result, group)
    for text in lines[:-1]:
        console.print(safe_text(text))
    console.print(safe_text(lines[-1]), style="bold")


def render_rich(
    result: ScanResult, *, group: str | None = None, width: int = 120, color: bool = False
) -> str:
    """The Rich table as text at a fixed width (for tests and for files)."""
    buffer = io.StringIO()
    print_rich(result, buffer, group=group, width=width, color=color)
    return buffer.getvalue()
