"""A pupil's flags depend on their own records only, however many pupils share the export.

The rules count for everyone but build evidence (dates, lessons) only for those who reach a
threshold, and the signals skip pupils with too few whole days; scanning each pupil alone
must give the same flags as scanning them all together. Where the export starts is the
export's, not the pupil's (coverage.py): the scans alone are told it, as scan() tells the
rules when it filters a group.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.combined import school_flags
from naervaer_cli.schema import record_schema

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar(breaks=frozenset(date(2026, 10, d) for d in range(5, 10)))
AS_OF = date(2026, 11, 20)
KINDS = [
    "udokumentert",
    "dokumentert",
    "sykdom",
    "permisjon",
    "ubehandlet",
    "for_sent",
    "forlot_skolen",
    "ikke_fravaer",
]
SUBJECTS = ["Matematikk", "KRØ", "Norsk", "Engelsk", "Naturfag", None]


def varied_records(pupils: int, seed: int) -> pl.DataFrame:
    """Random lessons and whole days over a term, dense enough to fire every rule."""
    rng = random.Random(seed)
    schema = record_schema()
    rows: dict[str, list] = {name: [] for name in schema}
    for number in range(pupils):
        for _ in range(rng.randint(0, 45)):
            kind = rng.choice(KINDS)
            whole = rng.random() < 0.25
            start = None if whole else time(rng.randint(8, 14), rng.choice([0, 15, 30, 45]))
            length = rng.choice([30, 45, 60, 90, 240])
            end_min = None if start is None else start.hour * 60 + start.minute + length
            row = {
                "pupil_id": f"p{number}",
                "name": f"Elev {number}",
                "group": "7A",
                "contact": None,
                "date": date(2026, 8, 15) + timedelta(days=rng.randint(0, 97)),
                "start": start,
                "end": None if end_min is None else time(end_min // 60, end_min % 60),
                "minutes": None if whole else length,
                "whole_day": whole,
                "subject": rng.choice(SUBJECTS),
                "code": kind,
                "kind": kind,
                "source": "x.csv",
                "source_row": len(rows["pupil_id"]) + 2,
            }
            for name in schema:
                rows[name].append(row.get(name))
    return pl.DataFrame(rows, schema=schema)


def test_each_pupil_alone_gets_the_flags_they_get_among_all() -> None:
    records = varied_records(150, seed=7)
    together = dict(school_flags(records, POLICY, AS_OF, CALENDAR))
    fired = {flag.rule for flags in together.values() for flag in flags}
    assert fired >= {
        "absence_days",
        "left_during_day",
        "single_lessons",
        "subject_absence",
        "late_arrivals",
        "term_share",
        "rising_trend",
    }
    # One pupil per rule that fired, and a few without flags (each scan alone takes time).
    chosen = {
        next(
            pid
            for pid, flags in sorted(together.items())
            if any(flag.rule == rule for flag in flags)
        )
        for rule in fired
    }
    chosen |= set(sorted(set(records.get_column("pupil_id")) - set(together))[:5])
    starts = records.get_column("date").min()
    for pid in sorted(chosen):
        mine = records.filter(pl.col("pupil_id") == pid)
        alone = school_flags(mine, POLICY, AS_OF, CALENDAR, data_first=starts)
        assert list(alone.get(pid, [])) == together.get(pid, []), pid
