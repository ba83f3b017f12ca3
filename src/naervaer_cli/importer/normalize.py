"""Turning a raw export table into canonical records (schema.py), vectorised with Polars.

Every value that cannot be read becomes a row problem naming the file, the row and the
column; the caller decides whether problems are fatal (default) or rows go to a rejects file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
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
from naervaer_cli.importer.headers import SYNONYMS
from naervaer_cli.importer.read import RawTable
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

    def text(self, file: str) -> str:
        return f"{file}, rad {self.row}, kolonne «{self.column}»: {self.message}"


@dataclass(frozen=True)
class Normalized:
    records: pl.DataFrame
    problems: tuple[RowProblem, ...]
    notes: tuple[str, ...]
    rows_read: int
    unknown_codes: tuple[UnknownCode, ...] = ()
    derived_codes: tuple[Derived, ...] = ()
    code_counts: tuple[tuple[str, str | None, int], ...] = ()  # (code, kind, rows) for check


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


def _mapped(col: pl.Expr, small: pl.DataFrame, dtype: pl.DataType) -> pl.Expr:
    """`col` mapped through the parsed distinct values. A column with none or one distinct
    value (an empty "Til dato", "Heldag" always "Nei") needs no lookup per row."""
    if small.height == 0:
        return pl.lit(None, dtype=dtype)
    if small.height == 1:
        return pl.when(col.is_not_null()).then(pl.lit(small["value"][0], dtype=dtype))
    return col.replace_strict(small["raw"], small["value"], default=None, return_dtype=dtype)


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
        *(pl.col(f).unique().drop_nulls().implode() for f in typed),
        *(_padded(pl.col(f)).any().alias(f"_pad_{f}") for f in checked),
        *(
            (pl.col(f).str.contains(_UNSAFE).any() if may_have_controls else pl.lit(False)).alias(
                f"_ctl_{f}"
            )
            for f in checked
        ),
    ).row(0)
    distinct = scan[: len(typed)]
    padded = dict(zip(checked, scan[len(typed) : len(typed) + len(checked)], strict=True))
    unsafe = dict(zip(checked, scan[len(typed) + len(checked) :], strict=True))
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
    for (field, (parse, dtype)), values in zip(typed.items(), distinct, strict=True):
        small = (
            pl.DataFrame({"raw": values}, schema={"raw": pl.String})
            .with_columns(clean=_as_text(clean_text(pl.col("raw"))))
            .with_columns(value=parse(pl.col("clean")).cast(dtype))
        )
        mapped.append(_mapped(pl.col(field), small, dtype).alias(field))
        invalid = small.filter(pl.col("clean").is_not_null() & pl.col("value").is_null())
        if invalid.height:
            invalid_fields[field] = f"_invalid_{field}"
            # is_in gives null for null values; an empty cell is "missing", not "unreadable".
            mapped.append(
                pl.col(field)
                .is_in(invalid["raw"].implode())
                .fill_null(False)
                .alias(f"_invalid_{field}")
            )
    raw_copies = [expr.alias(f"raw_{f}") for f, expr in as_written.items()]
    return frame.select(pl.col("_row"), *mapped, *raw_copies), invalid_fields


def normalize(raw: RawTable, ctx: Context) -> Normalized:
    """Canonical records from a raw table; raises InputError for a missing required column."""
    _require_columns(raw)
    frame = raw.frame
    notes: list[str] = []

    def has(field: str) -> bool:
        return field in raw.match.fields

    codes, derived = _codes_with_descriptions(raw, ctx.codes)
    parsers: dict[str, tuple[Callable[[pl.Expr], pl.Expr], pl.DataType]] = {}
    for field in raw.match.fields:
        if field in _PARSERS:
            parsers[field] = _PARSERS[field][:2]
        elif field == "code":
            parsers[field] = (_code_parser(codes), pl.Enum(KINDS))
        else:
            parsers[field] = (_as_text, pl.String())
    data, invalid_fields = _parse_columns(frame, parsers, raw.may_have_controls)
    unreadable = {f: data.get_column(mask) for f, mask in invalid_fields.items()}
    data = data.drop(invalid_fields.values())
    unknown = _unknown_codes(data, unreadable.get("code"), raw)
    counts = _code_counts(data, codes) if ctx.count_codes and has("code") else ()
    checks: list[tuple[str, pl.Series, Callable[[dict], str]]] = [
        (field, mask, _unknown_code_text if field == "code" else _bad_value(_PARSERS[field][2]))
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
                    lambda r, f=field, most=most: (
                        f"«{r[f'raw_{f}']}» er ikke et gyldig antall; forventet et tall fra 0 "
                        f"til {most:g} ([import] max_minutes i naervaer.toml)."
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
                    lambda r, f=field: (
                        f"datoen {r[f'raw_{f}']} er utenfor {first:%d.%m.%Y}–{last:%d.%m.%Y} "
                        "og er trolig feilskrevet. Rett den i fagsystemet, eller legg raden "
                        "til side med --rejects FIL."
                    ),
                )
            )

    masks = [mask.fill_null(False).alias(f"_bad{i}") for i, (_, mask, _) in enumerate(checks)]
    any_bad = pl.DataFrame(masks).select(pl.any_horizontal(pl.all())).to_series()
    problems: tuple[RowProblem, ...] = ()
    if any_bad.any():
        problems = _problems(data, checks, masks, any_bad, raw)
        data = data.filter(~any_bad)

    records = _build(data, raw, ctx, has, notes)
    return Normalized(records, problems, tuple(notes), frame.height, unknown, derived, counts)


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
    groups = (
        data.filter(mask)
        .group_by("raw_code")
        .agg(
            pl.len().alias("rows"),
            pl.col("_row").min().alias("first"),
            (pl.col("code_text").drop_nulls().first() if described else pl.lit(None)).alias("text"),
        )
        .sort("first")
    )
    return tuple(
        merge_unknown(
            UnknownCode(
                _shown(code), rows, hide_fnr(raw.path.name), first, hide_fnr(_shown(text or ""))
            )
            for code, rows, first, text in groups.iter_rows()
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
                problems.append(
                    RowProblem(
                        row["_row"],
                        hide_fnr(raw.match.header_of(field)),
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


def _build(
    good: pl.DataFrame, raw: RawTable, ctx: Context, has: Callable[[str], bool], notes: list[str]
) -> pl.DataFrame:
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
    minutes = pl.coalesce(
        col("minutes", pl.Float64()).round().cast(pl.Int32),
        (col("hours", pl.Float64()) * 60).round().cast(pl.Int32),
        (end - start).dt.total_minutes().cast(pl.Int32),
    )
    present = pl.col("code").is_null()  # only attendance logs keep rows without a code
    whole_day = pl.coalesce(
        col("whole_day", pl.Boolean()), start.is_null() & minutes.is_null() & ~present
    )
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
    out = _pseudonymise(out, ctx.key, has, notes)
    if has("date_to"):
        out = _expand_ranges(out, ctx.calendar, notes)
    return (
        out.lazy()
        .select(list(record_schema()))
        .cast(record_schema())  # type: ignore[arg-type]
        .collect(engine="streaming")
    )


def _pseudonymise(
    frame: pl.DataFrame, key: bytes, has: Callable[[str], bool], notes: list[str]
) -> pl.DataFrame:
    """Replace every fødselsnummer by its keyed hash (see importer/fnr.py); never keep it."""
    frame, count = pseudonymise_fnr(frame, key, id_is_fnr=has("fnr") and not has("pupil_id"))
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
