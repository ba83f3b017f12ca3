"""Import of absence exports (CSV/XLSX, however messy) into the canonical frame of schema.py.

`load_exports(paths, config, today=...)` is the one entry point: it reads every file, maps
headers and codes, checks every value, pseudonymises fødselsnummer, expands date ranges to
school days and counts a record that several files share once (dedupe.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from naervaer_cli.calendar import SchoolCalendar, calendar_from_config
from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.importer.codes import code_table
from naervaer_cli.importer.dedupe import merge_sources, occurrences
from naervaer_cli.importer.headers import synonym_table
from naervaer_cli.importer.normalize import (
    MAX_MINUTES,
    Context,
    RowProblem,
    is_attendance_log,
    normalize,
)
from naervaer_cli.importer.read import MAX_XLSX_CELLS, RawTable, read_table
from naervaer_cli.privacy import hide_fnr, pseudonym_key, write_private
from naervaer_cli.schema import empty_records

MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class FileReport:
    """What `check` tells about one file."""

    path: Path
    setting: str  # "skole" (absence export) or "barnehage" (attendance log)
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    columns: dict[str, str]  # field -> header as written
    unused_columns: tuple[str, ...]
    rows_read: int
    records: int
    problems: tuple[RowProblem, ...]
    notes: tuple[str, ...]
    repeated_rows: tuple[int, ...] = ()  # rows identical to an earlier row of the same file


@dataclass(frozen=True)
class ImportResult:
    records: pl.DataFrame
    files: tuple[FileReport, ...]
    setting: str = "skole"
    duplicates: int = 0
    rejected: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def load_exports(
    paths: Sequence[Path],
    config: Config,
    *,
    today: date,
    calendar: SchoolCalendar | None = None,
    rejects: Path | None = None,
    collect_problems: bool = False,
) -> ImportResult:
    """Read and normalise `paths` into one canonical frame.

    A row that cannot be read is an InputError (exit 2) unless `rejects` names a file, where
    such rows are then written with the reason (and reported), or `collect_problems` is set
    (for `check`, which reports every problem instead of stopping at the first). `today`
    bounds the dates an export may hold (normalize.date_limits).
    """
    if not paths:
        raise InputError("Ingen filer oppgitt. Oppgi én eller flere fraværseksporter.")
    synonyms = synonym_table(config.table("import").get("columns"))
    ctx = Context(
        codes=code_table(config.table("import").get("codes")),
        calendar=calendar or calendar_from_config(config.table("calendar"), config.where()),
        key=pseudonym_key(config.home),
        today=today,
        max_minutes=_positive(config, "max_minutes", MAX_MINUTES),
    )
    sheet = config.get("import.sheet")
    max_cells = _positive(config, "max_xlsx_cells", MAX_XLSX_CELLS)
    frames, reports, rejected_rows = [], [], []
    for path in paths:
        raw: RawTable = read_table(Path(path), synonyms, sheet, max_cells)
        result = normalize(raw, ctx)
        if result.problems and rejects is None and not collect_problems:
            raise InputError(_problem_message(raw.path, result.problems))
        rejected_rows += [(raw.path.name, p) for p in result.problems]
        frames.append(result.records)
        repeated = occurrences(result.records) > 0
        reports.append(
            FileReport(
                path=raw.path,
                setting="barnehage" if is_attendance_log(raw) else "skole",
                file_format=raw.file_format,
                encoding=raw.encoding,
                delimiter=raw.delimiter,
                sheet=raw.sheet,
                header_row=raw.header_row,
                columns={f: raw.match.header_of(f) for f in raw.match.fields},
                unused_columns=raw.match.unused,
                rows_read=result.rows_read,
                records=result.records.height,
                problems=result.problems,
                notes=result.notes,
                repeated_rows=tuple(
                    result.records.get_column("source_row").filter(repeated).unique().sort()
                ),
            )
        )
    settings = {r.setting for r in reports}
    if len(settings) > 1:
        raise InputError(
            "Filene blander barnehagelogger (Kom/Hentet) og skoleeksporter. Kjør dem hver for seg."
        )
    unique = merge_sources(frames) if frames else empty_records()
    if rejects is not None and rejected_rows:
        _write_rejects(rejects, rejected_rows)
    return ImportResult(
        records=unique,
        files=tuple(reports),
        setting=settings.pop(),
        duplicates=sum(f.height for f in frames) - unique.height,
        rejected=len(rejected_rows),
    )


def _positive(config: Config, key: str, default: int) -> int:
    """An [import] limit from the config: a whole number above 0, else the default."""
    value = config.get(f"import.{key}", default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"{config.where()}: [import] {key} skal være et helt tall større enn 0, ikke «{value}»."
        )
    return value


def _problem_message(path: Path, problems: Sequence[RowProblem]) -> str:
    first = problems[0].text(str(path))
    if len(problems) == 1:
        return first
    return (
        f"{first} ({len(problems) - 1} rader til har feil; `naervaer check {path}` viser alle, "
        "og --rejects FIL legger dem til side og leser resten.)"
    )


def _write_rejects(path: Path, rows: list[tuple[str, RowProblem]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["fil", "rad", "kolonne", "feil"])
    for file, problem in rows:
        writer.writerow([hide_fnr(file), problem.row, problem.column, problem.message])
    write_private(path, "\ufeff" + buffer.getvalue())
