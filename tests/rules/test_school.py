"""The four school rules of §3 on tiny frames, one edge at a time, plus property tests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.combined import school_flags
from naervaer_cli.rules.sample import record, records
from naervaer_cli.rules.school import (
    absence_days,
    left_during_day,
    single_lessons,
    subject_absence,
)

POLICY = load_policy("aas")
AS_OF = date(2026, 11, 20)  # a Friday
FIRST = AS_OF - timedelta(days=27)  # 2026-10-24, the window's first day


def whole(day: date, **fields) -> dict:
    return record(day, whole_day=True, **fields)


def lesson(day: date, start: str, end: str, **fields) -> dict:
    return record(day, start=start, end=end, **fields)


def only(flags: dict, pupil: str = "1"):
    """The single flag of `pupil`."""
    assert list(flags) == [pupil]
    assert len(flags[pupil]) == 1
    return flags[pupil][0]


# ----------------------------------------------------------------------- absence_days

INNER = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9)]


def test_seven_whole_days_is_concern_with_dates() -> None:
    days = [*INNER, date(2026, 11, 10)]
    flag = only(absence_days(records([whole(d) for d in days]), POLICY, AS_OF))
    assert (flag.rule, flag.severity, flag.count, flag.threshold) == (
        "absence_days",
        "concern",
        7,
        7,
    )
    assert flag.dates == tuple(days)


def test_first_and_last_day_of_the_window_are_in() -> None:
    days = [FIRST, *INNER[:5], AS_OF]
    flag = only(absence_days(records([whole(d) for d in days]), POLICY, AS_OF))
    assert (flag.severity, flag.count) == ("concern", 7)
    assert flag.dates[0] == FIRST and flag.dates[-1] == AS_OF


def test_the_day_before_the_window_is_out() -> None:
    days = [FIRST - timedelta(days=1), *INNER[:5], AS_OF]
    flag = only(absence_days(records([whole(d) for d in days]), POLICY, AS_OF))
    assert (flag.severity, flag.count, flag.threshold) == ("watch", 6, 5)
    assert FIRST - timedelta(days=1) not in flag.dates


def test_records_after_as_of_are_ignored() -> None:
    days = [*INNER[:5], AS_OF + timedelta(days=1), AS_OF + timedelta(days=3)]
    flag = only(absence_days(records([whole(d) for d in days]), POLICY, AS_OF))
    assert (flag.severity, flag.count) == ("watch", 5)


def test_four_days_is_nothing() -> None:
    assert absence_days(records([whole(d) for d in INNER[:4]]), POLICY, AS_OF) == {}


def test_whole_day_by_minutes_240_counts_239_does_not() -> None:
    base = [whole(d) for d in INNER[:4]]
    at_240 = base + [
        lesson(date(2026, 11, 10), "08:30", "10:30"),  # 120
        lesson(date(2026, 11, 10), "11:00", "13:00"),  # 120
    ]
    flag = only(absence_days(records(at_240), POLICY, AS_OF))
    assert (flag.count, date(2026, 11, 10) in flag.dates) == (5, True)
    at_239 = base + [
        lesson(date(2026, 11, 10), "08:30", "10:30"),
        lesson(date(2026, 11, 10), "11:00", "13:00", minutes=119),
    ]
    assert absence_days(records(at_239), POLICY, AS_OF) == {}


def test_minutes_sum_over_counting_kinds_only() -> None:
    rows = [whole(d) for d in INNER[:4]] + [
        lesson(date(2026, 11, 10), "08:30", "10:30", kind="sykdom"),
        lesson(date(2026, 11, 10), "11:00", "13:00", kind="permisjon"),
    ]
    assert absence_days(records(rows), POLICY, AS_OF) == {}


def test_non_counting_kinds_never_make_a_day() -> None:
    for kind in ("permisjon", "for_sent", "ikke_fravaer"):
        rows = [whole(d, kind=kind) for d in [*INNER, date(2026, 11, 10)]]
        assert absence_days(records(rows), POLICY, AS_OF) == {}, kind


def test_valid_absence_counts_too() -> None:
    kinds = [
        "dokumentert",
        "sykdom",
        "ubehandlet",
        "udokumentert",
        "forlot_skolen",
        "sykdom",
        "dokumentert",
    ]
    rows = [whole(d, kind=k) for d, k in zip([*INNER, date(2026, 11, 10)], kinds, strict=True)]
    assert only(absence_days(records(rows), POLICY, AS_OF)).count == 7


def test_two_records_same_day_count_once() -> None:
    rows = [whole(d) for d in INNER[:5]] + [whole(INNER[0], kind="sykdom")]
    assert only(absence_days(records(rows), POLICY, AS_OF)).count == 5


def test_pupils_are_counted_apart() -> None:
    rows = [whole(d) for d in INNER[:5]] + [whole(d, pupil_id="2") for d in INNER[:4]]
    flags = absence_days(records(rows), POLICY, AS_OF)
    assert list(flags) == ["1"]


# ----------------------------------------------------------------------- left_during_day

MON, TUE, WED = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)


def left_days(rows: list[dict]) -> tuple[date, ...]:
    flags = left_during_day(records(rows), POLICY, AS_OF)
    return flags["1"][0].dates if flags else ()


def test_leaving_twice_is_concern() -> None:
    rows = [lesson(MON, "12:00", "14:00"), lesson(TUE, "11:00", "14:00")]
    flag = only(left_during_day(records(rows), POLICY, AS_OF))
    assert (flag.rule, flag.severity, flag.count, flag.threshold) == (
        "left_during_day",
        "concern",
        2,
        2,
    )
    assert flag.dates == (MON, TUE)


def test_once_is_not_enough() -> None:
    assert left_during_day(records([lesson(MON, "12:00", "14:00")]), POLICY, AS_OF) == {}


def test_block_start_tolerance_45_minutes() -> None:
    # 08:30 + 45 min = 09:15: starting then is leaving; one minute earlier is not coming.
    rows = [
        lesson(MON, "09:15", "10:00"),
        lesson(MON, "10:15", "12:15"),
        lesson(MON, "12:30", "14:00", minutes=30),
    ]
    rows += [lesson(TUE, "12:00", "14:00")]
    assert left_days(rows) == (MON, TUE)
    early = [
        lesson(MON, "09:14", "10:00"),
        lesson(MON, "10:15", "12:15"),
        lesson(MON, "12:30", "14:00", minutes=30),
        lesson(TUE, "12:00", "14:00"),
    ]
    assert left_days(early) == ()


def test_block_end_tolerance_15_minutes() -> None:
    # 14:00 − 15 min = 13:45: ending then still counts; 13:44 does not.
    rows = [lesson(MON, "12:00", "13:45"), lesson(TUE, "12:00", "14:00")]
    assert left_days(rows) == (MON, TUE)
    rows = [lesson(MON, "12:00", "13:44"), lesson(TUE, "12:00", "14:00")]
    assert left_days(rows) == ()


def test_blocks_merge_across_breaks_of_at_most_45_minutes() -> None:
    # Absent 08:30–09:00, then from after a break to the end of the day (225 min in all).
    def day(break_end: str) -> list[dict]:
        return [
            lesson(MON, "08:30", "09:00"),
            lesson(MON, break_end, "10:30"),
            lesson(MON, "10:45", "11:45"),
            lesson(MON, "12:30", "13:30"),
            lesson(MON, "13:30", "14:00"),
        ]

    other = [lesson(TUE, "12:00", "14:00")]
    # A 45-minute break joins the morning to the rest: one block from 08:30, not «left».
    assert left_days(day("09:45") + other) == ()
    # A 46-minute break splits it: the last block starts 09:46 and runs to the end.
    assert left_days(day("09:46") + other) == (MON, TUE)


def test_last_block_only_decides() -> None:
    # Away 11:00–14:00 but back for the last lesson 13:15–14:00? No: the last block is short.
    rows = [
        lesson(MON, "10:00", "11:00"),
        lesson(MON, "13:00", "14:00"),
        lesson(TUE, "12:00", "14:00"),
    ]
    # Last block on MON is 13:00–14:00, starting after 09:15 and ending at 14:00: it is leaving.
    assert left_days(rows) == (MON, TUE)
    rows = [
        lesson(MON, "12:00", "13:00"),
        lesson(MON, "13:50", "14:00"),
        lesson(TUE, "12:00", "14:00"),
    ]
    assert left_days(rows) == (MON, TUE)
    rows = [lesson(MON, "12:00", "13:00"), lesson(TUE, "12:00", "14:00")]
    assert left_days(rows) == ()


def test_a_long_lesson_sets_the_block_end() -> None:
    # 12:00–14:00 with a shorter lesson inside it: the block ends 14:00, not at 13:00.
    rows = [
        lesson(MON, "09:00", "10:00"),
        lesson(MON, "12:00", "14:00", minutes=60),
        lesson(MON, "12:30", "13:00"),
        lesson(TUE, "12:00", "14:00"),
    ]
    assert left_days(rows) == (MON, TUE)


def test_a_leaving_record_and_a_leaving_block_on_one_day_count_once() -> None:
    rows = [
        record(MON, kind="forlot_skolen"),
        lesson(MON, "12:00", "14:00"),
        lesson(TUE, "12:00", "14:00"),
    ]
    flag = only(left_during_day(records(rows), POLICY, AS_OF))
    assert (flag.count, flag.dates) == (2, (MON, TUE))


def test_blocks_never_run_from_one_pupil_or_day_into_the_next() -> None:
    # Pupil 1 leaves on MON and TUE; pupil 2 and pupil 1's WED end early in the morning.
    rows = [
        lesson(MON, "12:00", "14:00"),
        lesson(TUE, "12:00", "14:00"),
        lesson(WED, "08:30", "09:15"),
        lesson(MON, "08:30", "09:15", pupil_id="2"),
        lesson(TUE, "08:30", "09:15", pupil_id="2"),
    ]
    flags = left_during_day(records(rows), POLICY, AS_OF)
    assert list(flags) == ["1"]
    assert flags["1"][0].dates == (MON, TUE)
    flags = single_lessons(records(rows), POLICY, AS_OF)
    assert sorted(flags) == ["2"]  # pupil 1's WED lesson alone is below the threshold


def test_forlot_skolen_record_is_leaving_without_times() -> None:
    rows = [record(MON, kind="forlot_skolen"), record(TUE, kind="forlot_skolen", start="10:00")]
    assert left_days(rows) == (MON, TUE)


def test_whole_day_absence_is_not_leaving() -> None:
    rows = [
        lesson(MON, "09:30", "14:00"),  # 270 min: a whole day
        lesson(TUE, "12:00", "14:00"),
        record(WED, kind="forlot_skolen"),
        whole(WED),
    ]
    assert left_days(rows) == ()


def test_non_counting_kinds_never_make_a_leaving() -> None:
    for kind in ("permisjon", "for_sent", "ikke_fravaer"):
        rows = [lesson(MON, "12:00", "14:00", kind=kind), lesson(TUE, "12:00", "14:00", kind=kind)]
        assert left_days(rows) == (), kind


def test_school_day_per_grade(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[school.day.grades]\n"1" = { start = "08:30", end = "13:00" }\n', "utf-8")
    policy = load_policy(path)
    rows = [lesson(MON, "11:00", "12:45", group="1A"), lesson(TUE, "11:00", "12:45", group="1A")]
    assert list(left_during_day(records(rows), policy, AS_OF)) == ["1"]
    assert left_during_day(records(rows), POLICY, AS_OF) == {}


# ----------------------------------------------------------------------- single_lessons


def test_two_single_lessons_is_concern_with_lesson_evidence() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="Matematikk"),
        lesson(TUE, "10:15", "11:00", subject="Norsk", kind="ubehandlet"),
    ]
    flag = only(single_lessons(records(rows), POLICY, AS_OF))
    assert (flag.rule, flag.severity, flag.count, flag.threshold) == (
        "single_lessons",
        "concern",
        2,
        2,
    )
    assert flag.dates == (MON, TUE)
    assert flag.lessons == ("16.11 09:15–10:00 Matematikk", "17.11 10:15–11:00 Norsk")


def test_single_lessons_counts_records_not_days() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="Matematikk"),
        lesson(MON, "11:15", "12:00", subject="Engelsk"),
    ]
    flag = only(single_lessons(records(rows), POLICY, AS_OF))
    assert (flag.count, flag.dates) == (2, (MON,))


def test_only_undocumented_and_unprocessed_lessons() -> None:
    for kind in ("dokumentert", "sykdom", "permisjon", "for_sent", "ikke_fravaer", "forlot_skolen"):
        rows = [lesson(MON, "09:15", "10:00", kind=kind), lesson(TUE, "09:15", "10:00", kind=kind)]
        assert single_lessons(records(rows), POLICY, AS_OF) == {}, kind


def test_lessons_on_whole_day_absence_days_do_not_count() -> None:
    rows = [
        whole(MON, kind="sykdom"),
        lesson(MON, "09:15", "10:00"),
        lesson(TUE, "08:30", "10:30"),
        lesson(TUE, "10:30", "12:30"),  # 240 min
        lesson(WED, "09:15", "10:00"),
    ]
    assert single_lessons(records(rows), POLICY, AS_OF) == {}


def test_the_left_during_day_block_is_not_single_lessons() -> None:
    rows = [
        lesson(MON, "09:00", "09:45", subject="Norsk"),  # a single lesson
        lesson(MON, "12:00", "13:00", subject="Matematikk"),  # the leaving …
        lesson(MON, "13:00", "14:00", subject="Engelsk"),  # … block
        lesson(TUE, "12:00", "14:00", subject="Naturfag"),  # leaving, not a lesson
    ]
    flags = single_lessons(records(rows), POLICY, AS_OF)
    assert flags == {}
    rows.append(lesson(WED, "10:00", "10:45", subject="Musikk"))
    flag = only(single_lessons(records(rows), POLICY, AS_OF))
    assert flag.lessons == ("16.11 09:00–09:45 Norsk", "18.11 10:00–10:45 Musikk")


def test_lesson_evidence_without_times() -> None:
    rows = [record(MON, minutes=45, subject="Matematikk"), record(TUE, subject="Norsk")]
    flag = only(single_lessons(records(rows), POLICY, AS_OF))
    assert flag.lessons == ("16.11 45 min Matematikk", "17.11 Norsk")


# ----------------------------------------------------------------------- subject_absence


def test_subject_by_prefix_and_kro() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="KRØ", kind="sykdom"),
        lesson(WED, "12:00", "12:45", subject="Kroppsøving 7A", kind="dokumentert"),
    ]
    flag = only(subject_absence(records(rows), POLICY, AS_OF))
    assert (flag.rule, flag.subject, flag.severity, flag.count, flag.threshold) == (
        "subject_absence",
        "Kroppsøving",
        "concern",
        2,
        2,
    )
    assert flag.dates == (MON, WED)
    assert flag.lessons == ("16.11 09:15–10:00 KRØ", "18.11 12:00–12:45 Kroppsøving 7A")


def test_subject_match_is_case_insensitive_prefix_only() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="kRø"),
        lesson(TUE, "09:15", "10:00", subject="  KROPPSØVING"),
    ]
    assert only(subject_absence(records(rows), POLICY, AS_OF)).count == 2
    rows = [
        lesson(MON, "09:15", "10:00", subject="Teori i krø"),
        lesson(TUE, "09:15", "10:00", subject="Norsk"),
    ]
    assert subject_absence(records(rows), POLICY, AS_OF) == {}


def test_subject_counts_distinct_dates() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="Svømming"),
        lesson(MON, "10:00", "10:45", subject="Svømming"),
    ]
    assert subject_absence(records(rows), POLICY, AS_OF) == {}


def test_one_flag_per_subject() -> None:
    rows = [
        lesson(MON, "09:15", "10:00", subject="KRØ"),
        lesson(TUE, "09:15", "10:00", subject="Kroppsøving"),
        whole(WED, subject="Turdag"),
        whole(AS_OF, subject="turdag Østmarka"),
        lesson(MON, "11:00", "12:00", subject="Svømming"),
    ]
    flags = subject_absence(records(rows), POLICY, AS_OF)["1"]
    assert [(f.subject, f.count) for f in flags] == [("Kroppsøving", 2), ("Turdag", 2)]
    assert flags[1].lessons == ("18.11 hele dagen Turdag", "20.11 hele dagen turdag Østmarka")


def test_subject_ignores_non_counting_kinds() -> None:
    for kind in ("permisjon", "for_sent", "ikke_fravaer"):
        rows = [
            lesson(MON, "09:15", "10:00", subject="KRØ", kind=kind),
            lesson(TUE, "09:15", "10:00", subject="KRØ", kind=kind),
        ]
        assert subject_absence(records(rows), POLICY, AS_OF) == {}, kind


def test_subject_window_boundaries() -> None:
    rows = [
        lesson(FIRST - timedelta(days=1), "09:15", "10:00", subject="KRØ"),
        lesson(FIRST, "09:15", "10:00", subject="KRØ"),
        lesson(AS_OF + timedelta(days=1), "09:15", "10:00", subject="KRØ"),
    ]
    assert subject_absence(records(rows), POLICY, AS_OF) == {}
    rows.append(lesson(AS_OF, "09:15", "10:00", subject="KRØ"))
    assert only(subject_absence(records(rows), POLICY, AS_OF)).dates == (FIRST, AS_OF)


# ----------------------------------------------------------------------- properties

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
SUBJECTS = [None, "Matematikk", "KRØ", "Kroppsøving", "Svømming", "Turdag", "Norsk"]
CALENDAR = SchoolCalendar()


@st.composite
def a_record(draw: st.DrawFn) -> dict:
    day = FIRST + timedelta(days=draw(st.integers(-5, 30)))
    if draw(st.booleans()) and draw(st.booleans()):
        return whole(
            day,
            pupil_id=draw(st.sampled_from(["1", "2"])),
            kind=draw(st.sampled_from(KINDS)),
            subject=draw(st.sampled_from(SUBJECTS)),
        )
    start = draw(st.integers(8 * 60, 13 * 60 + 15))
    length = draw(st.sampled_from([30, 45, 60, 90]))
    end = min(start + length, 14 * 60 + 30)
    return lesson(
        day,
        f"{start // 60:02d}:{start % 60:02d}",
        f"{end // 60:02d}:{end % 60:02d}",
        pupil_id=draw(st.sampled_from(["1", "2"])),
        kind=draw(st.sampled_from(KINDS)),
        subject=draw(st.sampled_from(SUBJECTS)),
    )


def _flags(rows: list[dict]) -> dict:
    return dict(school_flags(records(rows), POLICY, AS_OF, CALENDAR))


@settings(max_examples=60, deadline=None)
@given(st.lists(a_record(), min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_row_order_never_changes_the_result(rows: list[dict], rnd) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert _flags(shuffled) == _flags(rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(a_record(), min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_every_flag_lists_its_dates_in_order(rows: list[dict], rnd) -> None:
    """Whatever the order of the rows (the rules sort rows once, not each pupil's list)."""
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    for flags in _flags(shuffled).values():
        for flag in flags:
            assert list(flag.dates) == sorted(flag.dates), flag.rule


@settings(max_examples=60, deadline=None)
@given(st.lists(a_record(), min_size=0, max_size=40), a_record())
def test_a_permisjon_record_never_changes_a_flag(rows: list[dict], extra: dict) -> None:
    extra = {**extra, "kind": "permisjon", "code": "Permisjon"}
    assert _flags([*rows, extra]) == _flags(rows)
