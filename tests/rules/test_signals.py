"""The extra watch signals of §3 on tiny frames."""

from __future__ import annotations

from datetime import date

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import load_policy
from naervaer_cli.result import Flag
from naervaer_cli.rules.sample import record, records
from naervaer_cli.rules.signals import signal_flags

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar()
# The exports below start with the autumn term (its first school day), as a term's export
# does; the few rows are one pupil's absence in it.
TERM_DAY_ONE = date(2026, 8, 17)


def signal(
    rows: list[dict],
    as_of: date,
    rule: str,
    calendar: SchoolCalendar = CALENDAR,
    data_first: date | None = TERM_DAY_ONE,
) -> Flag | None:
    flags = signal_flags(records(rows), POLICY, as_of, calendar, data_first).get("1", [])
    found = [f for f in flags if f.rule == rule]
    assert len(found) <= 1
    return found[0] if found else None


def whole(day: date, **fields) -> dict:
    return record(day, whole_day=True, **fields)


NOV20 = date(2026, 11, 20)  # a Friday


def test_signals_are_watch_and_marked() -> None:
    rows = [whole(date(2026, 11, d)) for d in (13, 16, 17)]
    flag = signal(rows, NOV20, "consecutive_days")
    assert flag is not None
    assert (flag.severity, flag.signal, flag.count, flag.threshold) == ("watch", True, 3, 3)


def test_consecutive_days_skip_the_weekend() -> None:
    rows = [whole(date(2026, 11, d)) for d in (13, 16, 17)]
    flag = signal(rows, NOV20, "consecutive_days")
    assert flag is not None and flag.dates == (
        date(2026, 11, 13),
        date(2026, 11, 16),
        date(2026, 11, 17),
    )


def test_consecutive_days_need_neighbouring_school_days() -> None:
    rows = [whole(date(2026, 11, d)) for d in (16, 18, 20)]
    assert signal(rows, NOV20, "consecutive_days") is None


def test_consecutive_days_skip_public_holidays() -> None:
    # Kristi himmelfartsdag 2026 is Thursday 14 May.
    rows = [whole(date(2026, 5, d)) for d in (13, 15, 18)]
    flag = signal(rows, date(2026, 5, 22), "consecutive_days")
    assert flag is not None and flag.count == 3


def test_consecutive_days_skip_the_schools_breaks() -> None:
    breaks = SchoolCalendar(breaks=frozenset({date(2026, 11, 17)}))
    rows = [whole(date(2026, 11, d)) for d in (16, 18, 19)]
    assert signal(rows, NOV20, "consecutive_days") is None
    flag = signal(rows, NOV20, "consecutive_days", breaks)
    assert flag is not None and flag.count == 3


def test_consecutive_days_report_the_longest_run() -> None:
    rows = [whole(date(2026, 11, d)) for d in (2, 3, 4, 5, 10, 11, 12)]
    flag = signal(rows, NOV20, "consecutive_days")
    assert flag is not None and flag.count == 4 and flag.dates[0] == date(2026, 11, 2)


def test_late_arrivals_three_distinct_days() -> None:
    rows = [
        record(date(2026, 11, d), kind="for_sent", start="08:30", end="08:40") for d in (16, 17, 19)
    ]
    flag = signal(rows, NOV20, "late_arrivals")
    assert flag is not None and (flag.count, flag.threshold) == (3, 3)
    two_days = [*rows[:2], record(date(2026, 11, 16), kind="for_sent")]
    assert signal(two_days, NOV20, "late_arrivals") is None


def test_late_arrivals_only_in_the_window() -> None:
    rows = [
        record(date(2026, 10, 23), kind="for_sent"),
        record(date(2026, 11, 16), kind="for_sent"),
        record(date(2026, 11, 17), kind="for_sent"),
    ]
    assert signal(rows, NOV20, "late_arrivals") is None


def test_weekday_pattern_three_of_four_weeks() -> None:
    mondays = [date(2026, 10, 26), date(2026, 11, 9), date(2026, 11, 16)]
    flag = signal([whole(d) for d in mondays], NOV20, "weekday_pattern")
    assert flag is not None
    assert (flag.count, flag.threshold, flag.dates) == (3, 3, tuple(mondays))


def test_weekday_pattern_needs_the_same_weekday() -> None:
    days = [date(2026, 10, 26), date(2026, 11, 10), date(2026, 11, 16)]
    assert signal([whole(d) for d in days], NOV20, "weekday_pattern") is None


def test_weekday_pattern_only_the_last_four_weeks() -> None:
    mondays = [date(2026, 10, 19), date(2026, 11, 9), date(2026, 11, 16)]
    assert signal([whole(d) for d in mondays], NOV20, "weekday_pattern") is None


SEP11 = date(2026, 9, 11)  # 20 school days since the term began 15 August


def test_term_start_is_the_latest_before_as_of() -> None:
    assert POLICY.term_start(SEP11) == date(2026, 8, 15)
    assert POLICY.term_start(date(2026, 3, 1)) == date(2025, 8, 15)


def test_term_share_ten_percent() -> None:
    rows = [whole(date(2026, 8, 18)), whole(date(2026, 8, 19))]
    flag = signal(rows, SEP11, "term_share")
    assert flag is not None
    assert (flag.count, flag.threshold) == (10, 10)
    assert flag.dates == (date(2026, 8, 18), date(2026, 8, 19))
    assert signal(rows[:1], SEP11, "term_share") is None


def test_term_share_counts_partial_days_as_shares() -> None:
    # 165 of the day's 330 minutes twice, and one whole day: 2 days of 20.
    rows = [
        record(date(2026, 8, 20), start="08:30", end="11:15"),
        record(date(2026, 8, 21), start="11:15", end="14:00", kind="sykdom"),
        whole(date(2026, 8, 24)),
    ]
    flag = signal(rows, SEP11, "term_share")
    assert flag is not None and flag.count == 10
    rows[0] = record(date(2026, 8, 20), start="08:30", end="11:15", kind="permisjon")
    assert signal(rows, SEP11, "term_share") is None


def test_rising_trend_recent_twice_the_term() -> None:
    rows = [whole(date(2026, 9, 8)), whole(date(2026, 9, 9))]
    flag = signal(rows, SEP11, "rising_trend")
    assert flag is not None
    # Last 14 days: 2 of 10 school days (20 %); the term: 2 of 20 (10 %), twice is 20.
    assert (flag.count, flag.threshold) == (20, 20)
    assert flag.dates == (date(2026, 9, 8), date(2026, 9, 9))


def test_rising_trend_not_judged_when_the_data_start_after_the_term() -> None:
    """Data from 31.08 only: the term's rate over all its days would be too low, and the
    same two days would look like a rising trend. From the term's first week they count."""
    rows = [whole(date(2026, 9, 8)), whole(date(2026, 9, 9))]
    assert signal(rows, SEP11, "rising_trend", data_first=date(2026, 8, 31)) is None
    assert signal(rows, SEP11, "rising_trend", data_first=date(2026, 8, 21)) is not None
    # Without a start given, the records' own earliest date is where the data start: here a
    # day of leave, which no rate counts.
    assert signal(rows, SEP11, "rising_trend", data_first=None) is None
    leave = record(date(2026, 8, 18), kind="permisjon", whole_day=True)
    assert signal([leave, *rows], SEP11, "rising_trend", data_first=None) is not None


def test_rising_trend_not_when_absence_is_even() -> None:
    rows = [
        whole(date(2026, 8, 18)),
        whole(date(2026, 8, 25)),
        whole(date(2026, 9, 1)),
        whole(date(2026, 9, 8)),
    ]
    assert signal(rows, SEP11, "rising_trend") is None


def test_rising_trend_needs_a_minimum_of_recent_absence() -> None:
    rows = [whole(date(2026, 9, 8))]
    assert signal(rows, SEP11, "rising_trend") is None


def test_for_sent_never_counts_as_absence() -> None:
    rows = [record(date(2026, 9, d), kind="for_sent", whole_day=True) for d in (7, 8, 9, 10)]
    flags = signal_flags(records(rows), POLICY, SEP11, CALENDAR).get("1", [])
    assert [f.rule for f in flags] == ["late_arrivals"]
