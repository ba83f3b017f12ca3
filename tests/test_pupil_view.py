"""`pupil_view`: one pupil's calendar, breakdowns, flags and plan, from a tiny canonical frame."""

from __future__ import annotations

from datetime import date, time

import polars as pl
import pytest

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.errors import UsageError
from naervaer_cli.policy import load_policy
from naervaer_cli.pupil_view import find_pupil, pupil_view
from naervaer_cli.schema import record_schema
from naervaer_cli.subjects import with_subject_names

AS_OF = date(2026, 11, 20)  # a Friday


def rec(
    pid: str,
    name: str,
    group: str,
    day: date,
    *,
    kind: str = "udokumentert",
    whole: bool = False,
    start: time | None = None,
    minutes: int | None = None,
    subject: str | None = None,
) -> dict:
    end = None
    if start is not None and minutes is not None:
        total = start.hour * 60 + start.minute + minutes
        end = time(total // 60, total % 60)
    return {
        "pupil_id": pid,
        "name": name,
        "group": group,
        "contact": "Kari Lærer",
        "date": day,
        "start": start,
        "end": end,
        "minutes": minutes,
        "whole_day": whole,
        "subject": subject,
        "code": kind,
        "kind": kind,
        "notified": None,
        "comment": None,
        "source": "t.csv",
        "source_row": 2,
    }


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=record_schema())


def ola_rows() -> list[dict]:
    whole = [date(2026, 11, d) for d in (2, 3, 4, 9, 10, 11, 16, 17)]  # 8 whole days
    rows = [rec("10234", "Nordmann, Ola", "7A", d, whole=True) for d in whole]
    rows += [
        rec(
            "10234",
            "Nordmann, Ola",
            "7A",
            date(2026, 11, 12),
            start=time(10, 15),
            minutes=45,
            subject="Kroppsøving",
        ),
        rec(
            "10234",
            "Nordmann, Ola",
            "7A",
            date(2026, 11, 19),
            start=time(10, 15),
            minutes=45,
            subject="KRØ",
        ),
        # 240 minutes of lessons: a whole day by minutes
        rec(
            "10234",
            "Nordmann, Ola",
            "7A",
            date(2026, 10, 26),
            start=time(8, 30),
            minutes=240,
            subject="Norsk",
        ),
        # leave and «not absence» never colour the calendar
        rec("10234", "Nordmann, Ola", "7A", date(2026, 11, 13), kind="permisjon", whole=True),
        rec(
            "10234",
            "Nordmann, Ola",
            "7A",
            date(2026, 11, 18),
            kind="ikke_fravaer",
            start=time(9, 0),
            minutes=45,
            subject="Matte",
        ),
        # after as_of: not shown
        rec("10234", "Nordmann, Ola", "7A", date(2026, 11, 23), whole=True),
    ]
    return rows


@pytest.fixture
def records() -> pl.DataFrame:
    return frame(
        [
            *ola_rows(),
            rec("10240", "Nordmann, Per", "7B", date(2026, 11, 20), start=time(9, 0), minutes=45),
            rec("10251", "Hansen, Kari", "7B", date(2026, 11, 20), start=time(9, 0), minutes=45),
        ]
    )


def test_find_pupil_by_id_and_unique_name(records: pl.DataFrame) -> None:
    assert find_pupil(records, "10240") == "10240"
    assert find_pupil(records, "ola") == "10234"
    assert find_pupil(records, " HANSEN ") == "10251"


def test_find_pupil_ambiguous_lists_id_and_group(records: pl.DataFrame) -> None:
    with pytest.raises(UsageError) as err:
        find_pupil(records, "Nordmann")
    assert str(err.value) == (
        "«Nordmann» passer på 2 elever: 10234 (7A), 10240 (7B). Oppgi elevnummeret."
    )
    assert err.value.exit_code == 2


def test_find_pupil_nobody(records: pl.DataFrame) -> None:
    with pytest.raises(UsageError, match="Fant ingen elev .* «Olsen»"):
        find_pupil(records, "Olsen")


def test_view(records: pl.DataFrame) -> None:
    policy = load_policy("aas")
    # As loading does: «KRØ» is kroppsøving in every table, chart and flag.
    records = with_subject_names(records, policy.school)
    view = pupil_view(records, policy, "10234", as_of=AS_OF, calendar=SchoolCalendar())
    assert (view.name, view.group, view.contact) == ("Nordmann, Ola", "7A", "Kari Lærer")
    assert view.first == date(2026, 10, 12) and len(view.days) == 30
    state = {d.day: d.state for d in view.days}
    assert state[date(2026, 11, 2)] == "whole"
    assert state[date(2026, 10, 26)] == "whole"  # 240 minutes
    assert state[date(2026, 11, 12)] == "partial"
    assert state[date(2026, 11, 13)] == "none"  # permisjon does not count
    assert state[date(2026, 11, 18)] == "none"  # ikke_fravaer does not count
    assert state[date(2026, 11, 20)] == "none"
    assert sum(s == "whole" for s in state.values()) == 9
    assert [(w.weekday, w.whole, w.partial) for w in view.by_weekday] == [
        (0, 4, 0),
        (1, 3, 0),
        (2, 2, 0),
        (3, 0, 2),
        (4, 0, 0),
    ]
    assert [(s.subject, s.lessons, s.days, s.minutes) for s in view.by_subject] == [
        ("Kroppsøving", 2, 2, 90),
        ("Norsk", 1, 1, 240),  # «KRØ» is kroppsøving
    ]
    assert view.result is not None and view.result.status == "concern"
    fired = {(f.rule, f.subject) for f in view.result.flags}
    assert ("absence_days", None) in fired and ("subject_absence", "Kroppsøving") in fired
    assert ("single_lessons", None) in fired  # the two gym lessons were undocumented
    assert view.quiet_rules == ("left_during_day",)
    assert view.plan is not None and view.plan.level == 0
    assert view.plan.responsible == ("Kontaktlærer",)
    assert view.talk_to_child == "Snakk med barnet/eleven under hele prosessen."


def test_view_marks_holidays_breaks_and_days_after_as_of(records: pl.DataFrame) -> None:
    calendar = SchoolCalendar(breaks=frozenset({date(2026, 10, 14)}))
    view = pupil_view(
        records, load_policy("aas"), "10234", as_of=date(2026, 11, 18), calendar=calendar
    )
    state = {d.day: d.state for d in view.days}
    assert view.first == date(2026, 10, 12)
    assert state[date(2026, 10, 14)] == "off"
    assert state[date(2026, 11, 19)] == "future" and state[date(2026, 11, 20)] == "future"


def test_view_of_pupil_without_flags(records: pl.DataFrame) -> None:
    view = pupil_view(
        records, load_policy("aas"), "10251", as_of=AS_OF, calendar=SchoolCalendar(), weeks=2
    )
    assert view.result is None and view.plan is None
    assert len(view.days) == 10
    assert [d.state for d in view.days][-1] == "partial"
    assert view.quiet_rules == (
        "absence_days",
        "left_during_day",
        "single_lessons",
        "subject_absence",
    )
