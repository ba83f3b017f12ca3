"""The document context on tiny frames: term calendar, summaries, breakdowns, plan and case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from doc_fixtures import AS_OF, MEETING, PLAN, POLICY, event, events, pupil_result, records

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.events import EventType
from naervaer_cli.documents import build_pupil_context
from naervaer_cli.documents.assemble import result_for, team_pupils
from naervaer_cli.errors import UsageError
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, ScanResult


def build(**kwargs):
    args = {"as_of": AS_OF, "meeting": MEETING, "policy": POLICY, "events": events()}
    args.update(kwargs)
    return build_pupil_context(pupil_result(), records(), **args)


def test_summary_counts_only_this_pupil_and_counting_kinds() -> None:
    s = build().summary
    # 7 whole days (one sykdom in September), 2 PE lessons, 1 left-school block; the late
    # arrival does not count as absence and the other pupil's day is not ours.
    assert s.whole_days == 7
    assert s.dates_with_absence == 10
    assert s.lessons == 3
    assert s.late == 1
    assert s.minutes == 45 + 45 + 120
    assert s.first == date(2026, 8, 15)
    assert s.school_days == 70
    assert s.day_equivalents == pytest.approx(7 + 210 / 330, abs=0.05)
    assert s.trend == "Økende"


def test_calendar_marks_heat_evidence_and_non_school_days() -> None:
    breaks = frozenset(
        {
            date(2026, 9, 28),
            date(2026, 9, 29),
            date(2026, 9, 30),
            date(2026, 10, 1),
            date(2026, 10, 2),
        }
    )
    ctx = build(calendar=SchoolCalendar(breaks=breaks))
    cells = {c.day: c for w in ctx.weeks for c in w.days}
    assert all(w.monday.weekday() == 0 and len(w.days) == 5 for w in ctx.weeks)
    assert cells[date(2026, 10, 26)].heat == 4 and cells[date(2026, 10, 26)].evidence
    assert cells[date(2026, 11, 4)].heat == 1 and cells[date(2026, 11, 4)].evidence
    assert cells[date(2026, 11, 12)].heat == 2  # 120 of 330 minutes
    assert cells[date(2026, 11, 13)].heat == 0  # late arrival only
    assert not cells[date(2026, 9, 30)].school_day
    assert ctx.weeks[0].monday == date(2026, 8, 17)  # the term starts on a Saturday
    assert ctx.summary.school_days == 65


def test_weekday_and_subject_breakdowns() -> None:
    ctx = build()
    by_day = {r.label: r for r in ctx.weekdays}
    assert by_day["Mandag"].dates == 5  # 07.09, 26.10, 02.11, 09.11, 16.11
    assert by_day["Onsdag"].lessons == 2
    assert by_day["Fredag"].dates == 0
    assert [(r.label, r.lessons, r.dates) for r in ctx.subjects] == [
        ("Kroppsøving", 2, 2),
        ("Matematikk", 1, 1),
    ]


def test_plan_comes_from_the_policy_and_attendees_from_ansvarlig() -> None:
    ctx = build()
    assert ctx.plan.level == 1
    assert ctx.plan.what == tuple(PLAN["skole"][1]["what"])
    assert ctx.attendees == (
        "Elev",
        "Foresatte",
        "Kontaktlærer",
        "Skoleledelse",
        "Evt annen voksen barnet har god relasjon til",
    )


def test_plan_is_the_policys_level_capped_to_the_levels_it_has() -> None:
    shipped = load_policy("aas")
    ctx = build(policy=shipped)
    assert ctx.plan == shipped.plans["skole"].level(1)
    top = build_pupil_context(
        pupil_result(level=5), records(), as_of=AS_OF, meeting=MEETING, policy=shipped
    )
    assert top.plan.level == 2 and "PPT" in top.plan.others


def test_measures_evaluation_and_timeline() -> None:
    ctx = build()
    assert [(m.text, m.responsible, m.by) for m in ctx.measures] == [
        ("Fast samtale med kontaktlærer hver mandag", "Kontaktlærer", "Kari Lærer")
    ]
    assert ctx.measures[0].evaluation == date(2026, 11, 27)
    assert ctx.evaluation == date(2026, 11, 27)
    assert [e.label for e in ctx.timeline] == ["Uro registrert", "Notat", "Tiltak besluttet"]


def test_measures_of_an_older_case_are_left_out() -> None:
    old = event(date(2025, 3, 1), EventType.MEASURE_DECIDED, "Gammelt tiltak", case_id=1)
    ctx = build(events=[old, *events(case_id=2)])
    assert [m.text for m in ctx.measures] == ["Fast samtale med kontaktlærer hver mandag"]
    assert len(ctx.timeline) == 4


def test_evaluation_defaults_to_the_plans_days_after_the_meeting_without_a_measure() -> None:
    assert build(events=[]).evaluation == date(2026, 12, 17)
    agreed = replace(POLICY.plans["skole"], evaluation_days=None)
    policy = replace(POLICY, plans={**POLICY.plans, "skole": agreed})
    assert build(events=[], policy=policy).evaluation is None


def test_display_name() -> None:
    ctx = build()
    assert ctx.pupil.display_name == "Ola Nordmann" and ctx.pupil.first_name == "Ola"
    assert replace(ctx.pupil, name="").display_name == "Elev 10234"


def test_the_overview_starts_at_the_policys_term_start() -> None:
    policy = load_policy()
    assert policy.term_start(date(2026, 11, 20)) == date(2026, 8, 15)
    assert policy.term_start(date(2026, 8, 10)) == date(2025, 8, 15)
    assert policy.term_start(date(2027, 3, 3)) == date(2026, 8, 15)


def _scanned(*pupils) -> ScanResult:
    return ScanResult(
        as_of=AS_OF, window_days=28, policy="aas", setting="skole", pupils=tuple(pupils)
    )


def test_result_for_an_unflagged_pupil_with_a_case() -> None:
    policy = load_policy("aas")
    case = CaseSummary("10234", level=1, opened=date(2026, 11, 3), evaluation_due=date(2026, 12, 1))
    result = result_for("10234", _scanned(), records(), policy, {"10234": case})
    assert result.flags == () and result.name == "Nordmann, Ola"
    assert result.suggestion.level == 1 and result.case == case
    with pytest.raises(UsageError, match="«nobody» finnes ikke"):
        result_for("nobody", _scanned(), records(), policy, {})


def test_team_pupils_by_case_level_and_flagged_on_request() -> None:
    cases = {
        "a": CaseSummary("a", level=0, opened=date(2026, 11, 1)),
        "b": CaseSummary("b", level=1, opened=date(2026, 11, 1)),
        "c": CaseSummary("c", level=2, opened=date(2026, 11, 1)),
    }
    flagged = replace(pupil_result("d"), case=None)
    scanned = _scanned(flagged)
    assert team_pupils(scanned, cases) == ["b", "c"]
    assert team_pupils(scanned, cases, min_level=2) == ["c"]
    assert team_pupils(scanned, cases, min_level=0, include_flagged=True) == ["a", "b", "c", "d"]
    assert team_pupils(scanned, None, include_flagged=True) == ["d"]


def test_the_overview_says_where_the_data_do_not_cover_its_period() -> None:
    """The fixture's records start 07.09 and skip 08.09–23.10: both are said. From a first
    day on which the records hold every school week, nothing is."""
    doc = build()
    assert doc.data_notes == (
        "Fraværsdataene starter 07.09.2026, etter periodens første skoledag 17.08.2026: "
        "dagene før er ikke med, og andelene kan være for lave.",
        "Dataene har ingen registreringer 08.09.2026–23.10.2026 (34 skoledager): en ferie som "
        "ikke er lagt inn i kalenderen, eller data som mangler. Dagene vises uten fravær, og "
        "andelene kan være for lave.",
    )
    assert build(first_day=date(2026, 10, 26)).data_notes == ()
