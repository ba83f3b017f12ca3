"""The guide's four school rules (product.md §3) as pure, vectorised functions.

Every function takes the canonical records (schema.py), the policy, the reference date and
the school calendar, and returns the flags per pupil. Nothing here reads files, looks at
the clock or prints. The work is done once per scan in :func:`prepare`, which filters to
the window and computes the per-day facts all rules share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import Policy, SchoolPolicy
from naervaer_cli.result import Flag
from naervaer_cli.rules.flags import SMALL, finish, grade, to_flags, window_start

PUPIL_DAY = ["pupil_id", "date"]
# Evidence order that does not depend on the order of the rows in the export.
_EVIDENCE_ORDER = ["pupil_id", "date", "start_min", "end_min", "subject", "code", "minutes"]
# Rows are sorted by the pupil's category code rather than its text: any order of the pupils
# does (each pupil's rows only need to be together), and numbers sort faster (measured:
# _last_blocks' sort 11 → 7 ms on the 1M realistic file; it now sorts by `day_key`).
_BY_PUPIL = pl.col("pupil_id").to_physical()


@dataclass(frozen=True)
class Prepared:
    """What every rule reads, computed once: the window's rows and its per-day facts.

    `pupil_id` is Categorical in `rows`, `days` and `left_days` (see `prepare`).
    """

    as_of: date
    first: date  # first day of `days` (the window's, or the term's if earlier)
    rows: pl.DataFrame  # records in the rule window with helper columns; `_row` is their number
    days: pl.DataFrame  # one row per pupil and date: whole_day, minutes, left, late
    left_days: pl.DataFrame  # pupil_id, date where the day's last absence block means «left»
    left_rows: pl.DataFrame  # `_row` of the rows in those blocks
    whole_keys: pl.Series  # `day_key()` of every day in `days` with whole-day absence
    data_first: date | None  # the earliest record's date (coverage.py), None without records


# Room for any 32-bit value inside one 64-bit key: number × this + (value + _OFFSET).
_WIDE = 1 << 32
_OFFSET = 1 << 31


def day_key() -> pl.Expr:
    """One integer per pupil and date (Categorical `pupil_id`, never null: the importer
    refuses a row without one): a pupil's days are together and in date order, so sorting
    by it sorts by pupil, then date, and grouping or an `is_in` on it replaces a two-column
    group_by or join (measured on the 1M realistic file: the days' group_by 65 → 51 ms CPU,
    `_last_blocks`' anti join 10.6 → 3.9 ms)."""
    date_part = (pl.col("date").to_physical().cast(pl.Int64) + _OFFSET).cast(pl.UInt64)
    return pl.col("pupil_id").to_physical().cast(pl.UInt64) * _WIDE + date_part


def _from_day_key() -> list[pl.Expr]:
    """pupil_id and date back from the `day` column (`day_key()`)."""
    # `cat.to` (codes back to the Categorical they came from) is marked unstable in Polars 2.1.
    pupil = (pl.col("day") // _WIDE).cast(pl.UInt32).cat.to(pl.Categorical)
    day = ((pl.col("day") % _WIDE).cast(pl.Int64) - _OFFSET).cast(pl.Int32).cast(pl.Date)
    return [pupil.alias("pupil_id"), day.alias("date")]


def _clock_minutes(column: str) -> pl.Expr:
    return pl.col(column).dt.hour().cast(pl.Int32) * 60 + pl.col(column).dt.minute().cast(pl.Int32)


def _school_day_bounds(school: SchoolPolicy) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for each row's school day start and end in minutes (group > grade > default)."""

    def minutes(t) -> int:
        return t.hour * 60 + t.minute

    # pl.when(...).then(...) chains; Polars types them as internal classes, so Any here.
    start: Any = None
    end: Any = None
    grade = pl.col("group").str.extract(r"^\s*(\d+)", 1).cast(pl.Int32, strict=False)
    cases = [(pl.col("group") == g, d) for g, d in school.group_days.items()]
    cases += [(grade == g, d) for g, d in school.grade_days.items()]
    for condition, day in cases:
        if start is None:
            start = pl.when(condition).then(pl.lit(minutes(day.start)))
            end = pl.when(condition).then(pl.lit(minutes(day.end)))
        else:
            start = start.when(condition).then(pl.lit(minutes(day.start)))
            end = end.when(condition).then(pl.lit(minutes(day.end)))
    default_start, default_end = pl.lit(minutes(school.day.start)), pl.lit(minutes(school.day.end))
    if start is None or end is None:
        return default_start.cast(pl.Int32), default_end.cast(pl.Int32)
    return start.otherwise(default_start).cast(pl.Int32), end.otherwise(default_end).cast(pl.Int32)


def _watched_subject(school: SchoolPolicy, subjects: pl.Series) -> pl.Expr:
    """The watched subject's display name for each row, by case-insensitive prefix, or null.

    Matching runs once per distinct subject name (a handful) rather than once per row.
    """
    names = subjects.drop_nulls().unique()
    cleaned = names.str.strip_chars().str.to_lowercase()
    found: dict[str, str] = {}
    for watched in reversed(school.subjects):  # the first subject in the policy wins
        hit = pl.Series([False] * len(names), dtype=pl.Boolean)
        for prefix in watched.prefixes:
            hit = hit | cleaned.str.starts_with(prefix)
        found.update(dict.fromkeys(names.filter(hit).to_list(), watched.name))
    if not found:
        return pl.lit(None, dtype=pl.String)
    return pl.col("subject").replace_strict(
        list(found), list(found.values()), default=None, return_dtype=pl.String
    )


def _lesson_text() -> pl.Expr:
    """Evidence for one lesson row, like "27.10 09:15–10:00 Matematikk"."""
    when = (
        pl.when(pl.col("whole_day"))
        .then(pl.lit("hele dagen"))
        .when(pl.col("start").is_not_null() & pl.col("end").is_not_null())
        .then(
            pl.concat_str(
                [
                    pl.col("start").dt.strftime("%H:%M"),
                    pl.lit("–"),
                    pl.col("end").dt.strftime("%H:%M"),
                ]
            )
        )
        .when(pl.col("start").is_not_null())
        .then(pl.col("start").dt.strftime("%H:%M"))
        .when(pl.col("minutes").is_not_null())
        .then(pl.concat_str([pl.col("minutes").cast(pl.String), pl.lit(" min")]))
    )
    return pl.concat_str(
        [pl.col("date").dt.strftime("%d.%m"), when, pl.col("subject")],
        separator=" ",
        ignore_nulls=True,
    )


_WHOLE, _LEFT, _LATE, _COUNTING = 1, 2, 4, 8
_COLUMNS = [
    "pupil_id",
    "group",
    "date",
    "start",
    "end",
    "minutes",
    "whole_day",
    "subject",
    "code",
    "kind",
]


def prepare(
    records: pl.DataFrame,
    policy: Policy,
    as_of: date,
    first: date | None = None,
    data_first: date | None = None,
) -> Prepared:
    """Filter to [first, as_of] (default: the rule window) and compute the shared per-day facts.

    `days` covers [first, as_of] (the signals need the whole term); `rows` and `left_*` only
    the rule window, which is all the rules read. `data_first`: where the data start when
    `records` are a part of them (one group); default: the earliest of `records`.
    """
    school = policy.school
    window_first = window_start(as_of, school.window_days)
    first = min(first or window_first, window_first)
    day_start, day_end = _school_day_bounds(school)
    # Enum membership is a lookup on the physical codes: much cheaper than comparing strings.
    counting = pl.col("kind").is_in(list(school.counting_kinds))
    whole = pl.col("whole_day").fill_null(False)
    # pupil_id as Categorical inside the rules: every per-pupil group_by, join and sort below
    # then hashes a number instead of a string (the flag frames are String again in
    # `finish`). With the window's plans collected in memory this gains ≈ 15 ms on the 1M
    # realistic file (run_scan 0.272 → 0.257 s); it did not pay on its own before.
    span = (
        records.lazy()
        # `_row`: the row's number in `records`, so a rule (or the scan) can go back to it.
        .with_row_index("_row")
        .select("_row", *_COLUMNS)
        .filter(pl.col("date").is_between(first, as_of))
        .with_columns(pl.col("pupil_id").cast(pl.Categorical))
    )
    # The per-day facts are packed into bits and OR-ed: one cheap aggregation instead of
    # four boolean ones over what can be millions of pupil-days.
    bits = (
        (counting & whole).cast(pl.UInt8) * _WHOLE
        + (pl.col("kind") == school.left_kind).cast(pl.UInt8) * _LEFT
        + (pl.col("kind") == school.late_kind).cast(pl.UInt8) * _LATE
        + counting.cast(pl.UInt8) * _COUNTING
    ).cast(pl.UInt8)
    lesson_minutes = pl.when(counting & ~whole).then(pl.col("minutes")).otherwise(0)
    per_group = bool(school.group_days or school.grade_days)
    days = (
        span.select(
            day_key().alias("day"),
            *(["group"] if per_group else []),
            bits=bits,
            lesson_minutes=lesson_minutes,
        )
        # Rows of kinds no rule reads (permisjon, presence) make no day.
        .filter(pl.col("bits") > 0)
        .group_by("day")
        .agg(
            pl.col("bits").bitwise_or(),
            pl.col("lesson_minutes").sum().alias("minutes"),
            *([pl.col("group").first()] if per_group else []),
        )
        .select(*_from_day_key(), pl.exclude("day"))
        .with_columns(
            whole_record=(pl.col("bits") & _WHOLE) > 0,
            left_record=(pl.col("bits") & _LEFT) > 0,
            late=(pl.col("bits") & _LATE) > 0,
            counting=(pl.col("bits") & _COUNTING) > 0,
            day_minutes=(day_end - day_start) if per_group else pl.lit(school.day.minutes),
        )
        .with_columns(
            whole_day=pl.col("whole_record") | (pl.col("minutes") >= school.whole_day_minutes),
        )
        .drop("bits", *(["group"] if per_group else []))
    )
    window = span.filter(pl.col("date") >= window_first)
    subjects = window.select(pl.col("subject").unique()).collect().get_column("subject")
    rows = (
        window.with_columns(
            counting=counting,
            whole=whole,
            start_min=_clock_minutes("start"),
            day_start=day_start,
            day_end=day_end,
            watched=_watched_subject(school, subjects),
            day=day_key(),
        )
        .with_columns(
            end_min=pl.coalesce(_clock_minutes("end"), pl.col("start_min") + pl.col("minutes")),
        )
        .drop("group")  # read only for the day's bounds; no rule needs it after
    )
    # Collected one after the other: on two cores that is faster than collect_all.
    days_frame, rows_frame = days.collect(), rows.collect()
    whole_days = days_frame.lazy().filter(pl.col("whole_day")).select(day_key())
    whole_keys = whole_days.collect().to_series()
    left_days, left_rows = _last_blocks(rows_frame, whole_keys, school)
    return Prepared(
        as_of=as_of,
        first=first,
        rows=rows_frame,
        days=days_frame,
        left_days=left_days,
        left_rows=left_rows,
        whole_keys=whole_keys,
        data_first=data_first or records.get_column("date").min(),  # type: ignore[arg-type]
    )


# Room for a minute-of-day inside one integer key: group number × this + minute.
_KEY = 1 << 12


def _last_blocks(
    rows: pl.DataFrame, whole_keys: pl.Series, school: SchoolPolicy
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The pupil-days whose last absence block (lessons ≤ gap apart) means «left», and its rows.

    Returns (pupil_id, date) of those days and `_row` of the rows in their last block.
    A running maximum of the end times carries a long lesson over the shorter ones inside
    it. To avoid a window function or a group_by per pupil-day, the frame is sorted once and
    every running value is taken over a key (pupil-day or block number × room + value) that
    cannot cross from one pupil-day or block into the next; a block's first-row values are
    carried forward and the day's last-row values backward. Whole-day absence days are left
    out: they cannot be «left during the day», and in real exports they hold most of the
    lesson rows.
    """
    new_day = (pl.col("day") != pl.col("day").shift(1)).fill_null(True)
    day_no = pl.col("day_no")
    previous = pl.col("running").shift(1)
    new_block = pl.col("new_block")
    # The block's values on its first row, carried to every row of the block.
    at_block_start = {
        name: pl.when(new_block).then(pl.col(column)).forward_fill()
        for name, column in (
            ("block_start", "start_min"),
            ("block_day_start", "day_start"),
            ("block_day_end", "day_end"),
        )
    }
    last_of_day = pl.col("last_of_day")
    block_end = pl.col("block_max") % _WIDE - _OFFSET
    left = (pl.col("block_start") >= pl.col("block_day_start") + school.left_min_after_start) & (
        block_end >= pl.col("block_day_end") - school.left_max_before_end
    )
    marked = (
        rows.lazy()
        .filter(
            pl.col("counting")
            & ~pl.col("whole")
            & pl.col("start_min").is_not_null()
            & pl.col("end_min").is_not_null()
            & ~pl.col("day").is_in(whole_keys.implode())
        )
        .select("_row", *PUPIL_DAY, "day", "start_min", "end_min", "day_start", "day_end")
        .sort("day", "start_min", "end_min")
        .with_columns(day_no=new_day.cast(pl.Int64).cum_sum())
        .with_columns(
            running=(day_no * _KEY + pl.col("end_min").clip(0, _KEY - 1)).cum_max(),
            last_of_day=day_no != day_no.shift(-1).fill_null(-1),
        )
        .with_columns(
            new_block=(previous // _KEY != day_no).fill_null(True)
            | (pl.col("start_min") - previous % _KEY > school.block_gap_minutes)
        )
        .with_columns(block=new_block.cast(pl.Int64).cum_sum(), **at_block_start)
        .with_columns(
            block_max=(
                pl.col("block") * _WIDE + pl.col("end_min").cast(pl.Int64) + _OFFSET
            ).cum_max()
        )
        # On the day's last row: is its block the last one, and does that block mean «left»?
        .with_columns(
            day_left=pl.when(last_of_day).then(left).backward_fill(),
            day_block=pl.when(last_of_day).then(pl.col("block")).backward_fill(),
        )
        .filter(pl.col("day_left") & (pl.col("block") == pl.col("day_block")))
        .select("_row", *PUPIL_DAY, "last_of_day")
        .collect(engine=SMALL)
    )
    left_days = marked.filter(pl.col("last_of_day")).select(PUPIL_DAY)
    return left_days, marked.select("_row")


def latest_rows(prep: Prepared, pupils: pl.LazyFrame) -> pl.Series:
    """`_row` of each pupil's records on their latest date in the window (pupils: pupil_id
    as String; those without records in the window have none)."""
    wanted = pupils.select(pl.col("pupil_id").cast(pl.Categorical))
    return (
        prep.rows.lazy()
        .select("_row", "pupil_id", "date")
        .join(wanted, on="pupil_id", how="semi")
        .filter(pl.col("date") == pl.col("date").max().over("pupil_id"))
        .collect(engine=SMALL)
        .get_column("_row")
    )


def _in_window(frame: pl.LazyFrame, prep: Prepared, policy: Policy) -> pl.LazyFrame:
    return frame.filter(pl.col("date") >= window_start(prep.as_of, policy.school.window_days))


def _with_evidence(
    graded: pl.LazyFrame,
    rows: pl.LazyFrame,
    keys: list[str],
    *evidence: pl.Expr,
    order: list[str] | None = None,
) -> pl.LazyFrame:
    """Add the evidence lists to the graded counts, built from the rows of those that fired.

    Counting is cheap; sorting rows and building date lists and lesson texts is not, and
    only the few pupils that reach a threshold need them.
    """
    picked = rows.join(graded.select(keys), on=keys, how="semi")
    if order is not None:
        by = [_BY_PUPIL if name == "pupil_id" else pl.col(name) for name in order]
        picked = picked.sort(by, nulls_last=True)
    lists = picked.group_by(keys, maintain_order=order is not None).agg(*evidence)
    return graded.join(lists, on=keys, how="left")


def absence_days_frame(prep: Prepared, policy: Policy) -> pl.DataFrame:
    whole = (
        _in_window(prep.days.lazy(), prep, policy)
        .filter(pl.col("whole_day"))
        .select(PUPIL_DAY)
        .collect()
        .lazy()
    )
    graded = grade(
        whole.group_by("pupil_id").agg(count=pl.len()), policy.school.rules["absence_days"]
    )
    flags = _with_evidence(graded, whole, ["pupil_id"], pl.col("date").unique().sort())
    return finish(flags.rename({"date": "dates"}), "absence_days")


def _left_days(prep: Prepared, policy: Policy) -> pl.LazyFrame:
    """pupil_id, date for days without whole-day absence where the pupil left."""
    # Both sources are small: filter the many days once, then add the block days not there.
    # (`left_days` holds only window days without whole-day absence.)
    by_record = (
        _in_window(prep.days.lazy(), prep, policy)
        .filter(pl.col("left_record") & ~pl.col("whole_day"))
        .select(PUPIL_DAY)
        .collect()
        .lazy()
    )
    by_block = prep.left_days.lazy().join(by_record, on=PUPIL_DAY, how="anti")
    return pl.concat([by_record, by_block], how="vertical")


def left_during_day_frame(prep: Prepared, policy: Policy) -> pl.DataFrame:
    # Rows sorted by date once, each group keeps their order (Polars keeps the order of the
    # rows within a group): faster than sorting every pupil's list (measured 6.5 → 2.9 ms).
    counts = (
        _left_days(prep, policy)
        .sort("date")
        .group_by("pupil_id")
        .agg(count=pl.len(), dates=pl.col("date"))
    )
    return finish(grade(counts, policy.school.rules["left_during_day"]), "left_during_day")


# What the evidence of a lesson rule reads from the rows.
_EVIDENCE_COLUMNS = sorted({*_EVIDENCE_ORDER, "whole_day", "start", "end"})


def single_lessons_frame(prep: Prepared, policy: Policy) -> pl.DataFrame:
    school = policy.school
    # The rows of each left day's last block are the leaving, not single lessons.
    lessons = (
        _in_window(prep.rows.lazy(), prep, policy)
        .filter(
            pl.col("kind").is_in(list(school.single_lesson_kinds))
            & ~pl.col("whole")
            & ~pl.col("day").is_in(prep.whole_keys.implode())
            & ~pl.col("_row").is_in(prep.left_rows.get_column("_row").implode())
        )
        .select(_EVIDENCE_COLUMNS)
        .collect(engine=SMALL)
        .lazy()
    )
    graded = grade(lessons.group_by("pupil_id").agg(count=pl.len()), school.rules["single_lessons"])
    flags = _with_evidence(
        graded,
        lessons,
        ["pupil_id"],
        pl.col("date").unique().sort().alias("dates"),
        _lesson_text().alias("lessons"),
        order=_EVIDENCE_ORDER,
    )
    return finish(flags, "single_lessons")


def subject_absence_frame(prep: Prepared, policy: Policy) -> pl.DataFrame:
    lessons = (
        _in_window(prep.rows.lazy(), prep, policy)
        .filter(pl.col("counting") & pl.col("watched").is_not_null())
        .select(*_EVIDENCE_COLUMNS, "watched")
        .collect(engine=SMALL)
        .lazy()
    )
    keys = ["pupil_id", "watched"]
    graded = grade(
        lessons.group_by(keys).agg(count=pl.col("date").n_unique()),
        policy.school.rules["subject_absence"],
    )
    flags = _with_evidence(
        graded,
        lessons,
        keys,
        pl.col("date").unique().sort().alias("dates"),
        _lesson_text().alias("lessons"),
        order=_EVIDENCE_ORDER,
    )
    return finish(flags.rename({"watched": "subject"}), "subject_absence")


RULE_FRAMES = {
    "absence_days": absence_days_frame,
    "left_during_day": left_during_day_frame,
    "single_lessons": single_lessons_frame,
    "subject_absence": subject_absence_frame,
}


def school_flag_frame(prep: Prepared, policy: Policy) -> pl.DataFrame:
    """All four rules' flags as one flag frame."""
    return pl.concat([make(prep, policy) for make in RULE_FRAMES.values()], how="vertical")


def _one(rule: str, records: pl.DataFrame, policy: Policy, as_of: date) -> dict[str, list[Flag]]:
    prep = prepare(records, policy, as_of)
    return to_flags(RULE_FRAMES[rule](prep, policy))


def absence_days(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> dict[str, list[Flag]]:
    """`absence_days`: distinct dates with whole-day absence in the window."""
    return _one("absence_days", records, policy, as_of)


def left_during_day(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> dict[str, list[Flag]]:
    """`left_during_day`: days the pupil came but left (forlot_skolen or the last-block rule)."""
    return _one("left_during_day", records, policy, as_of)


def single_lessons(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> dict[str, list[Flag]]:
    """`single_lessons`: undocumented/unprocessed lessons on days without whole-day absence."""
    return _one("single_lessons", records, policy, as_of)


def subject_absence(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> dict[str, list[Flag]]:
    """`subject_absence`: dates absent from each watched subject; one flag per subject."""
    return _one("subject_absence", records, policy, as_of)
