"""The school's whole flag table: the guide's four rules and the extra signals, prepared once.

Its own module so that signals.py can build on school.py's prepared frame without school.py
importing signals.py back (no import cycle between the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import Policy
from naervaer_cli.result import Flag
from naervaer_cli.rules.flags import to_flags
from naervaer_cli.rules.school import Prepared, prepare, school_flag_frame
from naervaer_cli.rules.signals import signal_flag_frame, signals_first_day


def school_prepare(records: pl.DataFrame, policy: Policy, as_of: date) -> Prepared:
    """What the rules and the signals read, prepared once."""
    return prepare(records, policy, as_of, signals_first_day(policy, as_of))


def prepared_flag_table(prep: Prepared, policy: Policy, calendar: SchoolCalendar) -> pl.DataFrame:
    """All four rules and the extra signals over `prep` as one flag frame."""
    return pl.concat(
        [school_flag_frame(prep, policy), signal_flag_frame(prep, policy, calendar)],
        how="vertical",
    )


def school_flag_table(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar
) -> pl.DataFrame:
    """All four rules and the extra signals as one flag frame."""
    return prepared_flag_table(school_prepare(records, policy, as_of), policy, calendar)


def school_flags(
    records: pl.DataFrame, policy: Policy, as_of: date, calendar: SchoolCalendar
) -> Mapping[str, list[Flag]]:
    """All four rules and the extra signals, flags per pupil."""
    return to_flags(school_flag_table(records, policy, as_of, calendar))
