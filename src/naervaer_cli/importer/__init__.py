"""Import of absence exports (CSV/XLSX, however messy) into the canonical frame of schema.py.

`load_exports(paths, config, today=...)` is the one entry point: it reads every file, maps
headers and codes, checks every value, pseudonymises fødselsnummer, expands date ranges to
school days and counts a record that several files share once (dedupe.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path

import polars as pl

from naervaer_cli.calendar import SchoolCalendar, calendar_from_config
from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.importer.codes import (
    CodeTable,
    Derived,
    UnknownCode,
    code_table,
    merge_unknown,
    unknown_codes_message,
)
from naervaer_cli.importer.dedupe import merge_sources, repeated_rows
from naervaer_cli.importer.grid import grid_span
from naervaer_cli.importer.headers import synonym_table
from naervaer_cli.importer.normalize import (
    MAX_MINUTES,
    Context,
    Normalized,
    RowProblem,
    is_attendance_log,
    normalize,
)
from naervaer_cli.importer.read import MAX_XLSX_CELLS, RawTable, read_table
from naervaer_cli.privacy import hide_fnr, pseudonym_key, write_private
from naervaer_cli.schema import empty_records
from naervaer_cli.vocabulary import (
    STANDARD,
    Choice,
    Vocabulary,
    choose_vocabulary,
    load_vocabulary,
)

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
    # Rows identical to an earlier row of the same file; found for `check` (collect_problems).
    repeated_rows: tuple[int, ...] = ()
    vocabulary: Choice | None = None
    unknown_codes: tuple[UnknownCode, ...] = ()
    derived_codes: tuple[Derived, ...] = ()
    code_counts: tuple[tuple[str, str | None, int], ...] = ()  # (code, kind, rows)
    skipped_rows: tuple[int, ...] = ()  # sum and summary rows under the table, not read
    warnings: tuple[str, ...] = ()  # what makes a number less than exact (also in scan notes)


@dataclass(frozen=True)
class ImportResult:
    records: pl.DataFrame
    files: tuple[FileReport, ...]
    setting: str = "skole"
    duplicates: int = 0
    rejected: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Every subject the records hold, and maybe more (Normalized.subjects).
    subjects: frozenset[str] = frozenset()


def load_exports(
    paths: Sequence[Path],
    config: Config,
    *,
    today: date,
    calendar: SchoolCalendar | None = None,
    rejects: Path | None = None,
    collect_problems: bool = False,
    vocabulary: str | None = None,
    lesson_minutes: int | None = None,
) -> ImportResult:
    """Read and normalise `paths` into one canonical frame.

    A row that cannot be read is an InputError (exit 2) unless `rejects` names a file, where
    such rows are then written with the reason (and reported), or `collect_problems` is set
    (for `check`, which reports every problem instead of stopping at the first). `today`
    bounds the dates an export may hold (normalize.date_limits). `lesson_minutes` is the
    policy's lesson length; without it the configured policy is read when a file needs it.
    `vocabulary` (--vocabulary) goes before `[import] vocabulary`; without either, a file's
    headers may choose one (vocabulary.py). Unknown codes in any file are one InputError
    naming them all.
    """
    if not paths:
        raise InputError("Ingen filer oppgitt. Oppgi én eller flere fraværseksporter.")
    reader = Reader(config, vocabulary)
    ctx = Context(
        codes=reader.codes(load_vocabulary(STANDARD)),
        calendar=calendar or calendar_from_config(config.table("calendar"), config.where()),
        key=pseudonym_key(config.home),
        today=today,
        max_minutes=_positive(config, "max_minutes", MAX_MINUTES),
        count_codes=collect_problems,
        lesson_times=lesson_times(config),
        lesson_minutes=functools.cache(lambda: lesson_minutes or _policy_lesson_minutes(config)),
    )
    frames, reports, rejected_rows, failed = [], [], [], []
    subjects: set[str] = set()
    for path in paths:
        raw, choice = reader.read(Path(path))
        result = normalize(raw, replace(ctx, codes=reader.codes(choice.vocabulary)))
        if result.needs and not collect_problems:
            raise InputError(_needs_message(raw.path, result.needs, result.problems))
        if result.problems and rejects is None and not collect_problems:
            failed.append((raw.path, result, choice.vocabulary))
        rejected_rows += [(raw.path.name, p) for p in result.problems]
        columns = {f: raw.match.header_of(f) for f in raw.match.fields}
        if raw.match.grid:
            columns["lesson"] = columns["code"] = grid_span(raw.match)
        frames.append(result.records)
        subjects.update(result.subjects)
        # Only `check` (collect_problems) shows them, and finding them hashes every record.
        repeated = repeated_rows(result.records) if collect_problems else ()
        reports.append(
            FileReport(
                path=raw.path,
                setting="barnehage" if is_attendance_log(raw) else "skole",
                file_format=raw.file_format,
                encoding=raw.encoding,
                delimiter=raw.delimiter,
                sheet=raw.sheet,
                header_row=raw.header_row,
                columns=columns,
                unused_columns=raw.match.unused,
                rows_read=result.rows_read + len(raw.skipped_rows),
                records=result.records.height,
                problems=result.needs + result.problems,
                notes=result.notes,
                repeated_rows=repeated,
                vocabulary=choice,
                unknown_codes=result.unknown_codes,
                derived_codes=result.derived_codes,
                code_counts=result.code_counts,
                skipped_rows=raw.skipped_rows,
                warnings=result.warnings,
            )
        )
    if failed:
        raise InputError(_failure_message(failed))
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
        notes=(*_vocabulary_notes(reports), *(w for r in reports for w in r.warnings)),
        subjects=frozenset(subjects),
    )


class Reader:
    """Reads each file with the synonyms and codes of its vocabulary (chosen or detected)."""

    def __init__(self, config: Config, vocabulary: str | None) -> None:
        imported = config.table("import")
        self.config = config
        self.name = vocabulary or config.get("import.vocabulary", None)
        if self.name:
            load_vocabulary(self.name)  # an unknown name is an error before any file is read
        self.columns = imported.get("columns") or {}
        for name, names in self.columns.items():
            if "?" in ([names] if isinstance(names, str) else list(names)):
                raise config.fail(
                    ("import", "columns", name),
                    "er ikke fylt ut («?»). Skriv kolonnenavnet slik eksporten skriver det, "
                    "eller fjern linjen.",
                )
        self.sheet = config.get("import.sheet")
        self.max_cells = _positive(config, "max_xlsx_cells", MAX_XLSX_CELLS)
        self._codes: dict[str, CodeTable] = {}

    def synonyms(self, vocabulary: Vocabulary) -> dict[str, str]:
        """The header table: shipped synonyms, the vocabulary's, then the config's."""
        merged: dict[str, list[str]] = {f: list(n) for f, n in vocabulary.columns.items()}
        for key, names in self.columns.items():
            merged.setdefault(key, []).extend([names] if isinstance(names, str) else names)
        return synonym_table(merged)

    def codes(self, vocabulary: Vocabulary) -> CodeTable:
        if vocabulary.name not in self._codes:
            self._codes[vocabulary.name] = code_table(
                vocabulary,
                self.config.table("import").get("codes"),
                lambda code: self.config.where(("import", "codes", code)),
            )
        return self._codes[vocabulary.name]

    def read(self, path: Path) -> tuple[RawTable, Choice]:
        """The raw table and the vocabulary it is read with; a detected vocabulary with its
        own header names reads the file again with them."""
        first = load_vocabulary(self.name or STANDARD)
        raw = read_table(path, self.synonyms(first), self.sheet, self.max_cells)
        choice = choose_vocabulary(self.name, raw.match.headers)
        if choice.vocabulary.columns != first.columns:
            raw = read_table(path, self.synonyms(choice.vocabulary), self.sheet, self.max_cells)
        return raw, choice


def _failure_message(failed: list[tuple[Path, Normalized, Vocabulary]]) -> str:
    """Every unknown code of every file in one message; else the first bad row."""
    unknown = merge_unknown(u for _, result, _ in failed for u in result.unknown_codes)
    if not unknown:
        path, result, _ = failed[0]
        return _problem_message(path, result.problems)
    message = unknown_codes_message(unknown, failed[0][2])
    others = sum(1 for _, r, _ in failed for p in r.problems if not p.unknown_code)
    if others:
        files = " ".join(str(path) for path, _, _ in failed)
        message += (
            f"\nI tillegg har {others} rad(er) andre feil; `naervaer check {files}` viser alle."
        )
    return message


def _vocabulary_notes(reports: Sequence[FileReport]) -> tuple[str, ...]:
    """Which vendor vocabulary the files were read with (standard needs no note)."""
    notes: list[str] = []
    for report in reports:
        choice = report.vocabulary
        if choice is None or choice.vocabulary.name == STANDARD:
            continue
        note = choice.note()
        if len(reports) > 1 and choice.reason == "gjenkjent":
            note = f"{report.path.name}: {note}"
        if note not in notes:
            notes.append(note)
    return tuple(notes)


def _positive(config: Config, key: str, default: int) -> int:
    """An [import] limit from the config: a whole number above 0, else the default."""
    value = config.get(f"import.{key}", default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"{config.where()}: [import] {key} skal være et helt tall større enn 0, ikke «{value}»."
        )
    return value


# What to write in [import] lesson_times: said by the «?» error and `check --suggest-config`.
LESSON_TIMES_HELP = (
    'skriv klokkeslettene for time 1, 2, 3 … i rekkefølge, f.eks. ["08:30-09:15", "09:25-10:10"]'
)
_LESSON_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")


def lesson_times(config: Config) -> tuple[tuple[time, time], ...] | None:
    """`[import] lesson_times` as (start, end) per lesson, checked; None when not set.

    Each entry is «TT:MM-TT:MM» (also with «.» or an en dash), ends after it starts, and
    starts no earlier than the lesson before it ends.
    """
    entries = config.get("import.lesson_times")
    if entries is None:
        return None
    if not entries:
        raise config.fail("import.lesson_times", "er tom; oppgi klokkeslettene for hver time.")
    if "?" in entries:  # pasted from `check --suggest-config` and not filled in
        raise config.fail("import.lesson_times", f"er ikke fylt ut («?»); {LESSON_TIMES_HELP}.")
    times: list[tuple[time, time]] = []
    for number, entry in enumerate(entries, start=1):
        found = _LESSON_TIME.match(entry)
        try:
            start, end = (
                (time(int(found[1]), int(found[2])), time(int(found[3]), int(found[4])))
                if found
                else (None, None)
            )
        except ValueError:
            start = end = None
        if start is None or end is None:
            raise config.fail(
                "import.lesson_times",
                f'time {number} «{entry}» er ikke et tidsrom; skriv det som "08:30-09:15".',
            )
        if end <= start:
            raise config.fail(
                "import.lesson_times", f"time {number} «{entry}» slutter før den begynner."
            )
        if times and start < times[-1][1]:
            raise config.fail(
                "import.lesson_times",
                f"time {number} «{entry}» begynner før time {number - 1} slutter; oppgi "
                "timene i rekkefølge.",
            )
        times.append((start, end))
    return tuple(times)


def _policy_lesson_minutes(config: Config) -> int:
    """The configured policy's lesson length (school.lesson_minutes)."""
    from naervaer_cli.policy import load_policy

    name = config.setting(None, "NAERVAER_POLICY", "policy", None)
    return load_policy(name).school.lesson_minutes


def _needs_message(path: Path, needs: Sequence[RowProblem], problems: Sequence[RowProblem]) -> str:
    """Everything the config must add, and the rows' own problems, in one message."""
    text = " ".join(n.text(str(path)) for n in needs)
    if problems:
        text += " Dessuten: " + _problem_message(path, problems)
    return text


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
