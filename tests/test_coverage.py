"""Where the data start against a period's first school days (coverage.py), and what scan
says when they start late."""

from __future__ import annotations

from datetime import date, timedelta

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.coverage import SLACK_DAYS, covers, gaps, uncovered_start
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import coverage_notes, scan

CALENDAR = SchoolCalendar()
POLICY = load_policy("aas")
TERM = date(2026, 8, 15)  # a Saturday: the first school day is Monday 17.08
AS_OF = date(2026, 11, 20)


def mondays(first: date = date(2026, 8, 17), last: date = AS_OF) -> list[dict]:
    """Another pupil's day of leave every Monday: an export with no school week left out
    (leave counts in no rule)."""
    count = (last - first).days // 7 + 1
    return [
        record(first + timedelta(weeks=n), kind="permisjon", whole_day=True, pupil_id="9")
        for n in range(count)
    ]


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
    assert scan(records(rows + mondays()), POLICY, calendar=CALENDAR, as_of=AS_OF).notes == ()


def test_a_school_week_without_records_is_a_gap() -> None:
    """Four school days without a record are absence-free days; five are a hole. Only what
    lies between the first and the last record counts, and breaks are not school days."""
    week40 = {date(2026, 9, 28) + timedelta(days=n) for n in range(5)}
    days = {date(2026, 8, 17) + timedelta(days=n) for n in range(96)} - week40
    assert gaps(days, CALENDAR, TERM, AS_OF) == [(date(2026, 9, 28), date(2026, 10, 2), 5)]
    assert gaps(days | {date(2026, 9, 30)}, CALENDAR, TERM, AS_OF) == []
    autumn_break = SchoolCalendar(breaks=frozenset(week40))
    assert gaps(days, autumn_break, TERM, AS_OF) == []
    assert gaps(days, CALENDAR, date(2026, 10, 5), AS_OF) == []  # before the period
    assert gaps({date(2026, 8, 17)}, CALENDAR, TERM, AS_OF) == []  # after the data
    assert not covers(days, CALENDAR, TERM, AS_OF)
    assert covers(days, autumn_break, TERM, AS_OF)


def test_scan_names_each_gap_and_what_it_touches() -> None:
    """A gap in the window lowers its counts; one earlier in the term the term's share."""
    rows = [r for r in mondays() if r["date"] not in (date(2026, 9, 28), date(2026, 11, 2))]
    result = scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF)
    assert result.notes == (
        "Dataene har ingen registreringer 22.09.2026–02.10.2026 (9 skoledager). Er det en "
        "ferie, legg den inn i [calendar] breaks i konfigurasjonen; ellers mangler data der, og "
        "«Fraværsandel i terminen» kan være for lav og «Økende fravær» slå ut for lett.",
        "Dataene har ingen registreringer 27.10.2026–06.11.2026 (9 skoledager). Er det en "
        "ferie, legg den inn i [calendar] breaks i konfigurasjonen; ellers mangler data der, og "
        "tellingene i vinduet kan være for lave.",
    )
    assert result.incomplete == result.notes


def test_one_groups_scan_knows_where_the_export_starts() -> None:
    """7B's first absence is late in the term, but the export (7A's too) starts with it."""
    rows = [
        *(dict(r, group="7A") for r in mondays()),
        record(date(2026, 11, 9), whole_day=True, pupil_id="2", group="7B"),
    ]
    assert scan(records(rows), POLICY, calendar=CALENDAR, as_of=AS_OF, group="7B").notes == ()


def test_data_after_the_reference_date_are_left_to_the_scope_warning() -> None:
    assert coverage_notes({date(2026, 12, 1)}, POLICY, "skole", AS_OF, CALENDAR) == []
    assert coverage_notes(set(), POLICY, "skole", AS_OF, CALENDAR) == []


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
        "«Har nærværet økt?» er ikke beregnet for 1 elev: dataene dekker ikke hele perioden "
        "før og etter tiltaket (se over)."
    )
    # With every school week in the data the same absence is compared, and presence fell.
    early = [*mondays(), *rows]
    result = scan(records(early), POLICY, calendar=CALENDAR, as_of=AS_OF, cases={"1": due})
    (pupil,) = result.pupils
    assert pupil.case is not None and pupil.case.improved is False
    assert pupil.suggestion.level == 2 and result.notes == ()
