"""The barnehage rules (product.md §4) as pure, vectorised functions.

The guide sets no fixed limit for kindergartens and notes that the youngest are often away,
so `high_absence` compares a child with the children of the same age band in the same scan
(one export is one barnehage). Every number comes from the policy's `[kindergarten]` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import KindergartenPolicy, Policy
from naervaer_cli.result import Flag
from naervaer_cli.rules.flags import finish, grade, hhmm, to_flags, window_start

_COLUMNS = [
    "pupil_id",
    "date",
    "kind",
    "notified",
    "arrived",
    "departed",
    "birth_date",
    "age_group",
]
# Slack so that a count equal to an interpolated percentile counts as reaching it.
_EPS = 1e-9


def _window(records: pl.DataFrame, kg: KindergartenPolicy, as_of: date) -> pl.LazyFrame:
    first = window_start(as_of, kg.window_days)
    present = [c for c in _COLUMNS if c in records.columns]
    frame = records.lazy().select(present).filter(pl.col("date").is_between(first, as_of))
    missing = [c for c in _COLUMNS if c not in present]
    if missing:  # an older canonical frame without the barnehage columns
        frame = frame.with_columns(pl.lit(None).alias(c) for c in missing)
    return frame


def unnotified_absence_frame(win: pl.LazyFrame, kg: KindergartenPolicy) -> pl.DataFrame:
    """Absence days the parents gave no notice of (Meldt = Nei)."""
    counts = (
        win.filter(pl.col("kind").is_in(list(kg.unnotified_kinds)) & (pl.col("notified") == False))  # noqa: E712 - null (unknown) is not "no"
        .group_by("pupil_id")
        .agg(count=pl.col("date").n_unique(), dates=pl.col("date").unique().sort())
    )
    return finish(grade(counts, kg.rules["unnotified_absence"]), "unnotified_absence")


def _age(as_of: date) -> pl.Expr:
    """Whole years from birth_date to as_of, else the first number in age_group."""
    birth = pl.col("birth_date")
    had_birthday = (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
        <= as_of.month * 100 + as_of.day
    )
    from_birth = (
        pl.lit(as_of.year) - birth.dt.year().cast(pl.Int32) - (~had_birthday).cast(pl.Int32)
    )
    from_group = pl.col("age_group").str.extract(r"(\d+)", 1).cast(pl.Int32, strict=False)
    return pl.coalesce(from_birth, from_group)


def _band(kg: KindergartenPolicy, age: pl.Expr) -> pl.Expr:
    """The age band's index; ages outside every band go to the nearest; unknown age is -1."""
    expr: pl.Expr = pl.lit(-1, dtype=pl.Int32)
    last = len(kg.age_bands) - 1
    expr = pl.when(age > kg.age_bands[last][1]).then(pl.lit(last)).otherwise(expr)
    for index in range(last, -1, -1):
        low, high = kg.age_bands[index]
        expr = pl.when(age.is_between(low, high)).then(pl.lit(index)).otherwise(expr)
    expr = pl.when(age < kg.age_bands[0][0]).then(pl.lit(0)).otherwise(expr)
    return expr.cast(pl.Int32)


def high_absence_frame(win: pl.LazyFrame, kg: KindergartenPolicy, as_of: date) -> pl.DataFrame:
    """Absence days at or above the age band's percentile, and at least the watch number."""
    rule = kg.rules["high_absence"]
    children = win.group_by("pupil_id").agg(
        pl.col("birth_date").drop_nulls().max(), pl.col("age_group").drop_nulls().max()
    )
    absent = (
        win.filter(pl.col("kind").is_in(list(kg.absence_kinds)))
        .group_by("pupil_id")
        .agg(count=pl.col("date").n_unique(), dates=pl.col("date").unique().sort())
    )
    quantile = kg.high_absence_percentile / 100
    # The guide's "at least N days" on top of the relative test: watch, else concern.
    at_least = rule.watch if rule.watch is not None else (rule.concern or 0)
    per_child = (
        children.join(absent, on="pupil_id", how="left")
        .with_columns(count=pl.col("count").fill_null(0), band=_band(kg, _age(as_of)))
        .with_columns(percentile=pl.col("count").quantile(quantile, "linear").over("band"))
        .filter((pl.col("count") + _EPS >= pl.col("percentile")) & (pl.col("count") >= at_least))
    )
    is_concern = (pl.col("count") >= rule.concern) if rule.concern is not None else pl.lit(False)
    reached = pl.when(is_concern).then(pl.lit(rule.concern or 0)).otherwise(pl.lit(at_least))
    graded = per_child.with_columns(
        severity=pl.when(is_concern).then(pl.lit("concern")).otherwise(pl.lit("watch")),
        threshold=pl.max_horizontal(
            (pl.col("percentile") - _EPS).ceil().cast(pl.Int64), reached.cast(pl.Int64)
        ),
    )
    return finish(graded, "high_absence")


def pickup_dropoff_frame(win: pl.LazyFrame, kg: KindergartenPolicy) -> pl.DataFrame:
    """Days present with a pick-up after closing time or a missing check-in/out."""
    closing = kg.closing_time.hour * 60 + kg.closing_time.minute
    departed = pl.col("departed").dt.hour().cast(pl.Int32) * 60 + pl.col(
        "departed"
    ).dt.minute().cast(pl.Int32)
    day = pl.col("date").dt.strftime("%d.%m")
    text = (
        pl.when(pl.col("arrived").is_null() & pl.col("departed").is_null())
        .then(pl.concat_str(day, pl.lit(" mangler innsjekk og utsjekk")))
        .when(pl.col("arrived").is_null())
        .then(pl.concat_str(day, pl.lit(" mangler innsjekk")))
        .when(pl.col("departed").is_null())
        .then(pl.concat_str(day, pl.lit(" mangler utsjekk")))
        .otherwise(pl.concat_str(day, pl.lit(" hentet "), hhmm(departed)))
    )
    counts = (
        win.filter(pl.col("kind") == kg.present_kind)
        .filter(pl.col("arrived").is_null() | pl.col("departed").is_null() | (departed > closing))
        .with_columns(text=text)
        .sort("pupil_id", "date", "text")
        .group_by("pupil_id", maintain_order=True)
        .agg(
            count=pl.col("date").n_unique(),
            dates=pl.col("date").unique().sort(),
            lessons=pl.col("text"),
        )
    )
    return finish(grade(counts, kg.rules["pickup_dropoff"]), "pickup_dropoff")


def kindergarten_flag_table(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> pl.DataFrame:
    """The three barnehage rules as one flag frame."""
    kg = policy.kindergarten
    win = _window(records, kg, as_of).collect().lazy()
    return pl.concat(
        [
            unnotified_absence_frame(win, kg),
            high_absence_frame(win, kg, as_of),
            pickup_dropoff_frame(win, kg),
        ],
        how="vertical",
    )


def kindergarten_flags(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar | None = None
) -> Mapping[str, list[Flag]]:
    """The three barnehage rules, flags per child."""
    return to_flags(kindergarten_flag_table(records, policy, as_of, calendar))
