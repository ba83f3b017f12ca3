"""The scan result as a table: Rich with colour on a terminal, tab-separated text when piped.

The terminal table is laid out here, not by Rich: every cell is broken into lines between
whole pieces (a flag's count, its limit, its dates; a name's words), so no word is ever
split, and a pupil takes at most `MAX_LINES` lines. Columns are dropped by priority when the
terminal is narrow (Ansvarlig first: the steps under the table name who acts).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from naervaer_cli.output import labels
from naervaer_cli.output.console import rich_console
from naervaer_cli.output.rows import TableRow, case_lines, display_rows, step_lines, table_rows
from naervaer_cli.result import ScanResult
from naervaer_cli.textsafe import safe_text

_STATUS_STYLE = {"Bekymring": "bold red", "Følg med": "yellow"}

MAX_LINES = 3  # per pupil, at any width
GAP = 2  # blanks between columns
FLAG_MIN = 30  # narrower, and a flag's count, limit and dates no longer share a line
NAME_MAX = 22  # wider names wrap between words
NAME_MIN = 10  # on a very narrow terminal names wrap down to this

# Which columns go first when the terminal is narrow (by header index in table_headers).
_DROP_ORDER: tuple[tuple[int, ...], ...] = ((), (6,), (6, 2))
_FLAGS, _NAME = 4, 1

Item = tuple[str, ...]  # pieces of text a line may break between
_SPAN = re.compile(r"\d\d\.\d\d(–\d\d\.\d\d)?")  # a flag's dates, "26.10–19.11"


def footer_lines(result: ScanResult, group: str | None = None) -> list[str]:
    """The summary line, any notes, and the guide's reminder."""
    lines = [labels.summary_line(result, group)]
    lines += not_in_export_lines(result)
    lines += [f"Merk: {note}" for note in result.notes]
    lines.append(result.talk_to_child)
    return lines


def not_in_export_lines(result: ScanResult) -> list[str]:
    """Open cases with something overdue whose pupil is not in the scanned files, by number."""
    if not result.not_in_export:
        return []
    from naervaer_cli.words import words

    found = words(result.setting)
    lines = [f"Forfalt i saksloggen, ikke i eksporten ({found.pupil_number}):"]
    lines += [
        f"  {case.pupil_id}  {case.state or f'Åpen, NIVÅ {case.level}'}"
        for case in result.not_in_export
    ]
    return lines


def legend(result: ScanResult) -> str:
    """What the numbers in «Hva slo ut» mean, so «8 dager (grense 7)» needs no guessing."""
    return (
        f"Hva slo ut: antall i vinduet {labels.window_text(result)}, veilederens grense for "
        "bekymring og første–siste dato som telte. Følg med: nærmer seg grensen, eller et "
        "tilleggssignal utenfor veilederen (grensen er da signalets egen). Prosent er andel "
        "av tiden."
    )


def under_table(result: ScanResult) -> list[str]:
    """The lines between the table and the summary: next steps, cases and due dates, legend."""
    if not result.pupils:
        return []
    out = ["Neste steg:", *(f"  {line}" for line in step_lines(result))]
    cases = case_lines(result)
    if cases:
        out += ["Saker og frister:", *(f"  {line}" for line in cases)]
    out.append(legend(result))
    return out


def _clean(text: str) -> str:
    # A tab or line break from an export would shift every later column of the line.
    return " ".join(safe_text(text).split())


def render_plain(result: ScanResult, group: str | None = None) -> str:
    """Tab-separated: a header line, then one line per pupil (for grep, cut and sort).

    The columns are the table's, with the flags joined by "; " and Sak/Frist always last, so
    a script can rely on them whatever the data holds.
    """
    headers, rows = display_rows(result, sep="; ")
    if "Sak/Frist" not in headers:
        headers.append("Sak/Frist")
        rows = [[*row, ""] for row in rows]
    return "".join("\t".join(_clean(cell) for cell in line) + "\n" for line in [headers, *rows])


# ------------------------------------------------------------------------- terminal layout


def wrap(items: Sequence[Item], width: int) -> list[str]:
    """Each item on a new line, its pieces joined by blanks and broken only between pieces."""
    lines: list[str] = []
    for parts in items:
        line = ""
        for part in parts:
            if line and len(line) + 1 + len(part) > width:
                lines.append(line)
                line = part
            else:
                line = f"{line} {part}" if line else part
        lines.append(line)
    return lines


def fit_flags(flags: Sequence[Item], width: int) -> list[str]:
    """The flags in at most MAX_LINES lines: one a line with their dates; else without the
    dates; else run on, comma after comma; else as many as fit and "+N til"."""
    lines = wrap(flags, width)
    if len(lines) <= MAX_LINES:
        return lines
    bare = [tuple(p for p in parts if not _SPAN.fullmatch(p)) for parts in flags]
    lines = wrap(bare, width)
    if len(lines) <= MAX_LINES:
        return lines
    for shown in range(len(bare), 0, -1):
        pieces = _run_on(bare[:shown])
        if shown < len(bare):
            pieces.append(f"+{len(bare) - shown} til")
        lines = wrap([tuple(pieces)], width)
        if len(lines) <= MAX_LINES:
            return lines
    return lines[:MAX_LINES]


def _run_on(flags: Sequence[Item]) -> list[str]:
    """The pieces of `flags` as one run of text, a comma after each flag but the last."""
    pieces: list[str] = []
    for parts in flags:
        if pieces:
            pieces[-1] += ","
        pieces += parts
    return pieces


def fit_list(items: Sequence[Item], width: int) -> list[str]:
    """Roles one per line, at most MAX_LINES; what is left out is counted ("+2 til")."""
    lines = wrap(items, width)
    if len(lines) <= MAX_LINES:
        return lines
    for shown in range(len(items) - 1, 0, -1):
        lines = [*wrap(items[:shown], width), f"+{len(items) - shown} til"]
        if len(lines) <= MAX_LINES:
            return lines
    return [*lines[: MAX_LINES - 1], "…"]


def fit_name(name: str, width: int) -> list[str]:
    """A name broken between words, at most MAX_LINES lines; what does not fit ends in "…"
    (a word longer than the column is cut with "…", never carried on to the next line)."""
    words = [w if len(w) <= width else w[: width - 1] + "…" for w in name.split()]
    lines = wrap([tuple(words)], width)
    if len(lines) <= MAX_LINES:
        return lines
    last = lines[MAX_LINES - 1]
    while len(last) + 2 > width and " " in last:
        last = last.rsplit(" ", 1)[0]
    last = f"{last} …" if len(last) + 2 <= width else last[: width - 1] + "…"
    return [*lines[: MAX_LINES - 1], last]


@dataclass(frozen=True)
class Layout:
    """The columns shown (indexes into the headers), their widths, and each row's cells."""

    shown: tuple[int, ...]
    widths: tuple[int, ...]
    cells: tuple[tuple[list[str], ...], ...]  # per row, per shown column: its lines


def _items(row: TableRow) -> list[list[Item]]:
    """Each column of `row` as items (a new line each) of unbreakable pieces."""
    return [
        [(row.pupil_id,)],
        [tuple(row.name.split()) or ("",)],
        [(row.group,)],
        [(row.status,)],
        list(row.flags),
        [(str(row.level),)],
        [tuple(role.split()) for role in row.responsible] or [("–",)],
    ]


def layout(headers: Sequence[str], rows: Sequence[TableRow], width: int) -> Layout:
    """Choose columns and widths so the table fits `width` and each pupil MAX_LINES lines."""
    items = [_items(row) for row in rows]
    longest_piece = [
        max([len(headers[c])] + [len(p) for r in items for it in r[c] for p in it])
        for c in range(len(headers))
    ]
    natural = [
        max([len(headers[c])] + [len(line) for r in items for line in wrap(r[c], 10_000)])
        for c in range(len(headers))
    ]
    natural[_NAME] = min(natural[_NAME], NAME_MAX)
    chosen: tuple[tuple[int, ...], list[int]] | None = None
    want = min(FLAG_MIN, natural[_FLAGS])
    for dropped in _DROP_ORDER:
        shown = tuple(c for c in range(len(headers)) if c not in dropped)
        widths = [natural[c] for c in shown]
        flag_at, name_at = shown.index(_FLAGS), shown.index(_NAME)
        rest = width - GAP * (len(shown) - 1) - sum(w for i, w in enumerate(widths) if i != flag_at)
        if rest < want:
            # names wrap (down to NAME_MIN) before a column goes
            spare = min(max(0, widths[name_at] - NAME_MIN), want - rest)
            widths[name_at] -= spare
            rest += spare
        widths[flag_at] = max(min(natural[_FLAGS], rest), longest_piece[_FLAGS])
        chosen = (shown, widths)
        if rest >= want:
            break
    assert chosen is not None
    shown, widths = chosen
    cells = []
    for row_items in items:
        row_cells = []
        for at, column in enumerate(shown):
            w = widths[at]
            if column == _FLAGS:
                row_cells.append(fit_flags(row_items[column], w))
            elif column == _NAME:
                row_cells.append(fit_name(" ".join(row_items[column][0]), w))
            else:
                row_cells.append(fit_list(row_items[column], w))
        cells.append(tuple(row_cells))
    return Layout(shown, tuple(widths), tuple(cells))


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
    from rich.table import Table
    from rich.text import Text

    console = rich_console(file, width, color)
    rows = table_rows(result)
    if rows:
        from naervaer_cli.output.rows import table_headers

        headers = table_headers(result.setting)
        plan = layout(headers, rows, console.width)
        # Right padding 1 and the blank of the SIMPLE_HEAD box make the GAP of 2.
        table = Table(
            box=box.SIMPLE_HEAD,
            header_style="bold",
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
        )
        for column, w in zip(plan.shown, plan.widths, strict=True):
            table.add_column(
                headers[column],
                width=w,
                no_wrap=True,
                overflow="ellipsis",
                justify="right" if headers[column] == "NIVÅ" else "left",
            )
        status_at = plan.shown.index(3)
        for row, cells in zip(rows, plan.cells, strict=True):
            # Names and groups come from an export: no escape sequence reaches the terminal.
            texts = [Text(safe_text("\n".join(lines))) for lines in cells]
            # colour the status cell only; the rest stays readable on any background
            texts[status_at].stylize(_STATUS_STYLE.get(row.status, ""))
            table.add_row(*texts)
        console.print(table)
        from rich.padding import Padding

        for line in under_table(result):
            # an indented line keeps its indent when it wraps
            indent = len(line) - len(line.lstrip(" "))
            line = safe_text(line)
            console.print(Padding(Text(line.lstrip(" ")), (0, 0, 0, indent)) if indent else line)
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
