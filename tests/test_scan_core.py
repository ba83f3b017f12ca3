"""scan(): reference date, group filter, order, cases, and the exact §10 JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import UsageError
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, to_json
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import group_key, nordic_key, scan
from naervaer_cli.schema import empty_records

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar()


def pupil(pid: str, name: str, group: str) -> dict:
    return {"pupil_id": pid, "name": name, "group": group, "contact": f"Lærer {group}"}


def two_lessons(who: dict, subject: str = "KRØ") -> list[dict]:
    return [
        record(date(2026, 11, 16), start="09:15", end="10:00", subject=subject, **who),
        record(date(2026, 11, 18), start="09:15", end="10:00", subject=subject, **who),
    ]


def test_as_of_defaults_to_the_latest_date() -> None:
    rows = two_lessons(pupil("1", "Nordmann, Ola", "7A"))
    rows.append(record(date(2026, 11, 19), kind="permisjon", **pupil("2", "B", "7B")))
    result = scan(records(rows), POLICY, calendar=CALENDAR)
    assert result.as_of == date(2026, 11, 19)
    assert result.pupils_scanned == 2
    assert [p.pupil_id for p in result.pupils] == ["1"]


def test_explicit_as_of_ignores_later_records() -> None:
    rows = two_lessons(pupil("1", "Nordmann, Ola", "7A"))
    result = scan(records(rows), POLICY, as_of=date(2026, 11, 17), calendar=CALENDAR)
    assert result.pupils == ()
    assert result.pupils_scanned == 1


def test_empty_data_needs_as_of() -> None:
    with pytest.raises(UsageError, match="--as-of"):
        scan(empty_records(), POLICY, calendar=CALENDAR)
    result = scan(empty_records(), POLICY, as_of=date(2026, 11, 20), calendar=CALENDAR)
    assert (result.pupils, result.pupils_scanned) == ((), 0)


def test_sorted_by_group_then_name_in_norwegian_order() -> None:
    rows = []
    for pid, name, group in [
        ("1", "Ås, Per", "10A"),
        ("2", "Øst, Kari", "7A"),
        ("3", "Berg, Ola", "7A"),
        ("4", "Zahl, Ida", "7A"),
        ("5", "Æsir, Tor", "2B"),
    ]:
        rows += two_lessons(pupil(pid, name, group))
    result = scan(records(rows), POLICY, calendar=CALENDAR)
    assert [(p.group, p.name) for p in result.pupils] == [
        ("2B", "Æsir, Tor"),
        ("7A", "Berg, Ola"),
        ("7A", "Zahl, Ida"),
        ("7A", "Øst, Kari"),
        ("10A", "Ås, Per"),
    ]
    assert sorted(["Å", "Ø", "Æ", "Z"], key=nordic_key) == ["Z", "Æ", "Ø", "Å"]
    assert sorted(["10A", "2B", "7A"], key=group_key) == ["2B", "7A", "10A"]


def test_group_filter_is_case_insensitive() -> None:
    rows = two_lessons(pupil("1", "A", "7A")) + two_lessons(pupil("2", "B", "7B"))
    result = scan(records(rows), POLICY, calendar=CALENDAR, group="7a")
    assert [p.pupil_id for p in result.pupils] == ["1"]
    assert result.pupils_scanned == 1


def test_status_is_watch_without_a_concern_flag() -> None:
    who = pupil("1", "A", "7A")
    rows = [
        record(date(2026, 11, d), whole_day=True, kind="sykdom", **who) for d in (2, 3, 4, 5, 6)
    ]
    only = scan(records(rows), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20)).pupils[0]
    assert only.status == "watch"
    assert [f.rule for f in only.flags if not f.signal] == ["absence_days"]


def test_identity_from_the_latest_record() -> None:
    rows = two_lessons(pupil("1", "Gammelt, Navn", "6A"))
    rows.append(record(date(2026, 11, 19), kind="permisjon", **pupil("1", "Nytt, Navn", "7A")))
    only = scan(records(rows), POLICY, calendar=CALENDAR).pupils[0]
    assert (only.name, only.group, only.contact) == ("Nytt, Navn", "7A", "Lærer 7A")


def test_identity_reads_the_right_records_among_older_and_interleaved_ones() -> None:
    """Records before the window and pupils interleaved: each listed pupil is named from
    their own latest date; two records there that disagree give the largest value."""
    one, two = pupil("1", "En, Elev", "7A"), pupil("2", "To, Elev", "7B")
    rows = [
        record(date(2026, 6, 1), kind="permisjon", **pupil("1", "Feil, Navn", "5A")),
        record(date(2026, 6, 2), kind="permisjon", **pupil("3", "Tre, Elev", "7C")),
        record(date(2026, 11, 19), kind="permisjon", **pupil("2", "Berg, Ny", "8B")),
        *two_lessons(one),
        record(date(2026, 11, 19), kind="permisjon", **pupil("2", "Aas, Ny", "8B")),
        *two_lessons(two),
        record(date(2026, 11, 17), kind="permisjon", **pupil("1", "Senere, Ikke", "9A")),
        record(date(2026, 11, 18), kind="permisjon", **{**one, "contact": None}),
    ]
    result = scan(records(rows), POLICY, calendar=CALENDAR)
    assert [(p.pupil_id, p.name, p.group, p.contact) for p in result.pupils] == [
        ("1", "En, Elev", "7A", "Lærer 7A"),
        ("2", "Berg, Ny", "8B", "Lærer 8B"),
    ]
    assert result.pupils_scanned == 3


def test_cases_change_the_level_and_overdue_cases_appear() -> None:
    rows = two_lessons(pupil("1", "A", "7A")) + [
        record(date(2026, 11, 18), kind="permisjon", **pupil("2", "B", "7A"))
    ]
    cases = {
        "1": CaseSummary("1", level=0, opened=date(2026, 11, 1)),
        "2": CaseSummary("2", level=1, opened=date(2026, 10, 1), evaluation_due=date(2026, 11, 10)),
    }
    result = scan(records(rows), POLICY, calendar=CALENDAR, cases=cases)
    first, second = result.pupils
    assert (first.pupil_id, first.suggestion.level, first.case) == ("1", 1, cases["1"])
    assert (second.pupil_id, second.flags, second.status) == ("2", (), "watch")
    assert second.suggestion.due == "Evaluering var 10.11.2026 – registrer evalueringen."


def test_overdue_cases_outside_the_window_and_outside_the_files() -> None:
    """A case pupil with records only before the window is named from their latest record;
    one the files do not hold is listed apart; a flagged pupil with a case is listed once."""
    rows = two_lessons(pupil("1", "A", "7A"))
    rows += [
        record(date(2026, 9, 1), kind="permisjon", **pupil("2", "Eldre, Navn", "6B")),
        record(date(2026, 9, 2), kind="permisjon", **pupil("2", "Gammelt, Navn", "7B")),
    ]
    due = date(2026, 11, 10)
    cases = {
        pid: CaseSummary(pid, level=1, opened=date(2026, 10, 1), evaluation_due=due)
        for pid in ("1", "2", "9")
    }
    result = scan(records(rows), POLICY, calendar=CALENDAR, cases=cases)
    assert [(p.pupil_id, p.name, p.group, bool(p.flags)) for p in result.pupils] == [
        ("1", "A", "7A", True),
        ("2", "Gammelt, Navn", "7B", False),
    ]
    assert result.not_in_export == (cases["9"],)
    assert result.pupils_scanned == 2


def test_barnehage_setting_runs_the_barnehage_rules() -> None:
    who = pupil("1", "A", "Blåklokka")
    rows = two_lessons(who) + [
        record(date(2026, 11, d), kind="sykdom", whole_day=True, notified=False, **who)
        for d in (2, 3)
    ]
    result = scan(records(rows), POLICY, calendar=CALENDAR, setting="barnehage")
    assert result.setting == "barnehage"
    (child,) = result.pupils
    assert [f.rule for f in child.flags] == ["unnotified_absence"]
    assert child.suggestion.responsible == ("Ped.leder", "Styrer")
    # These rows are all the data: they start in the window and leave out 4–13.11, which
    # the scan says.
    assert result.notes == (
        "Dataene starter 02.11.2026, etter vinduets første åpningsdag 22.10.2026: "
        "fravær før det er ikke med, så tellingene kan være for lave.",
        "Dataene har ingen registreringer 04.11.2026–13.11.2026 (8 åpningsdager). Er det en "
        "ferie, legg den inn i [calendar] breaks i konfigurasjonen; ellers mangler data der, og "
        "tellingene i vinduet kan være for lave.",
    )


def test_json_is_the_section_10_contract() -> None:
    who = pupil("10234", "Nordmann, Ola", "7A")
    rows = [record(date(2026, 11, d), whole_day=True, **who) for d in (2, 3, 4, 5, 6, 9, 10, 11)]
    rows += two_lessons(who)
    result = scan(records(rows), POLICY, calendar=CALENDAR, as_of=date(2026, 11, 20))
    data = to_json(result)
    assert json.loads(json.dumps(data)) == data
    assert {k: data[k] for k in ("as_of", "window_days", "policy")} == {
        "as_of": "2026-11-20",
        "window_days": 28,
        "policy": "aas",
    }
    (only,) = data["pupils"]
    plan = POLICY.plans["skole"].level(0)
    assert {
        k: only[k]
        for k in (
            "pupil_id",
            "name",
            "group",
            "contact",
            "status",
            "level",
            "responsible",
            "next_step",
            "tools",
        )
    } == {
        "pupil_id": "10234",
        "name": "Nordmann, Ola",
        "group": "7A",
        "contact": "Lærer 7A",
        "status": "concern",
        "level": 0,
        "responsible": ["Kontaktlærer"],
        "next_step": plan.next_step,
        "tools": list(plan.tools),
    }
    guide = [f for f in only["flags"] if not f["signal"]]
    assert guide[0] == {
        "rule": "absence_days",
        "severity": "concern",
        "count": 8,
        "threshold": 7,
        "dates": [
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05",
            "2026-11-06",
            "2026-11-09",
            "2026-11-10",
            "2026-11-11",
        ],
        "lessons": [],
        "signal": False,
    }
    subject = [f for f in guide if f["rule"] == "subject_absence"]
    assert subject == [
        {
            "rule": "subject_absence",
            "subject": "Kroppsøving",
            "severity": "concern",
            "count": 2,
            "threshold": 2,
            "dates": ["2026-11-16", "2026-11-18"],
            "lessons": ["16.11 09:15–10:00 KRØ", "18.11 09:15–10:00 KRØ"],
            "signal": False,
        }
    ]
    assert all("subject" not in f for f in only["flags"] if f["rule"] != "subject_absence")
    assert {f["rule"] for f in only["flags"] if f["signal"]} >= {"consecutive_days"}


def test_json_carries_the_case() -> None:
    rows = two_lessons(pupil("1", "A", "7A"))
    case = CaseSummary(
        "1",
        level=1,
        opened=date(2026, 10, 1),
        evaluation_due=date(2026, 11, 30),
        state="Åpen, NIVÅ 1",
    )
    data = to_json(scan(records(rows), POLICY, calendar=CALENDAR, cases={"1": case}))
    assert data["pupils"][0]["case"] == {
        "level": 1,
        "opened": "2026-10-01",
        "evaluation_due": "2026-11-30",
        "next_meeting": None,
        "last_evaluation_improved": None,
        "presence_before": None,
        "presence_after": None,
        "state": "Åpen, NIVÅ 1",
    }
    assert data["pupils"][0]["level"] == 1


def test_scan_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    rows = two_lessons(pupil("1", "A", "7A"))
    assert gc.isenabled()
    to_json(scan(records(rows), POLICY, calendar=CALENDAR))
    assert gc.isenabled()
    gc.disable()
    try:
        scan(records(rows), POLICY, calendar=CALENDAR)
        assert not gc.isenabled()
    finally:
        gc.enable()
