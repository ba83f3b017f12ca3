"""Extra watch signals beyond the guide (§3): consecutive days, late arrivals, weekday
pattern, rising trend and the term's absence share. Pure and vectorised like the rules."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.coverage import uncovered_start
from naervaer_cli.policy import Policy
from naervaer_cli.result import Flag
from naervaer_cli.rules.flags import finish, to_flags, window_start
from naervaer_cli.rules.school import PUPIL_DAY, Prepared, prepare

# Floating point slack so that "exactly 2×" or "exactly 10 %" counts as reached.
_EPS = 1e-9
_WEEK_DAYS = timedelta(weeks=1).days


def signals_first_day(policy: Policy, as_of: date) -> date:
    """The earliest date the signals need (the term start or the window start)."""
    return min(policy.term_start(as_of), window_start(as_of, policy.school.window_days))


def _school_days(calendar: SchoolCalendar, first: date, last: date) -> pl.DataFrame:
    days = calendar.school_days(first, last) if first <= last else []
    return pl.DataFrame(
        {"date": days, "idx": list(range(len(days)))},
        schema={"date": pl.Date(), "idx": pl.Int64()},
    )


def _day_share() -> pl.Expr:
    """The share of the school day a pupil was absent (1 for whole-day absence)."""
    partial = (pl.col("minutes").fill_null(0) / pl.col("day_minutes")).clip(0.0, 1.0)
    return pl.when(pl.col("whole_day")).then(pl.lit(1.0)).otherwise(partial)


def signal_flag_frame(prep: Prepared, policy: Policy, calendar: SchoolCalendar) -> pl.DataFrame:
    """All extra signals as one flag frame (severity watch, signal true)."""
    sig = policy.school.signals
    as_of = prep.as_of
    first = window_start(as_of, policy.school.window_days)
    frames: list[pl.DataFrame] = []
    days = prep.days.lazy()
    whole = days.filter(pl.col("whole_day")).select(PUPIL_DAY)

    # Consecutive whole-day absence on school days: Friday and Monday are neighbours.
    window_days = _school_days(calendar, first, as_of).lazy()
    runs = (
        whole.join(window_days, on="date")
        # Fewer whole school days than the minimum make no such run: most pupils go here.
        .filter(pl.len().over("pupil_id") >= sig.consecutive_min)
        .sort(["pupil_id", "idx"])
        .with_columns(run=pl.col("idx") - pl.int_range(pl.len()).over("pupil_id"))
        # The rows are in date order here, and a group keeps the order of its rows.
        .group_by("pupil_id", "run")
        .agg(count=pl.len(), dates=pl.col("date"), last=pl.col("date").max())
        .sort(["pupil_id", "count", "last"])
        .group_by("pupil_id")
        .agg(pl.col("count").last(), pl.col("dates").last())
        .filter(pl.col("count") >= sig.consecutive_min)
        .with_columns(severity=pl.lit("watch"), threshold=pl.lit(sig.consecutive_min))
    )
    frames.append(finish(runs, "consecutive_days", signal=True))

    late = (
        days.filter(pl.col("late") & (pl.col("date") >= first))
        # Sorted once rather than per pupil: a group keeps the order of its rows.
        .sort("date")
        .group_by("pupil_id")
        .agg(count=pl.len(), dates=pl.col("date"))
        .filter(pl.col("count") >= sig.late_min)
        .with_columns(severity=pl.lit("watch"), threshold=pl.lit(sig.late_min))
    )
    frames.append(finish(late, "late_arrivals", signal=True))

    pattern_first = as_of - timedelta(weeks=sig.weekday_weeks) + timedelta(days=1)
    pattern_days = _school_days(calendar, pattern_first, as_of).lazy()
    pattern = (
        whole.join(pattern_days, on="date")
        .filter(pl.len().over("pupil_id") >= sig.weekday_min)
        .with_columns(
            week=(pl.lit(as_of) - pl.col("date")).dt.total_days() // _WEEK_DAYS,
            weekday=pl.col("date").dt.weekday(),
        )
        .group_by("pupil_id", "weekday")
        .agg(count=pl.col("week").n_unique(), dates=pl.col("date").sort())
        .filter(pl.col("count") >= sig.weekday_min)
        .group_by("pupil_id")
        .agg(
            count=pl.col("count").max(),
            dates=pl.col("dates")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique()
            .sort(),
        )
        .with_columns(severity=pl.lit("watch"), threshold=pl.lit(sig.weekday_min))
    )
    frames.append(finish(pattern, "weekday_pattern", signal=True))

    frames += _term_signals(prep, policy, calendar)
    return pl.concat(frames, how="vertical")


def _term_signals(prep: Prepared, policy: Policy, calendar: SchoolCalendar) -> list[pl.DataFrame]:
    """Rising trend and term share, both measured in school days of absence."""
    sig = policy.school.signals
    as_of = prep.as_of
    term_first = policy.term_start(as_of)
    recent_first = as_of - timedelta(days=sig.rising_recent_days - 1)
    term_days = _school_days(calendar, term_first, as_of)
    term_n = term_days.height
    recent_n = term_days.filter(pl.col("date") >= recent_first).height
    if term_n == 0:
        return []
    shares = (
        prep.days.lazy()
        .filter(pl.col("date").is_in(term_days.get_column("date").implode()))
        .select("pupil_id", "date", share=_day_share())
        .filter(pl.col("share") > 0)
        .collect()
    )
    recent = pl.col("date") >= recent_first
    # Numbers first; the date lists are built only for the pupils a signal fires for.
    # Collected once: both signals read it.
    per_pupil = (
        shares.lazy()
        .group_by("pupil_id")
        .agg(
            term=pl.col("share").sum(),
            recent=pl.col("share").filter(recent).sum(),
        )
        .collect()
        .lazy()
    )

    def with_dates(fired: pl.LazyFrame, only_recent: bool) -> pl.LazyFrame:
        picked = shares.lazy().filter(recent) if only_recent else shares.lazy()
        dates = (
            picked.join(fired.select("pupil_id"), on="pupil_id", how="semi")
            .sort("date")  # once, not per pupil: a group keeps the order of its rows
            .group_by("pupil_id")
            .agg(dates=pl.col("date"))
        )
        return fired.join(dates, on="pupil_id", how="left")

    out = []
    term_rate = pl.col("term") / term_n
    share = (
        per_pupil.with_columns(percent=term_rate * 100)
        .filter(pl.col("percent") + _EPS >= sig.term_share_percent)
        .with_columns(
            count=(pl.col("percent") + _EPS).floor().cast(pl.Int64),
            severity=pl.lit("watch"),
            threshold=pl.lit(sig.term_share_percent),
        )
    )
    out.append(finish(with_dates(share, only_recent=False), "term_share", signal=True))
    # With the term's start missing from the data the term's rate is too low, and a recent
    # rate would look twice as high when it is not: the trend is not judged (scan says so).
    covered = uncovered_start(prep.data_first, calendar, term_first, as_of) is None
    if covered and recent_n and term_n > recent_n:
        recent_rate = pl.col("recent") / recent_n
        rising = per_pupil.filter(
            (pl.col("recent") + _EPS >= sig.rising_min_recent_days)
            & (recent_rate + _EPS >= sig.rising_factor * term_rate)
        ).with_columns(
            count=(recent_rate * 100 + _EPS).floor().cast(pl.Int64),
            threshold=(sig.rising_factor * term_rate * 100 - _EPS).ceil().cast(pl.Int64),
            severity=pl.lit("watch"),
        )
        out.append(finish(with_dates(rising, only_recent=True), "rising_trend", signal=True))
    return out


def signal_flags(
    records: pl.DataFrame,
    policy: Policy,
    as_of: date,
    calendar: SchoolCalendar,
    data_first: date | None = None,
) -> dict[str, list[Flag]]:
    """The extra watch signals per pupil (`data_first`: see `prepare`)."""
    prep = prepare(records, policy, as_of, signals_first_day(policy, as_of), data_first)
    return to_flags(signal_flag_frame(prep, policy, calendar))
