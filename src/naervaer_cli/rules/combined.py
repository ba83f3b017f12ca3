"""The school's whole flag table: the guide's four rules and the extra signals, prepared once.

Its own module so that signals.py can build on school.py's prepared frame without school.py
importing signals.py back (no import cycle between the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import Policy
from naervaer_cli.result import Flag
from naervaer_cli.rules.flags import to_flags
from naervaer_cli.rules.school import Prepared, prepare, school_flag_frame
from naervaer_cli.rules.signals import signal_flag_frame, signals_first_day


def school_prepare(
    records: pl.DataFrame, policy: Policy, as_of: date, data_first: date | None = None
) -> Prepared:
    """What the rules and the signals read, prepared once (`data_first`: see `prepare`)."""
    return prepare(records, policy, as_of, signals_first_day(policy, as_of), data_first)


def prepared_flag_table(prep: Prepared, policy: Policy, calendar: SchoolCalendar) -> pl.DataFrame:
    """All four rules and the extra signals over `prep` as one flag frame."""
    # The signals in a thread beside the rules: both are many small plans, mostly on one
    # core, and Polars lets go of the GIL while it runs them (measured on the 1M realistic
    # file, first scan in the process: 98 → 78 ms wall; 10M: 10.0 → 9.5 s, peak 2526 →
    # 2620 MiB, one run each). The frame is the same: each part is pure, and they are put
    # together in the same order.
    with ThreadPoolExecutor(1) as pool:
        signals = pool.submit(signal_flag_frame, prep, policy, calendar)
        school = school_flag_frame(prep, policy)
        return pl.concat([school, signals.result()], how="vertical")


def school_flag_table(
    records: pl.DataFrame,
    policy: Policy,
    as_of: date,
    calendar: SchoolCalendar,
    data_first: date | None = None,
) -> pl.DataFrame:
    """All four rules and the extra signals as one flag frame (`data_first`: see `prepare`)."""
    prep = school_prepare(records, policy, as_of, data_first)
    return prepared_flag_table(prep, policy, calendar)


def school_flags(
    records: pl.DataFrame,
    policy: Policy,
    as_of: date,
    calendar: SchoolCalendar,
    data_first: date | None = None,
) -> Mapping[str, list[Flag]]:
    """All four rules and the extra signals, flags per pupil (`data_first`: see `prepare`)."""
    return to_flags(school_flag_table(records, policy, as_of, calendar, data_first))
