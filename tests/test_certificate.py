"""The vitnemål figures on hand-computed pupils: days, hours, runs, what may be left off."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.events import LeaveOff
from naervaer_cli.certificate import (
    PupilCertificate,
    Run,
    SchoolYear,
    certificate,
    school_year_of,
    to_json,
)
from naervaer_cli.errors import InputError, UsageError
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.sample import record, records

POLICY = load_policy("aas")
CALENDAR = SchoolCalendar()
YEAR = SchoolYear(2025)  # 1 August 2025 – 31 July 2026


def whole(day: date, kind: str = "sykdom", **fields) -> dict:
    return record(day, whole_day=True, kind=kind, **{"group": "10A", **fields})


def lesson(day: date, start: str, end: str, kind: str = "udokumentert", **fields) -> dict:
    return record(day, start=start, end=end, kind=kind, **{"group": "10A", **fields})


def sick(first: date, last: date, kind: str = "sykdom", pupil: str = "1") -> list[dict]:
    return [whole(d, kind, pupil_id=pupil) for d in CALENDAR.school_days(first, last)]


def request(first: date, last: date, reason: str, pupil: str = "1") -> LeaveOff:
    return LeaveOff(0, pupil, first, last, reason, last, "Kari Lærer")


def one(rows: list[dict], *requests: LeaveOff, policy=POLICY, year=YEAR) -> PupilCertificate:
    result = certificate(records(rows), policy, CALENDAR, year, requests)
    assert len(result.pupils) == 1
    return result.pupils[0]


def figures(p: PupilCertificate) -> tuple[int, int, int, int, int, int]:
    return p.days, p.hours, p.may_leave_off, p.left_off, p.days_recorded, p.hours_recorded


# ------------------------------------------------------------------------ days and hours


def test_single_lessons_are_summed_to_hours_and_never_to_days() -> None:
    # 45 + 45 + 90 = 180 minutes on three days: 3 hours, 0 days.
    p = one(
        [
            lesson(date(2025, 9, 1), "08:30", "09:15"),
            lesson(date(2025, 9, 2), "09:15", "10:00"),
            lesson(date(2025, 9, 3), "10:15", "11:00"),
            lesson(date(2025, 9, 3), "11:00", "11:45"),
        ]
    )
    assert figures(p) == (0, 3, 0, 0, 0, 3)
    assert p.minutes == 180
    assert p.runs == ()


def test_a_day_of_lessons_short_of_the_school_day_stays_hours() -> None:
    # 08:30–13:15 of a day to 14:00: 285 minutes, more than whole_day_minutes, yet not a day.
    p = one([lesson(date(2025, 9, 1), "08:30", "13:15")])
    assert (p.days, p.minutes, p.hours) == (0, 285, 5)


def test_every_lesson_of_the_school_day_missed_is_a_day() -> None:
    # 08:30–11:30 and 12:00–14:00 with a 30-minute lunch break: the whole school day.
    p = one(
        [
            lesson(date(2025, 9, 1), "08:30", "11:30", kind="sykdom"),
            lesson(date(2025, 9, 1), "12:00", "14:00", kind="sykdom"),
            lesson(date(2025, 9, 2), "08:30", "09:15"),
        ]
    )
    assert figures(p) == (1, 1, 0, 0, 1, 1)
    assert p.minutes == 45
    assert p.runs == (Run(date(2025, 9, 1), date(2025, 9, 1), "sykdom", 1, 0),)


def test_a_gap_longer_than_a_break_leaves_the_day_as_hours() -> None:
    # A 60-minute gap (more than block_gap_minutes = 45): the pupil was in a lesson.
    p = one(
        [
            lesson(date(2025, 9, 1), "08:30", "11:00"),
            lesson(date(2025, 9, 1), "12:00", "14:00"),
        ]
    )
    assert (p.days, p.minutes, p.hours) == (0, 270, 5)


@pytest.mark.parametrize(
    ("rounding", "minutes", "hours"),
    [
        ("nearest", 89, 1),
        ("nearest", 90, 2),
        ("down", 119, 1),
        ("up", 61, 2),
        ("up", 60, 1),
    ],
)
def test_hours_are_rounded_once_per_pupil_as_the_policy_says(
    rounding: str, minutes: int, hours: int
) -> None:
    policy = dataclasses.replace(
        POLICY, certificate=dataclasses.replace(POLICY.certificate, hours_rounding=rounding)
    )
    rows = [lesson(date(2025, 9, 1), "08:30", "08:30", minutes=minutes)]
    assert one(rows, policy=policy).hours == hours


def test_kinds_that_do_not_count_are_left_out() -> None:
    p = one(
        [
            whole(date(2025, 9, 1), "ikke_fravaer"),
            lesson(date(2025, 9, 2), "08:30", "08:40", kind="for_sent"),
            whole(date(2025, 9, 3), "permisjon"),
            whole(date(2025, 9, 4), "forlot_skolen"),
        ]
    )
    assert (p.days, p.hours) == (2, 0)


# ---------------------------------------------------------------------- what may be left off


def test_a_five_day_sick_run_may_leave_off_days_four_and_five() -> None:
    rows = sick(date(2025, 11, 3), date(2025, 11, 7))
    p = one(rows)
    assert figures(p) == (5, 0, 2, 0, 5, 0)
    assert p.runs == (Run(date(2025, 11, 3), date(2025, 11, 7), "sykdom", 5, 2),)
    required = one(rows, request(date(2025, 11, 3), date(2025, 11, 7), "helse"))
    assert figures(required) == (5, 0, 2, 2, 3, 0)
    assert required.left_off_dates == (date(2025, 11, 6), date(2025, 11, 7))


def test_three_sick_days_may_leave_off_nothing() -> None:
    rows = sick(date(2025, 11, 3), date(2025, 11, 5))
    p = one(rows, request(date(2025, 11, 3), date(2025, 11, 5), "helse"))
    assert figures(p) == (3, 0, 0, 0, 3, 0)


def test_a_run_goes_on_over_a_weekend_and_easter_but_not_over_a_school_day() -> None:
    # Tue 31.3 and Wed 1.4, Easter (2.4–6.4), Tue 7.4 and Wed 8.4: four school days in a row.
    easter = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 7), date(2026, 4, 8)]
    # Thu 12.11 to Wed 18.11 over a weekend, but Thu 19.11 only a lesson, then Fri 20.11.
    autumn = [*CALENDAR.school_days(date(2025, 11, 13), date(2025, 11, 18)), date(2025, 11, 20)]
    rows = [whole(d) for d in easter + autumn] + [lesson(date(2025, 11, 19), "08:30", "09:15")]
    p = one(rows)
    assert p.runs == (
        Run(date(2025, 11, 13), date(2025, 11, 18), "sykdom", 4, 1),
        Run(date(2025, 11, 20), date(2025, 11, 20), "sykdom", 1, 0),
        Run(date(2026, 3, 31), date(2026, 4, 8), "sykdom", 4, 1),
    )
    assert (p.days, p.hours, p.may_leave_off) == (9, 1, 2)


def test_a_day_of_another_kind_breaks_a_sick_run() -> None:
    rows = [
        *sick(date(2025, 11, 3), date(2025, 11, 4)),
        whole(date(2025, 11, 5), "udokumentert"),
        *sick(date(2025, 11, 6), date(2025, 11, 7)),
    ]
    p = one(rows, request(date(2025, 11, 3), date(2025, 11, 7), "helse"))
    assert figures(p) == (5, 0, 0, 0, 5, 0)
    assert [r.days for r in p.runs] == [2, 2]


def test_chronic_illness_may_leave_off_from_the_first_day() -> None:
    # Single sick days and a two-day run: nothing without the requirement, all four with it.
    rows = [
        whole(date(2025, 10, 1)),
        whole(date(2025, 10, 15)),
        *sick(date(2025, 12, 1), date(2025, 12, 2)),
        whole(date(2025, 12, 3), "udokumentert"),
    ]
    assert figures(one(rows)) == (5, 0, 0, 0, 5, 0)
    p = one(rows, request(date(2025, 10, 1), date(2025, 12, 31), "kronisk"))
    assert figures(p) == (5, 0, 4, 4, 1, 0)
    assert [r.may_leave_off for r in p.runs] == [1, 1, 2]


def test_a_chronic_requirement_covers_only_its_period() -> None:
    rows = sick(date(2025, 11, 3), date(2025, 11, 7))
    p = one(rows, request(date(2025, 11, 3), date(2025, 11, 4), "kronisk"))
    # Days 1–2 by the chronic requirement, days 4–5 by the run: four may go, two are required.
    assert (p.may_leave_off, p.left_off) == (4, 2)
    assert p.left_off_dates == (date(2025, 11, 3), date(2025, 11, 4))


def test_permisjon_days_may_be_left_off_and_its_lessons_stay_hours() -> None:
    rows = [
        *sick(date(2026, 2, 2), date(2026, 2, 4), kind="permisjon"),
        lesson(date(2026, 2, 10), "08:30", "09:30", kind="permisjon"),
    ]
    assert figures(one(rows)) == (3, 1, 3, 0, 3, 1)
    p = one(rows, request(date(2026, 2, 2), date(2026, 2, 3), "permisjon"))
    assert figures(p) == (3, 1, 3, 2, 1, 1)
    assert p.runs == (Run(date(2026, 2, 2), date(2026, 2, 4), "permisjon", 3, 3),)


def test_a_requirement_of_one_reason_leaves_off_no_day_of_another() -> None:
    rows = [*sick(date(2026, 2, 2), date(2026, 2, 4), kind="permisjon")]
    p = one(rows, request(date(2026, 2, 2), date(2026, 2, 4), "helse"))
    assert (p.may_leave_off, p.left_off) == (3, 0)


def test_at_most_ten_days_a_year_across_several_runs() -> None:
    # Three runs of seven school days: 4 + 4 + 4 = 12 may go, capped at 10.
    runs = [
        (date(2025, 9, 1), date(2025, 9, 9)),
        (date(2025, 10, 6), date(2025, 10, 14)),
        (date(2026, 1, 12), date(2026, 1, 20)),
    ]
    rows = [row for first, last in runs for row in sick(first, last)]
    p = one(rows, request(YEAR.first, YEAR.last, "helse"))
    assert figures(p) == (21, 0, 10, 10, 11, 0)
    assert [(r.days, r.may_leave_off) for r in p.runs] == [(7, 4), (7, 4), (7, 4)]
    assert p.left_off_dates[-2:] == (date(2026, 1, 15), date(2026, 1, 16))
    # Permisjon on top counts against the same ten.
    more = one(
        [*rows, whole(date(2026, 3, 2), "permisjon")], request(YEAR.first, YEAR.last, "helse")
    )
    assert (more.may_leave_off, more.left_off) == (10, 10)


def test_the_school_year_runs_from_august_to_july() -> None:
    rows = [
        whole(date(2025, 6, 16), group="9A"),  # the year before, in 9. trinn
        whole(date(2025, 7, 31), group="9A"),  # the last day of that year
        whole(date(2025, 8, 1)),  # the first day of this year (a Friday)
        whole(date(2026, 6, 18)),
        whole(date(2026, 7, 31)),  # the last day of this year
        whole(date(2026, 8, 3)),  # the next year
    ]
    p = one(rows)
    assert (p.days, p.group) == (3, "10A")
    before = one(rows, year=SchoolYear(2024))
    assert (before.days, before.group) == (2, "9A")
    assert one(rows, year=SchoolYear(2026)).days == 1


def test_a_requirement_outside_the_year_leaves_nothing_off() -> None:
    rows = sick(date(2025, 11, 3), date(2025, 11, 7))
    p = one(rows, request(date(2024, 11, 3), date(2024, 11, 7), "helse"))
    assert p.left_off == 0


# ----------------------------------------------------------------------- who is included


def test_only_the_policy_grades_and_the_asked_group_are_included() -> None:
    rows = [
        whole(date(2025, 9, 1), pupil_id="1", name="Berg, Ane", group="10B"),
        whole(date(2025, 9, 1), pupil_id="2", name="Aas, Per", group="8A"),
        whole(date(2025, 9, 1), pupil_id="3", name="Dahl, Kim", group="7A"),
        whole(date(2025, 9, 1), pupil_id="4", name="Eik, Liv", group="Basis"),
        lesson(date(2025, 9, 1), "08:30", "08:40", kind="for_sent", pupil_id="5", group="9A"),
    ]
    result = certificate(records(rows), POLICY, CALENDAR, YEAR)
    assert [(p.pupil_id, p.group, p.days) for p in result.pupils] == [
        ("2", "8A", 1),
        ("5", "9A", 0),
        ("1", "10B", 1),
    ]
    only = certificate(records(rows), POLICY, CALENDAR, YEAR, group="10b")
    assert [p.pupil_id for p in only.pupils] == ["1"]


def test_a_lesson_without_minutes_names_its_file_and_row() -> None:
    rows = [lesson(date(2025, 9, 1), "08:30", "09:15")]
    frame = records(rows).with_columns(minutes=None)
    with pytest.raises(InputError) as caught:
        certificate(frame, POLICY, CALENDAR, YEAR)
    assert str(caught.value) == (
        "test.csv, rad 2, kolonne «Minutter»: timen mangler fraværsminutter; "
        "oppgi minutter, timer eller fra og til klokkeslett."
    )


def test_json_has_the_contract_keys() -> None:
    rows = sick(date(2025, 11, 3), date(2025, 11, 7))
    data = to_json(certificate(records(rows), POLICY, CALENDAR, YEAR))
    assert data == {
        "year": "2025-2026",
        "pupils": [
            {
                "pupil_id": "1",
                "name": "Nordmann, Ola",
                "group": "10A",
                "days": 5,
                "hours": 0,
                "may_leave_off": 2,
                "left_off": 0,
                "days_recorded": 5,
                "hours_recorded": 0,
                "runs": [
                    {
                        "first": "2025-11-03",
                        "last": "2025-11-07",
                        "kind": "sykdom",
                        "days": 5,
                        "may_leave_off": 2,
                    }
                ],
            }
        ],
    }


# ------------------------------------------------------------------------ the school year


@pytest.mark.parametrize("text", ["2025-2026", "2025/2026", "2025-26", " 2025 – 2026 "])
def test_school_year_forms(text: str) -> None:
    year = SchoolYear.parse(text)
    assert (year.first, year.last, year.label) == (date(2025, 8, 1), date(2026, 7, 31), "2025-2026")


@pytest.mark.parametrize("text", ["2025", "2025-2027", "25-26", "høst"])
def test_a_bad_school_year_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        SchoolYear.parse(text)
    assert str(caught.value) == (
        f"«{text}» er ikke et skoleår. Skriv det som 2025-2026 (1. august til 31. juli)."
    )


def test_school_year_of() -> None:
    assert [school_year_of(date(2026, m, 1)) for m in (1, 7, 8, 12)] == [2025, 2025, 2026, 2026]


# ------------------------------------------------------------------------- invariants

DAYS = CALENDAR.school_days(date(2025, 8, 18), date(2025, 12, 19))


@settings(max_examples=60, deadline=None)
@given(
    absent=st.lists(
        st.tuples(st.sampled_from(DAYS), st.sampled_from(["sykdom", "permisjon", "udokumentert"])),
        max_size=40,
        unique_by=lambda t: t[0],
    ),
    reasons=st.lists(
        st.tuples(
            st.sampled_from(DAYS),
            st.integers(0, 60),
            st.sampled_from(["helse", "kronisk", "permisjon"]),
        ),
        max_size=4,
    ),
)
def test_left_off_never_exceeds_what_may_go_nor_the_cap(absent, reasons) -> None:
    rows = [whole(day, kind) for day, kind in absent] or [
        lesson(DAYS[0], "08:30", "08:40", "for_sent")
    ]
    requests = [request(first, first + timedelta(days=span), why) for first, span, why in reasons]
    p = one(rows, *requests)
    cap = POLICY.certificate.max_left_off_days
    assert p.days == len(absent)
    assert 0 <= p.left_off <= p.may_leave_off <= cap
    assert p.days_recorded == p.days - p.left_off >= 0
    assert sum(r.days for r in p.runs) == sum(1 for _, k in absent if k != "udokumentert")
    assert set(p.left_off_dates) <= {d for d, k in absent if k != "udokumentert"}


# ------------------------------------------------------------------------ the policy table


def test_a_policy_copy_changes_the_certificate_settings(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[certificate]\nhealth_kinds = ["sykdom", "dokumentert"]\nhours_rounding = "down"\n',
        encoding="utf-8",
    )
    rules = load_policy(path).certificate
    assert (rules.health_kinds, rules.hours_rounding, rules.max_left_off_days) == (
        ("sykdom", "dokumentert"),
        "down",
        10,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'hours_rounding = "halv"',
            "linje 2: «certificate.hours_rounding» skal være down, nearest, up, ikke «halv».",
        ),
        (
            'health_kinds = ["for_sent"]',
            "linje 2: «certificate.health_kinds» har «for_sent», som ikke står i "
            "certificate.counting_kinds.",
        ),
        (
            'leave_kinds = ["sykdom"]',
            "linje 2: «certificate.leave_kinds» har «sykdom», som også er en helsetype.",
        ),
        (
            "grades = []",
            "linje 2: «certificate.grades» skal være en liste med trinn, f.eks. [8, 9, 10].",
        ),
    ],
)
def test_bad_certificate_settings_name_file_and_line(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f"[certificate]\n{text}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert str(caught.value) == f"{path} {message}"
