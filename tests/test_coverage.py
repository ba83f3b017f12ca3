"""Where the data start against a period's first school days (coverage.py), and what scan
says when they start late."""

from __future__ import annotations

from datetime import date

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.coverage import SLACK_DAYS, uncovered_start
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import coverage_notes, scan

CALENDAR = SchoolCalendar()
POLICY = load_policy("aas")
TERM = date(2026, 8, 15)  # a Saturday: the first school day is Monday 17.08
AS_OF = date(2026, 11, 20)


def test_data_from_the_first_school_week_cover_the_period() -> None:
    """A class can have a day or two without absence, not a school week."""
    assert SLACK_DAYS == 5
    assert uncovered_start(date(2026, 8, 17), CALENDAR, TERM, AS_OF) is None
    assert uncovered_start(date(2026, 8, 1), CALENDAR, TERM, AS_OF) is None
    assert uncovered_start(date(2026, 8, 21), CALENDAR, TERM, AS_OF) is None  # 5th school day
    assert uncovered_start(date(2026, 8, 24), CALENDAR, TERM, AS_OF) == date(2026, 8, 17)


def test_no_data_cover_nothing_and_a_period_without_school_days_needs_none() -> None:
    assert uncovered_start(None, CALENDAR, TERM, AS_OF) == date(2026, 8, 17)
    weekend = (date(2026, 8, 15), date(2026, 8, 16))
    assert uncovered_start(date(2026, 9, 1), CALENDAR, *weekend) is None


def test_scan_says_when_the_data_start_inside_the_window_and_after_the_term() -> None:
    rows = [record(date(2026, 11, d), whole_day=True) for d in (9, 10)]
    result = scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF)
    assert result.notes == (
        "Dataene starter 09.11.2026, etter vinduets første skoledag 26.10.2026: fravær før "
        "det er ikke med, så tellingene kan være for lave.",
        "Dataene starter 09.11.2026, etter terminens første skoledag 17.08.2026: «Økende "
        "fravær» er ikke vurdert, og «Fraværsandel i terminen» kan være for lav.",
    )
    assert "rising_trend" not in {f.rule for p in result.pupils for f in p.flags}


def test_scan_of_data_from_the_term_start_says_nothing() -> None:
    rows = [record(date(2026, 8, 18), whole_day=True), record(date(2026, 11, 9), whole_day=True)]
    assert scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF).notes == ()


def test_one_groups_scan_knows_where_the_export_starts() -> None:
    """7B's first absence is late in the term, but the export (7A's too) starts with it."""
    rows = [
        record(date(2026, 8, 17), whole_day=True, group="7A"),
        record(date(2026, 11, 9), whole_day=True, pupil_id="2", group="7B"),
    ]
    assert scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF, group="7B").notes == ()


def test_data_after_the_reference_date_are_left_to_the_scope_warning() -> None:
    assert coverage_notes(date(2026, 12, 1), POLICY, "skole", AS_OF, CALENDAR) == []
    assert coverage_notes(None, POLICY, "skole", AS_OF, CALENDAR) == []


def test_presence_is_not_compared_when_the_data_start_after_the_period_before() -> None:
    """A NIVÅ 1 case whose measure was decided 30.10 and is due: with data from 9.11 only,
    the days before the measure would count as present and the answer «not improved» would
    suggest NIVÅ 2. The scan leaves the question open, and says why."""
    from naervaer_cli.result import CaseSummary

    due = CaseSummary(
        "1",
        level=1,
        opened=date(2026, 10, 1),
        measure_date=date(2026, 10, 30),
        evaluation_due=date(2026, 11, 20),
    )
    rows = [record(date(2026, 11, d), whole_day=True) for d in (9, 10, 11, 12, 13, 16, 17)]
    result = scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF, cases={"1": due})
    (pupil,) = result.pupils
    assert pupil.case is not None and pupil.case.presence_before is None
    assert pupil.suggestion.level == 1
    assert result.notes[-1] == (
        "«Har nærværet økt?» er ikke beregnet for 1 elev: dataene starter 09.11.2026, etter "
        "starten av perioden før tiltaket."
    )
    # From the term's start the same absence is compared, and presence fell.
    early = [record(date(2026, 8, 17), kind="permisjon", whole_day=True), *rows]
    result = scan(records(early), POLICY, calendar=CALENDAR, as_of=AS_OF, cases={"1": due})
    (pupil,) = result.pupils
    assert pupil.case is not None and pupil.case.improved is False
    assert pupil.suggestion.level == 2 and result.notes == ()
