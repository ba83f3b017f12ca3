"""Turning a raw export table into canonical records (schema.py), vectorised with Polars.

Every value that cannot be read becomes a row problem naming the file, the row and the
column; the caller decides whether problems are fatal (default) or rows go to a rejects file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from pathlib import Path

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import InputError
from naervaer_cli.importer.codes import (
    CodeTable,
    Derived,
    UnknownCode,
    code_key,
    derive_from_descriptions,
    merge_unknown,
)
from naervaer_cli.importer.fnr import pseudonymise_fnr
from naervaer_cli.importer.grid import HEADER_COLUMN, grid_span, is_grid, unpivot_grid
from naervaer_cli.importer.headers import LESSON_NUMBERS, SYNONYMS, HeaderMatch
from naervaer_cli.importer.read import RawTable, categorical, categories, is_categorical
from naervaer_cli.privacy import hide_fnr, keyed_hash, mask_fnr_in_text
from naervaer_cli.schema import KINDS, record_schema

_YES = ("ja", "j", "x", "1", "true", "sann", "yes", "y")
_NO = ("nei", "n", "0", "false", "usann", "no", "")
_EXCEL_EPOCH = date(1899, 12, 30)
MAX_LISTED_ROWS = 5
# Dates outside these limits are typos (2062 for 2026) or misread Excel serials: no school
# export holds them, and one of them would move the default reference date for good.
EARLIEST_DATE = date(2000, 1, 1)
FUTURE_DAYS = 366
# [import] max_minutes: no lesson or school day is longer; 1e10 or a week is a typo.
MAX_MINUTES = 600
# C0 and C1 control characters, DEL, and the bidirectional overrides that can make a name
# read backwards; terminal escape sequences go whole (ESC [ ... m), not just their ESC.
_ESCAPES = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?"
_CONTROLS = r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
# Tabs, line breaks, vertical tabs and form feeds separate words: they become one space.
_LINE_BREAKS = r"[\t\n\x0b\x0c\r]+"
_UNSAFE = rf"{_ESCAPES}|{_CONTROLS}|{_LINE_BREAKS}"
# A time range in one column: «08:30–09:15», «08.30-09.15», «8:30 - 9:15».
_TIME_RANGE = r"^\s*(\d{1,2}[:.]\d{2})\s*[-–—]\s*(\d{1,2}[:.]\d{2})\s*$"


def date_limits(today: date) -> tuple[date, date]:
    """The first and last date an export may hold, judged from `today`."""
    return EARLIEST_DATE, today + timedelta(days=FUTURE_DAYS)


@dataclass(frozen=True)
class Context:
    """What normalising needs besides the table: code map, calendar and the pseudonym key."""

    codes: CodeTable
    calendar: SchoolCalendar
    key: bytes
    today: date
    max_minutes: int = MAX_MINUTES
    # [import] lesson_times: lesson n (1-based) runs from [n-1][0] to [n-1][1]; None when
    # the config has none.
    lesson_times: tuple[tuple[time, time], ...] | None = None
    # The policy's lesson length (school.lesson_minutes), asked for only when a file has
    # lesson rows without times, so a file without them never reads the policy.
    lesson_minutes: Callable[[], int] | None = None
    count_codes: bool = False  # `check`: count the rows of every distinct code


class MissingColumns(InputError):
    """A required column is missing; carries what `check --suggest-config` needs."""

    def __init__(self, path: Path, fields: tuple[str, ...], unused: tuple[str, ...], text: str):
        super().__init__(text)
        self.path, self.fields, self.unused = path, fields, unused


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str
    unknown_code: bool = False  # listed once per code by `check`, not once per row
    # A need (Normalized.needs): the config key that would let the file be read, for
    # `check --suggest-config`; empty for a problem in the rows themselves.
    config_key: str = ""

    def text(self, file: str) -> str:
        return f"{file}, rad {self.row}, kolonne «{self.column}»: {self.message}"


@dataclass(frozen=True)
class Normalized:
    records: pl.DataFrame
    problems: tuple[RowProblem, ...]
    notes: tuple[str, ...]
    rows_read: int
    # What the config must add before this file can be read (e.g. lesson_times): always an
    # error, also with --rejects, as no row can be read right without it.
    needs: tuple[RowProblem, ...] = ()
    # Notes that change what the numbers mean (a lesson counted at the policy's length):
    # shown by `check` and in the scan's notes.
    warnings: tuple[str, ...] = ()
    unknown_codes: tuple[UnknownCode, ...] = ()
    derived_codes: tuple[Derived, ...] = ()
    code_counts: tuple[tuple[str, str | None, int], ...] = ()  # (code, kind, rows) for check
    # Every subject the records hold (and maybe more): subjects.with_subject_names need not
    # look through a million rows for them again.
    subjects: frozenset[str] = frozenset()


# --- value parsers (expressions over String columns) -------------------------------------


def parse_date(col: pl.Expr) -> pl.Expr:
    """dd.mm.yyyy, dd.mm.yy, yyyy-mm-dd (also with a time part), dd/mm/yyyy, Excel serials."""
    iso = col.str.slice(0, 10)
    serial = col.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int32, strict=False)
    return (
        pl.when(col.str.contains(r"^\d{1,2}\.\d{1,2}\.\d{4}$"))
        .then(col.str.to_date("%d.%m.%Y", strict=False))
        .when(col.str.contains(r"^\d{1,2}\.\d{1,2}\.\d{2}$"))
        .then(col.str.to_date("%d.%m.%y", strict=False))
        .when(col.str.contains(r"^\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?$"))
        .then(iso.str.to_date("%Y-%m-%d", strict=False))
        .when(col.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$"))
        .then(col.str.to_date("%d/%m/%Y", strict=False))
        .when(serial.is_not_null())
        .then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial))
        .otherwise(None)
    )


def parse_time(col: pl.Expr) -> pl.Expr:
    """HH:MM, HH.MM, HH:MM:SS, an Excel time as 'YYYY-MM-DD HH:MM:SS' or a day fraction."""
    fraction = col.str.extract(r"^(0?\.\d+)$", 1).cast(pl.Float64, strict=False)
    clock = col.str.extract(r"(?:^|[ T])(\d{1,2}[:.]\d{2})(?::\d{2}(?:\.\d+)?)?$", 1)
    nanos = (fraction * 86_400_000_000_000).round().cast(pl.Int64)
    return pl.coalesce(
        # A fraction that rounds to a whole day is 24:00, which is no time of day.
        pl.when(nanos < 86_400_000_000_000).then(nanos).cast(pl.Time),
        clock.str.replace(r"\.", ":").str.to_time("%H:%M", strict=False),
    )


def parse_number(col: pl.Expr) -> pl.Expr:
    """A decimal number with comma or point."""
    return (
        col.str.replace(",", ".", literal=True)
        .str.replace_all(" ", "")
        .cast(pl.Float64, strict=False)
    )


def parse_lesson(col: pl.Expr) -> pl.Expr:
    """A lesson number: «3», «3.», «3. time», or 3.0 from a spreadsheet; 1–10."""
    number = col.str.extract(r"(?i)^\s*(\d{1,2})(?:[.,]0+)?\s*\.?\s*(?:time)?\s*$", 1).cast(
        pl.Int8, strict=False
    )
    return pl.when(number.is_between(LESSON_NUMBERS.start, LESSON_NUMBERS.stop - 1)).then(number)


def parse_bool(col: pl.Expr) -> pl.Expr:
    folded = col.str.to_lowercase().str.strip_chars()
    return (
        pl.when(folded.is_in(_YES)).then(True).when(folded.is_in(_NO)).then(False).otherwise(None)
    )


# --- the normaliser --------------------------------------------------------------------


_PARSERS: dict[str, tuple[Callable[[pl.Expr], pl.Expr], pl.DataType, str]] = {
    "date": (parse_date, pl.Date(), "en gyldig dato (forventet dd.mm.åååå eller åååå-mm-dd)"),
    "date_to": (parse_date, pl.Date(), "en gyldig dato (forventet dd.mm.åååå eller åååå-mm-dd)"),
    "start": (parse_time, pl.Time(), "et klokkeslett (TT:MM)"),
    "end": (parse_time, pl.Time(), "et klokkeslett (TT:MM)"),
    "minutes": (parse_number, pl.Float64(), "et tall"),
    "hours": (parse_number, pl.Float64(), "et tall"),
    "whole_day": (parse_bool, pl.Boolean(), "Ja eller Nei"),
    "lesson": (
        parse_lesson,
        pl.Int8(),
        f"et timenummer ({LESSON_NUMBERS.start}–{LESSON_NUMBERS.stop - 1})",
    ),
    "notified": (parse_bool, pl.Boolean(), "Ja eller Nei"),
    "arrived": (parse_time, pl.Time(), "et klokkeslett (TT:MM)"),
    "departed": (parse_time, pl.Time(), "et klokkeslett (TT:MM)"),
    "birth_date": (parse_date, pl.Date(), "en gyldig dato (forventet dd.mm.åååå)"),
}


def clean_text(col: pl.Expr) -> pl.Expr:
    """Control characters and terminal escapes removed; tabs and line breaks become spaces.

    Letters, digits, spaces and punctuation stay. A vertical tab in a name would otherwise
    stop the XLSX and DOCX writers, and an escape sequence would recolour a terminal.
    """
    return col.str.replace_all(rf"{_ESCAPES}|{_CONTROLS}", "").str.replace_all(_LINE_BREAKS, " ")


def _as_text(col: pl.Expr) -> pl.Expr:
    """A text value as written, without surrounding spaces; blank is missing."""
    stripped = col.str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def _padded(col: pl.Expr) -> pl.Expr:
    """The value has spaces around it or is blank.

    Prefix and suffix tests are several times cheaper than a regex; they look for the plain
    space only (a tab or a no-break space alone around a value is left as written).
    """
    return (col.str.len_bytes() == 0) | col.str.starts_with(" ") | col.str.ends_with(" ")


def _mapped(codes: pl.Expr, small: pl.DataFrame, dtype: pl.DataType) -> pl.Expr:
    """A column mapped through its parsed distinct values; `codes` numbers each row by its
    value's position in `small` (null for an empty cell). A column with none or one distinct
    value (an empty "Til dato", "Heldag" always "Nei") needs no lookup per row."""
    if small.height == 0:
        return pl.lit(None, dtype=dtype)
    if small.height == 1:
        return pl.when(codes.is_not_null()).then(pl.lit(small["value"][0], dtype=dtype))
    return pl.lit(small["value"], dtype=dtype).gather(codes)


def _parse_columns(
    frame: pl.DataFrame,
    parsers: dict[str, tuple[Callable[[pl.Expr], pl.Expr], pl.DataType]],
    may_have_controls: bool = True,
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Every field parsed to its type, plus `_invalid_<field>` masks; (frame, invalid fields).

    Exports repeat few distinct values (dates, times, codes, groups), so each distinct value is
    stripped and parsed once and mapped back: far cheaper than parsing a million rows. Both
    passes are single selects, so Polars spreads the columns over the cores.
    """
    typed = {f: p for f, p in parsers.items() if p[0] is not _as_text}
    text = [f for f in parsers if f not in typed]
    # Free text (ids, names, groups) has many distinct values; a column is only copied
    # (stripped) when some value needs it, which keeps a 10M-row import's memory down.
    checked = [f for f in (*text, "code") if f in parsers]
    scan = frame.select(
        # One hashing pass gives both a column's distinct values (its categories) and each
        # row's code; a column the reader gave as Categorical (read.REPEATED_FIELDS) needs none.
        *(
            (pl.col(f) if is_categorical(frame.schema[f]) else pl.col(f).cast(categorical()))
            for f in typed
        ),
        *(_padded(pl.col(f)).any().alias(f"_pad_{f}") for f in checked),
        *(
            (pl.col(f).str.contains(_UNSAFE).any() if may_have_controls else pl.lit(False)).alias(
                f"_ctl_{f}"
            )
            for f in checked
        ),
    )
    # The checks are one value repeated on every row (none when the file has no rows).
    padded = {f: scan.get_column(f"_pad_{f}").head(1).any() for f in checked}
    unsafe = {f: scan.get_column(f"_ctl_{f}").head(1).any() for f in checked}
    # `raw_<field>` is the value as written (stripped when needed) for `code`; messages strip
    # the few values they quote themselves.
    as_written = {
        f: _as_text(clean_text(pl.col(f)))
        if unsafe.get(f)
        else _as_text(pl.col(f))
        if padded.get(f)
        else pl.col(f)
        for f in parsers
    }
    mapped = [as_written[f].alias(f) for f in text]
    invalid_fields: dict[str, str] = {}
    codes: dict[str, pl.Series] = {}
    for field, (parse, dtype) in typed.items():
        column = scan.get_column(field)
        small = (
            pl.DataFrame({"raw": categories(column)}, schema={"raw": pl.String})
            .with_columns(clean=_as_text(clean_text(pl.col("raw"))))
            .with_columns(value=parse(pl.col("clean")).cast(dtype))
        )
        codes[f"_code_{field}"] = column.to_physical()
        mapped.append(_mapped(pl.col(f"_code_{field}"), small, dtype).alias(field))
        invalid = small.with_row_index("code").filter(
            pl.col("clean").is_not_null() & pl.col("value").is_null()
        )
        if invalid.height:
            invalid_fields[field] = f"_invalid_{field}"
            # is_in gives null for null values; an empty cell is "missing", not "unreadable".
            # A value of a row the reader left out (a sum row) may be among the categories;
            # its code is in no row, so its mask is all false.
            mapped.append(
                pl.col(f"_code_{field}")
                .is_in(invalid["code"].cast(pl.UInt32).implode())
                .fill_null(False)
                .alias(f"_invalid_{field}")
            )
    raw_copies = [expr.alias(f"raw_{f}") for f, expr in as_written.items()]
    carried = [pl.col(HEADER_COLUMN)] if HEADER_COLUMN in frame.columns else []
    del scan
    with_codes = frame.with_columns(**codes)
    return with_codes.select(pl.col("_row"), *mapped, *raw_copies, *carried), invalid_fields


def _amount_message(field: str, most: float) -> Callable[[dict], str]:
    return lambda r: (
        f"«{r[f'raw_{field}']}» er ikke et gyldig antall; forventet et tall fra 0 "
        f"til {most:g} ([import] max_minutes i naervaer.toml)."
    )


def _date_message(field: str, first: date, last: date) -> Callable[[dict], str]:
    return lambda r: (
        f"datoen {r[f'raw_{field}']} er utenfor {first:%d.%m.%Y}–{last:%d.%m.%Y} "
        "og er trolig feilskrevet. Rett den i fagsystemet, eller legg raden "
        "til side med --rejects FIL."
    )


def normalize(raw: RawTable, ctx: Context) -> Normalized:
    """Canonical records from a raw table; raises InputError for a missing required column."""
    rows_read = raw.frame.height
    notes: list[str] = []
    grid = is_grid(raw)
    lesson_header = grid_span(raw.match) if grid else None
    if grid:
        raw = unpivot_grid(raw)
        notes.append(
            f"Timerutenett: {rows_read} rader (elev og dag) ga {raw.frame.height} "
            "fraværsposter (én per utfylt time)."
        )
    raw = _split_time_range(raw)
    documented = "documented" in raw.match.fields and "code" not in raw.match.fields
    if documented:
        raw = _documented_as_code(raw)
    _require_columns(raw)
    frame = raw.frame

    def has(field: str) -> bool:
        return field in raw.match.fields

    codes, derived = _codes_with_descriptions(raw, ctx.codes)
    parsers: dict[str, tuple[Callable[[pl.Expr], pl.Expr], pl.DataType]] = {}
    for field in raw.match.fields:
        if field in _PARSERS:
            parsers[field] = _PARSERS[field][:2]
        elif field == "code" and documented:
            parsers[field] = (_documented_kind, pl.Enum(KINDS))
        elif field == "code":
            parsers[field] = (_code_parser(codes), pl.Enum(KINDS))
        else:
            parsers[field] = (_as_text, pl.String())
    data, invalid_fields = _parse_columns(frame, parsers, raw.may_have_controls)
    unreadable = {f: data.get_column(mask) for f, mask in invalid_fields.items()}
    data = data.drop(invalid_fields.values())
    expected = {f: p[2] for f, p in _PARSERS.items()}
    if "time_range" in raw.match.fields and _header_is(raw, "start", "time_range"):
        expected["start"] = expected["end"] = "et tidsrom (TT:MM–TT:MM)"
    if documented:
        expected["code"] = "Ja eller Nei"
    unknown = () if documented else _unknown_codes(data, unreadable.get("code"), raw)
    counts = _code_counts(data, codes) if ctx.count_codes and has("code") else ()
    checks: list[tuple[str, pl.Series, Callable[[dict], str]]] = [
        (
            field,
            mask,
            _unknown_code_text
            if field == "code" and not documented
            else _bad_value(expected[field]),
        )
        for field, mask in unreadable.items()
    ]

    def missing(field: str, text: str) -> None:
        mask = data.get_column(field).is_null()
        if field in unreadable:
            mask = mask & ~unreadable[field]
        checks.insert(0, (field, mask, lambda r: text))

    if is_attendance_log(raw):
        # A barnehage log: a day without an absence code is a day present, with Kom/Hentet.
        present = pl.lit(None, dtype=pl.Time)
        for field in ("arrived", "departed"):
            if has(field):
                present = pl.coalesce(present, pl.col(field))
        no_code = data.get_column("code").is_null() & ~unreadable.get(
            "code", pl.Series([False] * data.height, dtype=pl.Boolean)
        )
        no_times = data.select(present.is_null()).to_series()
        checks.insert(
            0,
            ("code", no_code & no_times, lambda r: "raden har verken fravær eller kom/hentet-tid."),
        )
    else:
        missing("code", "mangler fraværstype. Fyll inn koden eller fjern raden.")
    missing("date", "mangler dato.")
    if has("pupil_id"):
        missing("pupil_id", "mangler elevnummer.")
    elif has("fnr"):
        missing("fnr", "mangler fødselsnummer.")
    else:
        missing(
            "name" if has("name") else "last_name", "mangler navn, og filen har ikke elevnummer."
        )
    if has("date_to"):
        checks.append(
            (
                "date_to",
                data.get_column("date_to") < data.get_column("date"),
                lambda r: (
                    f"til-dato {r['raw_date_to']} er før fra-dato {r['raw_date']}. Bytt om datoene."
                ),
            )
        )
    if has("start") and has("end"):
        checks.append(
            (
                "end",
                data.get_column("end") < data.get_column("start"),
                lambda r: f"til-tid {r['raw_end']} er før fra-tid {r['raw_start']}.",
            )
        )
    for field, most in (("minutes", ctx.max_minutes), ("hours", ctx.max_minutes / 60)):
        if has(field):
            value = data.get_column(field)
            checks.append(
                (
                    field,
                    ~value.is_finite() | (value < 0) | (value > most),
                    _amount_message(field, most),
                )
            )
    if _header_is(raw, "start", "time_range"):
        checks.append(
            (
                "time_range",
                data.get_column("time_range").is_not_null() & data.get_column("start").is_null(),
                _bad_value("et tidsrom (TT:MM–TT:MM)"),
            )
        )
    needs: list[RowProblem] = []
    if has("lesson"):
        if ctx.lesson_times is None:
            header = lesson_header or raw.match.header_of("lesson")
            needs.append(_lesson_times_needed(raw, header, grid))
        else:
            count = len(ctx.lesson_times)
            checks.append(
                (
                    "lesson",
                    data.get_column("lesson") > count,
                    lambda r: (
                        f"time {r['raw_lesson']} finnes ikke i [import] lesson_times i "
                        f"naervaer.toml, som har {count} timer. Legg til klokkeslettet for den."
                    ),
                )
            )
    first, last = date_limits(ctx.today)
    for field in ("date", "date_to"):
        if has(field):
            day = data.get_column(field)
            checks.append(
                (
                    field,
                    (day < first) | (day > last),
                    _date_message(field, first, last),
                )
            )

    masks = [mask.fill_null(False).alias(f"_bad{i}") for i, (_, mask, _) in enumerate(checks)]
    any_bad = pl.DataFrame(masks).select(pl.any_horizontal(pl.all())).to_series()
    problems: tuple[RowProblem, ...] = ()
    if any_bad.any():
        problems = _problems(data, checks, masks, any_bad, raw)
        data = data.filter(~any_bad)

    warnings: list[str] = []
    subjects: set[str] = set()
    records = _build(data, raw, ctx, has, notes, warnings, subjects)
    return Normalized(
        records,
        problems,
        tuple(notes),
        rows_read,
        tuple(needs),
        tuple(warnings),
        unknown_codes=unknown,
        derived_codes=derived,
        code_counts=counts,
        subjects=frozenset(subjects),
    )


def _header_is(raw: RawTable, field: str, other: str) -> bool:
    fields = raw.match.fields
    return field in fields and other in fields and fields[field] == fields[other]


def _split_time_range(raw: RawTable) -> RawTable:
    """A time range in one column («08:30–09:15») as the fields start and end.

    A value that is not a range gives neither; normalize reports it in the range's column.
    """
    fields = raw.match.fields
    if "time_range" not in fields or "start" in fields or "end" in fields:
        return raw
    parts = pl.col("time_range").str.extract_groups(_TIME_RANGE)
    frame = raw.frame.with_columns(start=parts.struct.field("1"), end=parts.struct.field("2"))
    position = fields["time_range"]
    match = _with_fields(raw.match, start=position, end=position)
    return replace(raw, frame=frame, match=match)


def _documented_as_code(raw: RawTable) -> RawTable:
    """A «Dokumentert» Ja/Nei column as the code column (Vigilo has no other)."""
    frame = raw.frame.with_columns(code=pl.col("documented"))
    return replace(
        raw, frame=frame, match=_with_fields(raw.match, code=raw.match.fields["documented"])
    )


def _with_fields(match: HeaderMatch, **added: int) -> HeaderMatch:
    return replace(match, fields={**match.fields, **added})


def _documented_kind(clean: pl.Expr) -> pl.Expr:
    """Ja → dokumentert, Nei → udokumentert; anything else is unreadable (null)."""
    answer = parse_bool(clean)
    blank = clean.is_null() | (clean.str.strip_chars() == "")
    return (
        pl.when(blank)
        .then(None)
        .when(answer)
        .then(pl.lit("dokumentert"))
        .when(~answer)
        .then(pl.lit("udokumentert"))
    )


def _lesson_times_needed(raw: RawTable, header: str, grid: bool) -> RowProblem:
    example = 'lesson_times = ["08:30-09:15", "09:25-10:10", …]'
    what = "én kolonne per time" if grid else "timenummer"
    return RowProblem(
        raw.header_row,
        header,
        f"filen har {what}, men naervaer.toml har ikke klokkeslettene for timene. Legg dem "
        f"til under [import]: {example} (første time først).",
        config_key="import.lesson_times",
    )


def is_attendance_log(raw: RawTable) -> bool:
    """A barnehage attendance log: it has Kom and/or Hentet columns."""
    return bool({"arrived", "departed"} & raw.match.fields.keys())


def _code_parser(table: CodeTable) -> Callable[[pl.Expr], pl.Expr]:
    # Runs on the distinct codes only (_parse_columns), so a million rows cost a handful.
    def parse(clean: pl.Expr) -> pl.Expr:
        return clean.map_batches(
            lambda s: pl.Series([table.kind(c) for c in s], dtype=pl.String),
            return_dtype=pl.String,
        )

    return parse


def _codes_with_descriptions(
    raw: RawTable, table: CodeTable
) -> tuple[CodeTable, tuple[Derived, ...]]:
    """The code table with the kinds a description column gives the codes it does not know."""
    if not {"code", "code_text"} <= raw.match.fields.keys():
        return table, ()
    pairs = raw.frame.select("code", "code_text").unique().iter_rows()
    unknown = [(c, t) for c, t in pairs if c is not None and table.kind(c.strip()) is None]
    derived = derive_from_descriptions(unknown, table, str(raw.path))
    if not derived:
        return table, ()
    kinds = {**table.kinds, **{code_key(d.code): d.kind for d in derived}}
    return CodeTable(kinds, table.vocabulary, table.words), derived


def _unknown_codes(
    data: pl.DataFrame, mask: pl.Series | None, raw: RawTable
) -> tuple[UnknownCode, ...]:
    """Every distinct unknown code once, with its rows and the first row it is in."""
    if mask is None or not mask.any():
        return ()
    described = "code_text" in data.columns
    # A lesson grid's code came from one of several columns: the example names it.
    grid = HEADER_COLUMN in data.columns
    groups = (
        data.filter(mask)
        .sort("_row")
        .group_by("raw_code", maintain_order=True)
        .agg(
            pl.len().alias("rows"),
            pl.col("_row").first().alias("first"),
            (pl.col("code_text").drop_nulls().first() if described else pl.lit(None)).alias("text"),
            (pl.col(HEADER_COLUMN).first() if grid else pl.lit(None)).alias("column"),
        )
    )
    return tuple(
        merge_unknown(
            UnknownCode(
                _shown(code),
                rows,
                hide_fnr(raw.path.name),
                first,
                hide_fnr(_shown(text or "")),
                hide_fnr(column or ""),
            )
            for code, rows, first, text, column in groups.iter_rows()
        )
    )


def _code_counts(data: pl.DataFrame, table: CodeTable) -> tuple[tuple[str, str | None, int], ...]:
    """(code as written, its kind or None, rows) for every distinct code, most rows first."""
    counts = (
        data.filter(pl.col("raw_code").is_not_null())
        .group_by("raw_code")
        .agg(pl.len().alias("rows"))
        .sort(["rows", "raw_code"], descending=[True, False])
    )
    return tuple(
        (hide_fnr(_shown(code)), table.kind(_shown(code)), rows)
        for code, rows in counts.iter_rows()
    )


def _require_columns(raw: RawTable) -> None:
    fields = raw.match.fields
    missing = [f for f in ("date", "code") if f not in fields]
    if not ({"pupil_id", "fnr", "name", "last_name"} & fields.keys()):
        missing.insert(0, "pupil_id")
    if missing:
        from naervaer_cli.importer.headers import FIELD_LABELS

        wanted = "; ".join(
            f"{FIELD_LABELS[f]} (f.eks. {', '.join(SYNONYMS[f][:3])})" for f in missing
        )
        raise MissingColumns(
            raw.path,
            tuple(missing),
            raw.match.unused,
            f"{raw.path}, rad {raw.header_row}: mangler kolonne for {wanted}. Fant kolonnene: "
            f"{', '.join(h for h in raw.match.headers if h)}. Koble et annet kolonnenavn i "
            'naervaer.toml under [import.columns], f.eks. date = ["Min datokolonne"].',
        )


def _bad_value(expected: str) -> Callable[[dict], str]:
    return lambda r: f"«{r['_value']}» er ikke {expected}."


def _unknown_code_text(row: dict) -> str:
    return (
        f"ukjent fraværskode «{row['_value']}». Koble den under [import.codes] i naervaer.toml "
        "(`naervaer check FIL --suggest-config` skriver blokken)."
    )


def _problems(
    data: pl.DataFrame,
    checks: list[tuple[str, pl.Series, Callable[[dict], str]]],
    masks: list[pl.Series],
    any_bad: pl.Series,
    raw: RawTable,
) -> tuple[RowProblem, ...]:
    """The first problem of each bad row, in row order."""
    bad = data.with_columns(masks).filter(any_bad).sort("_row")
    problems = []
    for row in bad.iter_rows(named=True):
        for i, (field, _, message) in enumerate(checks):
            if row[f"_bad{i}"]:
                row = {k: _shown(v) if isinstance(v, str) else v for k, v in row.items()}
                row["_value"] = row.get(f"raw_{field}")
                # A message quotes the value as written: never a fødselsnummer.
                # A lesson grid's code came from one of several columns; the row says which.
                column = (
                    row.get(HEADER_COLUMN) if field in _GRID_FIELDS else None
                ) or raw.match.header_of(field)
                problems.append(
                    RowProblem(
                        row["_row"],
                        hide_fnr(column),
                        hide_fnr(message(row)),
                        unknown_code=message is _unknown_code_text,
                    )
                )
                break
    return tuple(problems)


def _shown(value: str) -> str:
    """A value as a message may quote it: stripped, without control characters or escapes."""
    return re.sub(_LINE_BREAKS, " ", re.sub(rf"{_ESCAPES}|{_CONTROLS}", "", value)).strip()


_STRING = pl.String()
_GRID_FIELDS = ("code", "lesson", "whole_day")


def _build(
    good: pl.DataFrame,
    raw: RawTable,
    ctx: Context,
    has: Callable[[str], bool],
    notes: list[str],
    warnings: list[str],
    subjects: set[str],
) -> pl.DataFrame:
    """The canonical records of the good rows; adds the distinct subjects to `subjects`."""

    def col(field: str, dtype: pl.DataType = _STRING) -> pl.Expr:
        return pl.col(field) if has(field) else pl.lit(None, dtype=dtype)

    if has("name"):
        name = pl.col("name")
    elif has("last_name") or has("first_name"):
        name = pl.concat_str(
            [col("last_name"), col("first_name")], separator=", ", ignore_nulls=True
        )
    else:
        name = pl.lit("")
    start, end = col("start", pl.Time()), col("end", pl.Time())
    if has("lesson") and ctx.lesson_times:
        # A row's own clock times win; the lesson number gives them where it has none.
        numbers = list(range(1, len(ctx.lesson_times) + 1))
        starts, ends = zip(*ctx.lesson_times, strict=True)
        lesson = pl.col("lesson")
        start = pl.coalesce(
            start, lesson.replace_strict(numbers, list(starts), default=None, return_dtype=pl.Time)
        )
        end = pl.coalesce(
            end, lesson.replace_strict(numbers, list(ends), default=None, return_dtype=pl.Time)
        )
    minutes = pl.coalesce(
        col("minutes", pl.Float64()).round().cast(pl.Int32),
        (col("hours", pl.Float64()) * 60).round().cast(pl.Int32),
        (end - start).dt.total_minutes().cast(pl.Int32),
    )
    present = pl.col("code").is_null()  # only attendance logs keep rows without a code
    untimed = start.is_null() & minutes.is_null() & ~present
    # A row that names a lesson or a subject is a lesson, never silently a whole day.
    lesson_row = col("lesson", pl.Int8()).is_not_null() | col("subject").is_not_null()
    whole_day = pl.coalesce(col("whole_day", pl.Boolean()), untimed & ~lesson_row)
    if not is_attendance_log(raw):
        minutes = _one_lesson(good, raw, ctx, minutes, untimed & ~whole_day, warnings)
    # "" for missing names, groups and codes, without copying a column that has no gaps.
    blanks = {"name": name, "group": col("group"), "code": pl.col("raw_code")}
    gaps = good.select(expr.null_count().alias(key) for key, expr in blanks.items()).row(0)
    blanks = {
        key: expr.fill_null("") if gap else expr
        for (key, expr), gap in zip(blanks.items(), gaps, strict=True)
    }
    out = (
        good.lazy()
        .select(
            pupil_id=col("pupil_id") if has("pupil_id") else col("fnr"),
            name=blanks["name"],
            group=blanks["group"],
            contact=col("contact"),
            date=pl.col("date"),
            start=start,
            end=end,
            minutes=minutes,
            whole_day=whole_day,
            subject=col("subject"),
            code=blanks["code"],
            kind=pl.when(present)
            .then(pl.lit("tilstede", dtype=pl.Enum(KINDS)))
            .otherwise(pl.col("code")),
            notified=col("notified", pl.Boolean()),
            comment=col("comment"),
            arrived=col("arrived", pl.Time()),
            departed=col("departed", pl.Time()),
            birth_date=col("birth_date", pl.Date()),
            age_group=col("age_group"),
            source=pl.lit(mask_fnr_in_text(raw.path.name, ctx.key), dtype=pl.Categorical),
            source_row=pl.col("_row"),
            date_to=col("date_to", pl.Date()),
        )
        .collect(engine="streaming")
    )
    out = _pseudonymise(out, ctx.key, has, notes, subjects)
    if has("date_to"):
        out = _expand_ranges(out, ctx.calendar, notes)
    return (
        out.lazy()
        .select(list(record_schema()))
        .cast(record_schema())  # type: ignore[arg-type]
        .collect(engine="streaming")
    )


def _one_lesson(
    good: pl.DataFrame,
    raw: RawTable,
    ctx: Context,
    minutes: pl.Expr,
    untimed: pl.Expr,
    warnings: list[str],
) -> pl.Expr:
    """Lesson rows with neither clock times nor minutes count as one lesson each.

    The length is the policy's (school.lesson_minutes), asked for only when such rows
    exist; the warning says how many rows and which, so no reader takes them for exact.
    """
    rows = good.filter(untimed.fill_null(False)).get_column("_row")
    if rows.is_empty():
        return minutes
    if ctx.lesson_minutes is None:
        raise ValueError("Context.lesson_minutes is needed for lesson rows without times")
    length = ctx.lesson_minutes()
    shown = ", ".join(str(r) for r in rows.head(MAX_LISTED_ROWS))
    more = f" og {rows.len() - MAX_LISTED_ROWS} til" if rows.len() > MAX_LISTED_ROWS else ""
    warnings.append(
        f"{raw.path.name}: {rows.len()} timerad(er) uten klokkeslett eller minutter (rad "
        f"{shown}{more}) er telt som én time à {length} minutter (school.lesson_minutes i "
        "policyen). Ta med klokkeslett, minutter eller timenummer og [import] lesson_times "
        "for eksakte tall."
    )
    return pl.when(untimed.fill_null(False)).then(pl.lit(length, dtype=pl.Int32)).otherwise(minutes)


def _pseudonymise(
    frame: pl.DataFrame,
    key: bytes,
    has: Callable[[str], bool],
    notes: list[str],
    subjects: set[str],
) -> pl.DataFrame:
    """Replace every fødselsnummer by its keyed hash (see importer/fnr.py); never keep it.

    Adds the distinct subjects left to `subjects`.
    """
    frame, count, found = pseudonymise_fnr(frame, key, id_is_fnr=has("fnr") and not has("pupil_id"))
    subjects.update(found)
    if count:
        notes.append(f"{count} fødselsnummer er erstattet med pseudonymer og lagres ikke.")
    if not has("pupil_id") and not has("fnr"):
        # No id at all: a keyed hash of name and group, stable across exports.
        pairs = frame.select("name", "group").unique()
        mapping = {
            f"{n}\x1f{g}": keyed_hash(f"{n}\x1f{g}", key, "navn") for n, g in pairs.iter_rows()
        }
        frame = frame.with_columns(
            pupil_id=pl.concat_str(["name", "group"], separator="\x1f").replace(mapping)
        )
        notes.append("Filen har ikke elevnummer; elevene er identifisert med navn og gruppe.")
    return frame


def _expand_ranges(frame: pl.DataFrame, calendar: SchoolCalendar, notes: list[str]) -> pl.DataFrame:
    """A notice from Fra dato to Til dato becomes one whole-day record per school day."""
    # Series arithmetic, not a frame select: the frame mixes the CSV reader's many-chunk text
    # columns with single-chunk typed ones, and a select would realign (copy) all of them.
    date_from, date_to = frame.get_column("date"), frame.get_column("date_to")
    is_range = (date_to.is_not_null() & (date_to > date_from)).fill_null(False)
    if not is_range.any():
        return frame
    ranges = frame.filter(is_range)
    spans = ranges.select("date", "date_to").unique()
    days = pl.DataFrame(
        [
            {"date": first, "date_to": last, "_day": day}
            for first, last in spans.iter_rows()
            for day in calendar.school_days(first, last)
        ],
        schema={"date": pl.Date, "date_to": pl.Date, "_day": pl.Date},
    )
    expanded = ranges.join(days, on=["date", "date_to"], how="left")
    empty = expanded.filter(pl.col("_day").is_null())
    if not empty.is_empty():
        rows = ", ".join(str(r) for r in empty.get_column("source_row").head(MAX_LISTED_ROWS))
        notes.append(
            f"Rad {rows}: perioden dekker ingen skoledager (helg, helligdag eller ferie) "
            "og gir ikke fravær."
        )
    expanded = (
        expanded.drop_nulls("_day")
        .with_columns(date=pl.col("_day"), whole_day=pl.lit(True))
        .drop("_day")
    )
    notes.append(
        f"{ranges.height} perioder (fra–til dato) er delt opp i {expanded.height} skoledager."
    )
    combined = pl.concat([frame.filter(~is_range), expanded], how="vertical_relaxed")
    return combined.sort("source_row", "date", maintain_order=True)
