"""A lesson grid (one row per pupil and day, a code per lesson column) as lesson records.

IST and others print absence as a grid: «1. time» … «8. time» and «Hele dagen», each cell a
code or empty. Every filled cell becomes one record of the ordinary long layout, so the rest
of the importer reads it like any other export: a lesson cell gets its lesson number (and
later its clock times from `[import] lesson_times`), the «Hele dagen» cell a whole day.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from naervaer_cli.errors import InputError
from naervaer_cli.importer.headers import HeaderMatch
from naervaer_cli.importer.read import RawTable

# The column that tells which header a long row's code came from, for messages.
HEADER_COLUMN = "_header"


def is_grid(raw: RawTable) -> bool:
    return bool(raw.match.grid)


def unpivot_grid(raw: RawTable) -> RawTable:
    """One record per filled cell of the grid, in row order (whole day first, then lessons).

    The «Hele dagen» column, when there is one, holds a code like the lesson columns; the
    result has the fields `lesson` (the number as text), `code` and `whole_day` (Ja/Nei).
    """
    match = raw.match
    if "code" in match.fields:
        raise InputError(
            f"{raw.path}, rad {raw.header_row}: filen har både timekolonner "
            f"({grid_span(match)}) og en kodekolonne («{match.header_of('code')}»). Koble bort "
            "en av dem i naervaer.toml under [import.columns]."
        )
    frame = raw.frame
    keep = [c for c in frame.columns if not c.startswith("_grid") and c != "whole_day"]
    cells: list[tuple[str, str | None, str, str]] = []  # (column, lesson, whole day, header)
    if "whole_day" in match.fields:
        cells.append(("whole_day", None, "Ja", match.header_of("whole_day")))
    for lesson, position in sorted(match.grid.items()):
        cells.append((f"_grid{lesson}", str(lesson), "Nei", match.headers[position]))
    parts = [
        frame.lazy()
        .filter(pl.col(column).str.strip_chars() != "")
        .select(
            *keep,
            code=pl.col(column),
            lesson=pl.lit(lesson, dtype=pl.String),
            whole_day=pl.lit(whole, dtype=pl.String),
            _order=pl.lit(order, dtype=pl.Int16),
            **{HEADER_COLUMN: pl.lit(header, dtype=pl.String)},
        )
        for order, (column, lesson, whole, header) in enumerate(cells)
    ]
    long = pl.concat(parts).sort("_row", "_order").drop("_order").collect()
    first = min(match.grid.values())
    fields = {f: p for f, p in match.fields.items() if f != "whole_day"}
    fields |= {"code": first, "lesson": first}
    fields["whole_day"] = match.fields.get("whole_day", first)
    long_match = HeaderMatch(fields, match.headers, match.unused, {}, match.ignored)
    return replace(raw, frame=long, match=long_match)


def grid_span(match: HeaderMatch) -> str:
    """«1. time … 8. time»: the grid's first and last lesson headers."""
    lessons = sorted(match.grid)
    first, last = match.headers[match.grid[lessons[0]]], match.headers[match.grid[lessons[-1]]]
    return f"{first} … {last}"
