"""The scan: rules + level suggestion for every pupil (its §10 JSON form is in result.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import UsageError
from naervaer_cli.gcpause import gc_paused
from naervaer_cli.levels import evaluation_overdue, suggest
from naervaer_cli.policy import Policy
from naervaer_cli.result import CaseSummary, Flag, Flags, PupilResult, ScanResult, Setting
from naervaer_cli.rules.flags import SMALL, FlagTable

# Norwegian alphabetical order puts Æ, Ø, Å after Z (Unicode has Å before Æ); other
# accents sort with their base letter (é as e).
_HOLD = str.maketrans({"æ": "\uf000", "ø": "\uf001", "å": "\uf002"})
_AFTER_Z = str.maketrans({"\uf000": "{", "\uf001": "|", "\uf002": "}"})


def _slow_nordic_key(folded: str) -> str:
    held = unicodedata.normalize("NFC", folded).translate(_HOLD)
    bare = "".join(c for c in unicodedata.normalize("NFD", held) if not unicodedata.combining(c))
    return bare.translate(_AFTER_Z)


# The key of each precomposed Latin letter whose key is ASCII (ø → "|", é → "e"). A string
# of ASCII and such letters only is already NFC and decomposes letter by letter, so its key
# is the concatenation of the letters' keys: one translate instead of two normalisations.
_LETTER_KEYS = str.maketrans(
    {
        chr(c): key
        for c in range(0xC0, 0x250)
        if chr(c).casefold() == chr(c) and (key := _slow_nordic_key(chr(c))).isascii()
    }
)


def nordic_key(text: str) -> str:
    """A sort key in Norwegian alphabetical order, case-insensitive."""
    folded = (text or "").casefold()
    if folded.isascii():
        return folded
    fast = folded.translate(_LETTER_KEYS)
    # Anything left outside ASCII (a combining mark, another script) takes the full path.
    return fast if fast.isascii() else _slow_nordic_key(folded)


_PARTS = re.compile(r"\d+|\D+")


@lru_cache(maxsize=65536)
def group_key(group: str) -> tuple[Any, ...]:
    """Natural order for groups: 2B before 10A."""
    # A list, not a generator, and the pattern compiled once: a scan keys thousands of
    # groups (measured: 2 769 groups 4.9 → 3.7 ms).
    return tuple(
        [
            (0, int(part), "") if part.isdigit() else (1, 0, nordic_key(part))
            for part in _PARTS.findall(group or "")
        ]
    )


def latest_date(records: pl.DataFrame, today: date | None = None) -> date | None:
    """The latest date in the records not after `today` (when given): the default reference
    date, so one mistyped future date cannot move it."""
    dates = records.get_column("date")
    if today is not None:
        dates = dates.filter(dates <= today)
    if dates.is_empty():
        return None
    return dates.max()  # type: ignore[return-value]


@gc_paused()
def scan(
    records: pl.DataFrame,
    policy: Policy,
    *,
    as_of: date | None = None,
    calendar: SchoolCalendar | None = None,
    cases: Mapping[str, CaseSummary] | None = None,
    group: str | None = None,
    setting: Setting = "skole",
) -> ScanResult:
    """Run the policy's rules over `records` and suggest a level for every flagged pupil.

    `as_of` defaults to the latest date in the data (before the group filter, so every group
    of one export shares it). Pupils with an open case whose evaluation is due appear even
    when no rule fires.
    """
    calendar = calendar or SchoolCalendar()
    cases = cases or {}
    if as_of is None:
        as_of = latest_date(records)
        if as_of is None:
            raise UsageError(
                "Eksporten har ingen fraværsrader, så referansedatoen kan ikke finnes. "
                "Oppgi den med --as-of ÅÅÅÅ-MM-DD."
            )
    from naervaer_cli.coverage import record_dates

    # The days the export holds (coverage.py), before the group filter: one group's first
    # absence may come later than the others'.
    dates = record_dates(records)
    data_first = min(dates, default=None)
    if group is not None:
        records = records.filter(pl.col("group").is_in(_matching_groups(records, group)))
    seen = records.lazy().filter(pl.col("date") <= as_of)
    notes = coverage_notes(dates, policy, setting, as_of, calendar)
    overdue = [pid for pid, case in cases.items() if evaluation_overdue(case, as_of)]
    if setting == "skole":
        from naervaer_cli.rules.combined import prepared_flag_table, school_prepare
        from naervaer_cli.rules.school import latest_rows

        # pupil_id as Categorical once, for the count and the rules (which work on its
        # codes): one pass over the pupils' text instead of two. Measured on the 1M
        # realistic file, first scan in the process, wall: the count 11 and the rules' days
        # with their cast 76 ms, against the cast 36, the count 5 and the days 31. Cast
        # through a query: the eager cast took 55 ms CPU against 17 (warm).
        ids = records.lazy().select(pl.col("pupil_id").cast(pl.Categorical)).collect()
        coded = records.with_columns(ids.to_series())
        scanned = _pupils_seen(coded, as_of)
        prep = school_prepare(coded, policy, as_of, data_first)
        del coded
        table = prepared_flag_table(prep, policy, calendar)
        wanted = _wanted(table, overdue)
        # The rules' window rows know each pupil's latest date there, so only the records
        # of that date are read back for the names (measured on the 1M realistic file:
        # 26 → 9 ms against a query over the window's records).
        latest = latest_rows(prep, wanted.lazy().select("pupil_id"))
        del prep
        on_latest = (
            records.lazy()
            .with_row_index("_row")
            .filter(pl.col("_row").is_in(latest.implode()))
            .select("pupil_id", "name", "group", "contact")
            .collect()
        )
        # The few rows found are grouped in memory (measured: 19 → 13 ms with the search).
        found = _identities(on_latest.lazy()).collect(engine=SMALL)
    else:
        from naervaer_cli.rules.kindergarten import kindergarten_flag_table

        scanned = _pupils_seen(records, as_of)
        table = kindergarten_flag_table(records, policy, as_of, calendar)
        wanted = _wanted(table, overdue)
        # A flagged child has records in the window, so their latest record is there too.
        first = as_of - timedelta(days=policy.window_days(setting) - 1)
        found = _identity_query(
            seen.filter(pl.col("date") >= first), wanted.lazy().select("pupil_id")
        ).collect()
    # The flags stay one frame: each pupil's Flag values are built only if something reads
    # them (a table, a mail, a level suggestion for a case); JSON renders from the frame.
    flag_table = FlagTable(table)
    del table
    # Pupils without records in the window (an overdue case; a term signal) are looked up
    # in the whole history.
    missing = wanted.join(found, on="pupil_id", how="anti")
    absent: list[str] = []
    if missing.height:
        found = pl.concat(
            [found, _identity_query(seen, missing.lazy().select("pupil_id")).collect()]
        )
        # An overdue case whose pupil the files do not hold is listed apart, by number only.
        absent = sorted(wanted.join(found, on="pupil_id", how="anti").get_column("pupil_id"))
    listed = _in_order(wanted.join(found, on="pupil_id"))
    cases, unanswered = _with_presence(cases, records, policy, setting, as_of, calendar, dates)
    if unanswered:
        from naervaer_cli.words import count_text

        notes.append(
            f"«Har nærværet økt?» er ikke beregnet for {count_text(setting, unanswered)}: "
            "dataene dekker ikke hele perioden før og etter tiltaket (se over)."
        )
    pupils = []
    # Without a case every pupil gets the same NIVÅ 0 suggestion: build it once.
    first_level = suggest((), None, policy, setting, as_of)
    no_flags: tuple[Flag, ...] = ()
    columns = ("pupil_id", "name", "group", "contact", "concern", "flagged")
    for pid, name, grp, contact, concern, flagged in zip(
        *(listed.get_column(c).to_list() for c in columns), strict=True
    ):
        flags = Flags(flag_table, pid) if flagged else no_flags
        case = cases.get(pid)
        pupils.append(
            PupilResult(
                pid,
                name,
                grp,
                contact,
                "concern" if concern else "watch",
                flags,
                first_level if case is None else suggest(flags, case, policy, setting, as_of),
                case,
            )
        )
    return ScanResult(
        as_of=as_of,
        window_days=policy.window_days(setting),
        policy=policy.name,
        setting=setting,
        pupils=tuple(pupils),
        pupils_scanned=scanned,
        talk_to_child=policy.talk_to(setting),
        notes=tuple(notes),
        incomplete=tuple(notes),  # every note the scan makes says what it could not see
        labels=policy.labels,
        not_in_export=tuple(cases[pid] for pid in absent if group is None and pid in cases),
        limits=policy.limits,
        flag_source=flag_table,
    )


def coverage_notes(
    dates: Collection[date], policy: Policy, setting: Setting, as_of: date, calendar: SchoolCalendar
) -> list[str]:
    """What the scan cannot see when the data (the days with records) start after the
    window's or the term's first school week, or miss a school week inside them
    (coverage.py): the counts are too low, the term's share too, and a rising trend is
    not judged over a term whose start is missing."""
    from naervaer_cli.coverage import BREAK_HINT, gaps, uncovered_start
    from naervaer_cli.rules.flags import window_start
    from naervaer_cli.rules.signals import signals_first_day
    from naervaer_cli.words import date_text, words

    data_first = min(dates, default=None)
    if data_first is None or data_first > as_of:  # cli.scan.scope_warnings says so
        return []
    notes = []
    starts = f"Dataene starter {date_text(data_first)}"
    first = window_start(as_of, policy.window_days(setting))
    day = uncovered_start(data_first, calendar, first, as_of)
    if day is not None:
        notes.append(
            f"{starts}, etter vinduets første {words(setting).day} {date_text(day)}: "
            "fravær før det er ikke med, så tellingene kan være for lave."
        )
    if setting == "skole":
        day = uncovered_start(data_first, calendar, policy.term_start(as_of), as_of)
        if day is not None:
            labels = policy.labels
            notes.append(
                f"{starts}, etter terminens første skoledag {date_text(day)}: "
                f"«{labels['rising_trend']}» er ikke vurdert, og «{labels['term_share']}» "
                "kan være for lav."
            )
    labels = policy.labels
    span = signals_first_day(policy, as_of) if setting == "skole" else first
    for gap_first, gap_last, count in gaps(dates, calendar, span, as_of):
        what = (
            "tellingene i vinduet kan være for lave"
            if gap_last >= first
            else f"«{labels['term_share']}» kan være for lav og «{labels['rising_trend']}» "
            "slå ut for lett"
        )
        notes.append(
            f"Dataene har ingen registreringer {date_text(gap_first)}–{date_text(gap_last)} "
            f"({count} {words(setting).day}er). {BREAK_HINT}; ellers mangler data der, og "
            f"{what}."
        )
    return notes


def _pupils_seen(records: pl.DataFrame, as_of: date) -> int:
    """How many pupils have a record dated `as_of` or earlier."""
    dates = records.get_column("date")
    seen = records.lazy()
    # Every record counts in the usual case (as_of is the latest date): then no filter.
    if dates.null_count() or (not dates.is_empty() and dates.max() > as_of):  # type: ignore[operator]
        seen = seen.filter(pl.col("date") <= as_of)
    # A Categorical's codes (text stays text): distinct numbers are counted faster, and in a
    # query on both cores (measured on the 1M realistic file: 10–15 → 5 ms). Not in the
    # background beside the rules: that raised the 10M peak by ≈ 200 MB and saved nothing.
    return seen.select(pl.col("pupil_id").to_physical().n_unique()).collect().item()


def _wanted(table: pl.DataFrame, overdue: list[str]) -> pl.DataFrame:
    """pupil_id, concern, flagged of every pupil to list: the flagged ones and those with an
    overdue case (watch, without flags, unless a rule fired for them too)."""
    flagged = table.group_by("pupil_id").agg(
        concern=(pl.col("severity") == "concern").any(), flagged=pl.lit(True)
    )
    if not overdue:
        return flagged
    extra = pl.DataFrame(
        {"pupil_id": overdue, "concern": False, "flagged": False},
        schema={"pupil_id": pl.String, "concern": pl.Boolean, "flagged": pl.Boolean},
    ).join(flagged, on="pupil_id", how="anti")
    return pl.concat([flagged, extra])


def _in_order(listed: pl.DataFrame) -> pl.DataFrame:
    """The listed pupils by group (natural order), then name (Norwegian order), then number.

    The keys are computed once per distinct group and name, and Polars sorts the rows: the
    same order as sorting the pupils in Python by (group rank, nordic_key(name), pupil_id),
    as text compares by code point both ways.
    """
    listed = listed.with_columns(pl.col("name", "group").fill_null(""))
    ranks = _group_ranks(set(listed.get_column("group").unique().to_list()))
    names = listed.get_column("name").unique().to_list()
    keys = {name: nordic_key(name) for name in names}
    return listed.sort(
        pl.col("group").replace_strict(ranks, return_dtype=pl.Int64),
        pl.col("name").replace_strict(keys, return_dtype=pl.String),
        "pupil_id",
    )


def _with_presence(
    cases: Mapping[str, CaseSummary],
    records: pl.DataFrame,
    policy: Policy,
    setting: Setting,
    as_of: date,
    calendar: SchoolCalendar,
    dates: Collection[date],
) -> tuple[Mapping[str, CaseSummary], int]:
    """Answer "Har nærværet økt?" from the data for NIVÅ 1 cases whose evaluation is due and
    not recorded: presence since the measure against as many school days before it. Also
    how many are left unanswered because the data (`dates`: the days with records) do not
    cover both periods (coverage.py: days without data are not days present)."""
    from dataclasses import replace

    from naervaer_cli.coverage import covers
    from naervaer_cli.rules.presence import compare_presence, data_end

    due = {
        pid: (case, case.measure_date)
        for pid, case in cases.items()
        if case.level == 1
        and case.measure_date is not None
        and case.last_evaluation_improved is None
        and evaluation_overdue(case, as_of)
    }
    last = data_end(records, as_of)
    if not due or last is None:
        return cases, 0
    kinds = policy.counting_kinds(setting)
    answered = dict(cases)
    unanswered = 0
    for pid, (case, measure_date) in due.items():
        found = compare_presence(
            records,
            pid,
            measure_date,
            last,
            calendar,
            counting_kinds=kinds,
            whole_day_minutes=policy.day_length(setting).whole_day_minutes,
        )
        if not found.days_after or found.presence_before is None:
            continue
        assert found.before_first is not None and found.after_last is not None
        if not covers(dates, calendar, found.before_first, found.after_last):
            unanswered += 1
            continue
        answered[pid] = replace(
            case, presence_before=found.presence_before, presence_after=found.presence_after
        )
    return answered, unanswered


def _group_ranks(groups: set[str]) -> dict[str, int]:
    """Each group's place in natural order; groups with equal keys (7a, 7A) share a place.

    Sorting the pupils by this number rather than by the key tuple itself gives the same
    order and compares a small int instead of nested tuples.
    """
    ranks: dict[str, int] = {}
    previous: tuple[Any, ...] | None = None
    place = -1
    for name in sorted(groups, key=group_key):
        key = group_key(name)
        if key != previous:
            place, previous = place + 1, key
        ranks[name] = place
    return ranks


def _matching_groups(records: pl.DataFrame, group: str) -> list[str]:
    """The group names in the data that match `group` (trimmed, case-insensitive)."""
    wanted = group.strip().casefold()
    names = records.get_column("group").drop_nulls().unique().to_list()
    return [name for name in names if name.strip().casefold() == wanted]


def _identity_query(records: pl.LazyFrame, wanted: pl.LazyFrame) -> pl.LazyFrame:
    """pupil_id, name, group, contact on each pupil's latest date (of those in `wanted`).

    Should two records on that date disagree, the largest value wins, so the answer does not
    depend on the order of the rows.
    """
    lean = records.select("pupil_id", "name", "group", "contact", "date").join(
        wanted, on="pupil_id", how="semi"
    )
    return _identities(
        lean.join(lean.group_by("pupil_id").agg(last=pl.col("date").max()), on="pupil_id").filter(
            pl.col("date") == pl.col("last")
        )
    )


def _identities(latest: pl.LazyFrame) -> pl.LazyFrame:
    """pupil_id, name, group, contact from each pupil's records of one date (their latest).

    Should two records disagree, the largest value wins, so the answer does not depend on
    the order of the rows.
    """
    return latest.group_by("pupil_id").agg(
        pl.col(name).drop_nulls().max() for name in ("name", "group", "contact")
    )
