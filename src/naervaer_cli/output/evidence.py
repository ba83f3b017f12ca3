"""The result's flags in columns, for the spreadsheets (CSV, XLSX): per pupil, per flag date.

Read from the scan's flag frame (`ScanResult.flag_source`) without a Flag object per flag: at
1M rows that is 22 000 flags and 130 000 dates. Pupils whose flags were set by hand (tests,
a filtered result) are read from their Flag values, so every result renders the same way.
The words are the table's (labels.py); only the gathering is done in columns here.
"""

from __future__ import annotations

import polars as pl

from naervaer_cli.output import labels
from naervaer_cli.result import Flag, Flags, ScanResult
from naervaer_cli.rules.flags import FLAG_COLUMNS
from naervaer_cli.words import DATE_FORMAT, SHORT_DATE_FORMAT


def flag_frame(result: ScanResult, *, ordered: bool = True) -> pl.DataFrame:
    """The flags of the result's pupils as one flag frame: the scan's own frame for pupils
    whose flags are its Flags, their Flag values for the others. Each pupil's flags are in
    their own order; with `ordered` the pupils are too (one after the other, as the result
    lists them), else the frame may hold other pupils' flags as well (JSON looks them up)."""
    source = result.flag_source
    from_source: list[str] = []
    own: list[tuple[str, Flag]] = []
    for pupil in result.pupils:
        if isinstance(pupil.flags, Flags) and source is not None and pupil.flags.source is source:
            from_source.append(pupil.pupil_id)
        else:
            own += [(pupil.pupil_id, flag) for flag in pupil.flags]
    parts = []
    if source is not None and from_source:
        frame = source.frame
        if len(from_source) != len(result.pupils) or ordered:
            frame = frame.filter(pl.col("pupil_id").is_in(from_source))
        parts.append(frame)
    if own:
        rows = [
            (pid, f.rule, f.severity, f.count, f.threshold, list(f.dates), f.subject)
            + (list(f.lessons), f.signal)
            for pid, f in own
        ]
        parts.append(pl.DataFrame(rows, schema=FLAG_COLUMNS, orient="row"))
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=FLAG_COLUMNS)
    if not ordered:
        return frame
    place = {pupil.pupil_id: n for n, pupil in enumerate(result.pupils)}
    return frame.sort(
        pl.col("pupil_id").replace_strict(place, return_dtype=pl.Int32), maintain_order=True
    )


def day_texts(day: pl.Expr, days: pl.Series, fmt: str, quote: str = "") -> pl.Expr:
    """The dates of `day` as text in `fmt` (between `quote`s). `days` holds every date it may
    give: a few dozen among 130 000 at 1M rows, each formatted once and looked up (half the
    time of formatting every one)."""
    if days.is_empty():  # Polars refuses an empty mapping
        return pl.concat_str(pl.lit(quote), day.dt.to_string(fmt), pl.lit(quote))
    texts = pl.select(
        pl.concat_str(pl.lit(quote), pl.lit(days).dt.to_string(fmt), pl.lit(quote))
    ).to_series()
    return day.replace_strict(days, texts, return_dtype=pl.String)


def pupil_evidence(result: ScanResult, frame: pl.DataFrame) -> pl.DataFrame:
    """Each pupil's flags in one line and the dates they counted (`frame` is
    flag_frame(result)), in the result's order: columns `flags` ("Fraværsdager 8 (grense 7)
    26.10–19.11, …"), `first` and `last` (dates), and `dates` ("26.10.2026, 27.10.2026");
    "" and null for a pupil without a flag."""
    who = pl.DataFrame(
        {"pupil_id": [p.pupil_id for p in result.pupils]}, schema={"pupil_id": pl.String}
    )
    if frame.is_empty():
        # with_columns, not select: literals alone would make one row
        return who.with_columns(
            flags=pl.lit("", pl.String),
            first=pl.lit(None, pl.Date),
            last=pl.lit(None, pl.Date),
            dates=pl.lit("", pl.String),
        ).drop("pupil_id")
    # A flag's short text depends only on these: each distinct one is written once.
    keys = ["rule", "severity", "count", "threshold", "subject", "signal", "first", "last"]
    flags = frame.select(
        "pupil_id",
        *keys[:6],
        first=pl.col("dates").list.first(),
        last=pl.col("dates").list.last(),
    )
    distinct = flags.select(keys).unique(maintain_order=True)
    texts = [
        labels.flag_short(
            Flag(
                rule=rule,
                severity=severity,
                count=count,
                threshold=threshold,
                dates=(first, last) if first is not None else (),
                subject=subject,
                signal=signal,
            ),
            result.labels,
            result.limits,
        )
        for rule, severity, count, threshold, subject, signal, first, last in distinct.iter_rows()
    ]
    # Gathering into lists and joining them is twice as fast as str.join in the group_by.
    shown = (
        flags.join(
            distinct.with_columns(text=pl.Series(texts, dtype=pl.String)),
            on=keys,
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        .group_by("pupil_id", maintain_order=True)
        .agg("text")
        .select("pupil_id", text=pl.col("text").list.join(", "))
    )
    days = (
        frame.select("pupil_id", "dates")
        .group_by("pupil_id")
        .agg(pl.col("dates").list.explode(keep_nulls=False, empty_as_null=False).unique().sort())
    )
    distinct_days = frame.get_column("dates").explode().drop_nulls().unique()
    return (
        who.join(shown, on="pupil_id", how="left", maintain_order="left")
        .join(days, on="pupil_id", how="left", maintain_order="left")
        .select(
            flags=pl.col("text").fill_null(""),
            first=pl.col("dates").list.first(),
            last=pl.col("dates").list.last(),
            dates=pl.col("dates")
            .list.eval(day_texts(pl.element(), distinct_days, DATE_FORMAT))
            .list.join(", ")
            .fill_null(""),
        )
    )


def date_rows(result: ScanResult, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per flag and date (`frame` is flag_frame(result)): `flag` (its place in the
    frame), pupil_id, rule (the label), status, count, threshold, day, and `lessons`: the
    flag's lessons on that day ("27.10 09:15–10:00 Matte; …", "" when none)."""
    flags = frame.with_row_index("flag")
    # Every lesson names its own day first ("27.10 09:15–10:00 Matte", rules/school.py
    # _lesson_text): that is the key.
    lessons = (
        flags.select("flag", "lessons")
        .explode("lessons")
        .drop_nulls("lessons")
        .group_by("flag", day=pl.col("lessons").str.slice(0, 5), maintain_order=True)
        .agg(pl.col("lessons").str.join("; "))
    )
    days = frame.get_column("dates").explode().drop_nulls().unique()
    pairs = flags.select("rule", "subject").unique(maintain_order=True)
    names = pairs.with_columns(
        label=pl.Series(
            [
                labels.rule_label(rule, result.labels, subject)
                for rule, subject in pairs.iter_rows()
            ],
            dtype=pl.String,
        ),
    )
    return (
        flags.select(
            "flag", "pupil_id", "rule", "subject", "severity", "count", "threshold", "dates"
        )
        .explode("dates")
        .drop_nulls("dates")
        .rename({"dates": "day"})
        .join(names, on=["rule", "subject"], how="left", nulls_equal=True, maintain_order="left")
        .join(
            lessons,
            left_on=["flag", day_texts(pl.col("day"), days, SHORT_DATE_FORMAT)],
            right_on=["flag", "day"],
            how="left",
            maintain_order="left",
        )
        .select(
            "flag",
            "pupil_id",
            rule="label",
            status=pl.col("severity").replace_strict(
                {s: labels.status_label(s) for s in ("concern", "watch")},
                default=pl.col("severity"),
            ),
            count="count",
            threshold="threshold",
            day="day",
            lessons=pl.col("lessons").fill_null(""),
        )
    )
