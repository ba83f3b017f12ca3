"""Turning a raw export table into canonical records (schema.py), vectorised with Polars.

Every value that cannot be read becomes a row problem naming the file, the row and the
column; the caller decides whether problems are fatal (default) or rows go to a rejects file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import InputError
from naervaer_cli.importer.headers import SYNONYMS, fold
from naervaer_cli.importer.read import RawTable
from naervaer_cli.privacy import hash_fnr, mask_fnr_in_text
from naervaer_cli.schema import KINDS, record_schema

_YES = ("ja", "j", "x", "1", "true", "sann", "yes", "y")
_NO = ("nei", "n", "0", "false", "usann", "no", "")
_FNR_ONLY = r"^\d{11}$"
_EXCEL_EPOCH = date(1899, 12, 30)
MAX_LISTED_ROWS = 5


@dataclass(frozen=True)
class Context:
    """What normalising needs besides the table: code map, calendar and the pseudonym key."""

    codes: dict[str, str]
    calendar: SchoolCalendar
    key: bytes


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def text(self, file: str) -> str:
        return f"{file}, rad {self.row}, kolonne «{self.column}»: {self.message}"


@dataclass(frozen=True)
class Normalized:
    records: pl.DataFrame
    problems: tuple[RowProblem, ...]
    notes: tuple[str, ...]
    rows_read: int


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
    return pl.coalesce(
        (fraction * 86_400_000_000_000).round().cast(pl.Int64).cast(pl.Time),
        clock.str.replace(r"\.", ":").str.to_time("%H:%M", strict=False),
    )


def parse_number(col: pl.Expr) -> pl.Expr:
    """A decimal number with comma or point."""
    return col.str.replace(",", ".", literal=True).str.replace_all(" ", "").cast(
        pl.Float64, strict=False
    )


def parse_bool(col: pl.Expr) -> pl.Expr:
    folded = col.str.to_lowercase().str.strip_chars()
    return (
        pl.when(folded.is_in(_YES)).then(True).when(folded.is_in(_NO)).then(False).otherwise(None)
    )


# --- the normaliser --------------------------------------------------------------------


def normalize(raw: RawTable, ctx: Context) -> Normalized:
    """Canonical records from a raw table; raises InputError for a missing required column."""
    fields = raw.match.fields
    file = str(raw.path)
    _require_columns(raw)
    frame = raw.frame
    notes: list[str] = []

    def has(field: str) -> bool:
        return field in fields

    def col(field: str) -> pl.Expr:
        return pl.col(field) if has(field) else pl.lit(None, dtype=pl.String)

    # Values parsed side by side with the raw text so problems can quote what was written.
    parsed = frame.with_columns(
        _date=parse_date(pl.col("date")),
        _date_to=parse_date(col("date_to")),
        _start=parse_time(col("start")),
        _end=parse_time(col("end")),
        _minutes=parse_number(col("minutes")),
        _hours=parse_number(col("hours")),
        _whole=parse_bool(col("whole_day")),
        _notified=parse_bool(col("notified")),
        _kind=col("code").map_batches(
            lambda s: _map_codes(s, ctx.codes), return_dtype=pl.String
        ),
    )
    checks: list[tuple[str, pl.Expr, Callable[[dict], str]]] = [
        ("date", pl.col("date").is_null(), lambda r: "mangler dato."),
        ("date", pl.col("date").is_not_null() & pl.col("_date").is_null(),
         lambda r: f"«{r['date']}» er ikke en gyldig dato (forventet dd.mm.åååå eller "
                   "åååå-mm-dd)."),
        ("code", col("code").is_null(),
         lambda r: "mangler fraværstype. Fyll inn koden eller fjern raden."),
        ("code", col("code").is_not_null() & pl.col("_kind").is_null(),
         lambda r: _unknown_code_text(r["code"])),
    ]
    if has("date_to"):
        checks += [
            ("date_to", pl.col("date_to").is_not_null() & pl.col("_date_to").is_null(),
             lambda r: f"«{r['date_to']}» er ikke en gyldig dato (forventet dd.mm.åååå)."),
            ("date_to", pl.col("_date_to") < pl.col("_date"),
             lambda r: f"til-dato {r['date_to']} er før fra-dato {r['date']}. Bytt om datoene."),
        ]
    for field in ("start", "end"):
        if has(field):
            checks.append((field, pl.col(field).is_not_null() & pl.col(f"_{field}").is_null(),
                           _bad_value(field, "et klokkeslett (TT:MM)")))
    if has("start") and has("end"):
        checks.append(("end", pl.col("_end") < pl.col("_start"),
                       lambda r: f"til-tid {r['end']} er før fra-tid {r['start']}."))
    for field in ("minutes", "hours"):
        if has(field):
            checks.append((field, pl.col(field).is_not_null()
                           & (pl.col(f"_{field}").is_null() | (pl.col(f"_{field}") < 0)),
                           _bad_value(field, "et tall større enn eller lik 0")))
    for field in ("whole_day", "notified"):
        if has(field):
            checks.append((field, pl.col(field).is_not_null() & pl.col(f"_{'whole' if field == 'whole_day' else field}").is_null(),
                           _bad_value(field, "Ja eller Nei")))
    if not has("pupil_id") and not has("fnr"):
        name_expr = col("name") if has("name") else col("last_name")
        checks.append(("name" if has("name") else "last_name", name_expr.is_null(),
                       lambda r: "mangler navn, og filen har ikke elevnummer."))
    elif has("pupil_id"):
        checks.append(("pupil_id", pl.col("pupil_id").is_null(), lambda r: "mangler elevnummer."))
    else:
        checks.append(("fnr", pl.col("fnr").is_null(), lambda r: "mangler fødselsnummer."))

    flagged = parsed.with_columns(
        [expr.fill_null(False).alias(f"_bad{i}") for i, (_, expr, _) in enumerate(checks)]
    )
    bad_cols = [f"_bad{i}" for i in range(len(checks))]
    any_bad = pl.any_horizontal(bad_cols)
    problems = _problems(flagged.filter(any_bad), checks, raw)
    good = flagged.filter(~any_bad).drop(bad_cols)

    records = _build(good, raw, ctx, has, notes)
    return Normalized(records, problems, tuple(notes), frame.height)


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
        raise InputError(
            f"{raw.path}, rad {raw.header_row}: mangler kolonne for {wanted}. Fant kolonnene: "
            f"{', '.join(h for h in raw.match.headers if h)}. Koble et annet kolonnenavn i "
            "naervaer.toml under [import.columns], f.eks. date = [\"Min datokolonne\"]."
        )


def _bad_value(field: str, expected: str) -> Callable[[dict], str]:
    return lambda r: f"«{r[field]}» er ikke {expected}."


def _unknown_code_text(code: str) -> str:
    return (
        f"ukjent fraværskode «{code}». Koble den i naervaer.toml: [import.codes] "
        f"\"{code}\" = \"udokumentert\" (eller en av: {', '.join(KINDS)})."
    )


def _map_codes(codes: pl.Series, table: dict[str, str]) -> pl.Series:
    # Few distinct codes: fold each once in Python, then map the column in Polars.
    uniques = codes.drop_nulls().unique().to_list()
    mapping = {c: table.get(fold(c)) for c in uniques}
    return codes.replace_strict(mapping, default=None, return_dtype=pl.String)


def _problems(
    bad: pl.DataFrame, checks: list[tuple[str, pl.Expr, Callable[[dict], str]]], raw: RawTable
) -> tuple[RowProblem, ...]:
    problems = []
    for row in bad.sort("_row").iter_rows(named=True):
        for i, (field, _, message) in enumerate(checks):
            if row[f"_bad{i}"]:
                problems.append(RowProblem(row["_row"], raw.match.header_of(field), message(row)))
                break
    return tuple(problems)


def _build(
    good: pl.DataFrame, raw: RawTable, ctx: Context, has: Callable[[str], bool], notes: list[str]
) -> pl.DataFrame:
    def col(field: str) -> pl.Expr:
        return pl.col(field) if has(field) else pl.lit(None, dtype=pl.String)

    if has("name"):
        name = pl.col("name")
    elif has("last_name") or has("first_name"):
        name = pl.concat_str([col("last_name"), col("first_name")], separator=", ",
                             ignore_nulls=True)
    else:
        name = pl.lit("")
    minutes = pl.coalesce(
        pl.col("_minutes").round().cast(pl.Int32),
        (pl.col("_hours") * 60).round().cast(pl.Int32),
        ((pl.col("_end") - pl.col("_start")).dt.total_minutes()).cast(pl.Int32),
    )
    whole_day = pl.coalesce(
        pl.col("_whole"),
        pl.col("_start").is_null() & minutes.is_null(),
    )
    out = good.with_columns(
        pupil_id=col("pupil_id") if has("pupil_id") else col("fnr"),
        name=name.fill_null(""),
        group=col("group").fill_null(""),
        contact=col("contact"),
        date=pl.col("_date"),
        start=pl.col("_start"),
        end=pl.col("_end"),
        minutes=minutes,
        whole_day=whole_day,
        subject=col("subject"),
        code=pl.col("code"),
        kind=pl.col("_kind").cast(pl.Enum(KINDS)),
        notified=pl.col("_notified"),
        comment=col("comment"),
        source=pl.lit(raw.path.name),
        source_row=pl.col("_row"),
    )
    out = _pseudonymise(out, ctx.key, has, notes)
    if has("date_to"):
        out = _expand_ranges(out, ctx.calendar, notes, raw)
    return out.select(list(record_schema())).cast(record_schema())  # type: ignore[arg-type]


def _pseudonymise(
    frame: pl.DataFrame, key: bytes, has: Callable[[str], bool], notes: list[str]
) -> pl.DataFrame:
    """Replace every fødselsnummer (an 11-digit value) by its keyed hash; never keep it."""
    ids = frame.get_column("pupil_id")
    fnrs = ids.filter(ids.str.contains(_FNR_ONLY)).unique().to_list()
    if fnrs:
        mapping = {f: hash_fnr(f, key) for f in fnrs}
        frame = frame.with_columns(pl.col("pupil_id").replace(mapping))
        notes.append(f"{len(fnrs)} fødselsnummer er erstattet med pseudonymer og lagres ikke.")
    if not has("pupil_id") and not has("fnr"):
        # No id at all: a keyed hash of name and group, stable across exports.
        pairs = frame.select("name", "group").unique()
        mapping = {
            f"{n}\x1f{g}": "navn-" + hash_fnr(f"{n}\x1f{g}", key)[4:]
            for n, g in pairs.iter_rows()
        }
        frame = frame.with_columns(
            pupil_id=pl.concat_str(["name", "group"], separator="\x1f").replace(mapping)
        )
        notes.append("Filen har ikke elevnummer; elevene er identifisert med navn og gruppe.")
    for text_col in ("name", "comment", "subject"):
        # Polars regexes have no look-around: a cheap pre-filter, then the exact pattern in Python.
        hit = frame.get_column(text_col).str.contains(r"\d{11}").fill_null(False)
        if hit.any():
            frame = frame.with_columns(
                pl.when(hit)
                .then(pl.col(text_col).map_elements(lambda t: mask_fnr_in_text(t, key),
                                                    return_dtype=pl.String))
                .otherwise(pl.col(text_col))
                .alias(text_col)
            )
    return frame


def _expand_ranges(
    frame: pl.DataFrame, calendar: SchoolCalendar, notes: list[str], raw: RawTable
) -> pl.DataFrame:
    """A notice from Fra dato to Til dato becomes one whole-day record per school day."""
    is_range = pl.col("_date_to").is_not_null() & (pl.col("_date_to") > pl.col("date"))
    ranges = frame.filter(is_range)
    if ranges.is_empty():
        return frame
    spans = ranges.select("date", "_date_to").unique()
    days = pl.DataFrame(
        [
            {"date": first, "_date_to": last, "_day": day}
            for first, last in spans.iter_rows()
            for day in calendar.school_days(first, last)
        ],
        schema={"date": pl.Date, "_date_to": pl.Date, "_day": pl.Date},
    )
    expanded = ranges.join(days, on=["date", "_date_to"], how="left")
    empty = expanded.filter(pl.col("_day").is_null())
    if not empty.is_empty():
        rows = ", ".join(str(r) for r in empty.get_column("source_row").head(MAX_LISTED_ROWS))
        notes.append(
            f"Rad {rows}: perioden dekker ingen skoledager (helg, helligdag eller ferie) "
            "og gir ikke fravær."
        )
    expanded = expanded.drop_nulls("_day").with_columns(
        date=pl.col("_day"), whole_day=pl.lit(True)
    ).drop("_day")
    notes.append(f"{ranges.height} perioder (fra–til dato) er delt opp i "
                 f"{expanded.height} skoledager.")
    combined = pl.concat([frame.filter(~is_range), expanded], how="vertical_relaxed")
    return combined.sort("source_row", "date", maintain_order=True)
