"""«Har nærværet økt?» computed on tiny frames: school days only, counting kinds, partial days."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import polars as pl
import pytest

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.evaluate import evaluate_case
from naervaer_cli.caselog.events import EventType
from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.errors import UsageError
from naervaer_cli.rules.presence import compare_presence
from naervaer_cli.schema import empty_records, record_schema

KINDS = ("udokumentert", "dokumentert", "sykdom", "ubehandlet", "forlot_skolen")
MEASURE = date(2026, 11, 4)  # a Wednesday
AS_OF = date(2026, 11, 10)  # after: 5, 6, 9, 10 Nov; before: 29, 30 Oct, 2, 3 Nov


def records(*rows: tuple[str, date, str, bool, int | None]) -> pl.DataFrame:
    """Canonical records from (pupil, date, kind, whole_day, minutes)."""
    data = [
        {
            "pupil_id": p,
            "name": "Nordmann, Ola",
            "group": "7A",
            "contact": None,
            "date": d,
            "start": None if whole else time(9, 0),
            "end": None,
            "minutes": minutes,
            "whole_day": whole,
            "subject": None,
            "code": kind,
            "kind": kind,
            "notified": None,
            "comment": None,
            "source": "eksport.csv",
            "source_row": n + 2,
        }
        for n, (p, d, kind, whole, minutes) in enumerate(rows)
    ]
    return pl.DataFrame(data, schema=record_schema())


FRAME = records(
    ("1", date(2026, 10, 29), "udokumentert", False, 300),  # capped at a whole day: 1
    ("1", date(2026, 10, 30), "sykdom", True, None),  # 1
    ("1", date(2026, 11, 2), "permisjon", True, None),  # does not count: 0
    ("1", date(2026, 11, 3), "udokumentert", False, 60),  # 60 + 60 = 120 of 240: 0.5
    ("1", date(2026, 11, 3), "ubehandlet", False, 60),
    ("1", date(2026, 11, 4), "sykdom", True, None),  # the decision day: in neither
    ("1", date(2026, 11, 6), "dokumentert", False, 60),  # 0.25
    ("1", date(2026, 11, 7), "udokumentert", True, None),  # a Saturday: ignored
    ("2", date(2026, 11, 5), "udokumentert", True, None),  # another pupil
    ("2", date(2026, 11, 10), "sykdom", True, None),  # the export reaches AS_OF
)


def test_presence_before_and_after_a_measure() -> None:
    result = compare_presence(
        FRAME, "1", MEASURE, AS_OF, SchoolCalendar(), counting_kinds=KINDS, whole_day_minutes=240
    )
    assert (result.days_before, result.days_after) == (4, 4)
    assert (result.before_first, result.before_last) == (date(2026, 10, 29), date(2026, 11, 3))
    assert (result.after_first, result.after_last) == (date(2026, 11, 5), date(2026, 11, 10))
    assert result.presence_before == pytest.approx(1 - 2.5 / 4)
    assert result.presence_after == pytest.approx(1 - 0.25 / 4)
    assert result.difference == pytest.approx(0.5625)
    assert result.improved is True


def test_breaks_are_not_school_days() -> None:
    calendar = SchoolCalendar(breaks=frozenset({date(2026, 11, 9)}))
    result = compare_presence(
        FRAME, "1", MEASURE, AS_OF, calendar, counting_kinds=KINDS, whole_day_minutes=240
    )
    assert (result.days_before, result.days_after) == (3, 3)
    assert result.before_first == date(2026, 10, 30)
    assert result.presence_before == pytest.approx(1 - 1.5 / 3)
    assert result.presence_after == pytest.approx(1 - 0.25 / 3)


def test_the_same_presence_is_not_an_improvement() -> None:
    result = compare_presence(
        empty_records(),
        "1",
        MEASURE,
        AS_OF,
        SchoolCalendar(),
        counting_kinds=KINDS,
        whole_day_minutes=240,
    )
    assert (result.presence_before, result.presence_after, result.difference) == (1.0, 1.0, 0.0)
    assert result.improved is False


def test_worse_presence_is_not_an_improvement() -> None:
    frame = records(("1", date(2026, 11, 5), "udokumentert", True, None))
    result = compare_presence(
        frame, "1", MEASURE, AS_OF, SchoolCalendar(), counting_kinds=KINDS, whole_day_minutes=240
    )
    assert result.presence_after == pytest.approx(0.75)
    assert result.improved is False


def test_no_school_day_since_the_measure_gives_no_rates() -> None:
    result = compare_presence(
        FRAME, "1", MEASURE, MEASURE, SchoolCalendar(), counting_kinds=KINDS, whole_day_minutes=240
    )
    assert (result.days_after, result.presence_after, result.difference) == (0, None, None)
    assert result.improved is False


def test_evaluate_case_records_the_answer_and_figures(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "caselog.sqlite") as store:
        store.open_case("1", setting="skole", day=date(2026, 10, 26), by="Kari")
        with pytest.raises(UsageError, match="ingen tiltak å evaluere"):
            evaluate_case(
                store,
                FRAME,
                "1",
                as_of=AS_OF,
                by="Kari",
                calendar=SchoolCalendar(),
                counting_kinds=KINDS,
                whole_day_minutes=240,
            )
        store.add_measure("1", day=MEASURE, by="Kari", text="Fast oppmøte", responsible="Kari")
        with pytest.raises(UsageError, match="Importer eksportene først"):
            evaluate_case(
                store,
                empty_records(),
                "1",
                as_of=AS_OF,
                by="Kari",
                calendar=SchoolCalendar(),
                counting_kinds=KINDS,
                whole_day_minutes=240,
            )
        with pytest.raises(UsageError, match="ingen dager etter at tiltaket ble besluttet"):
            evaluate_case(
                store,
                FRAME,
                "1",
                as_of=MEASURE,
                by="Kari",
                calendar=SchoolCalendar(),
                counting_kinds=KINDS,
                whole_day_minutes=240,
            )
        # Days after the data's last date are unknown, not present: evaluating long after
        # the last export gives the same figures as evaluating on that last date.
        later, _ = evaluate_case(
            store,
            FRAME,
            "1",
            as_of=AS_OF + timedelta(days=60),
            by="Kari",
            calendar=SchoolCalendar(),
            counting_kinds=KINDS,
            whole_day_minutes=240,
        )
        at_end = compare_presence(
            FRAME,
            "1",
            MEASURE,
            AS_OF,
            SchoolCalendar(),
            counting_kinds=KINDS,
            whole_day_minutes=240,
        )
        assert later.figures() == at_end.figures()

        comparison, event = evaluate_case(
            store,
            FRAME,
            "1",
            as_of=AS_OF,
            by="Kari",
            calendar=SchoolCalendar(),
            counting_kinds=KINDS,
            whole_day_minutes=240,
        )
        assert event.type == EventType.EVALUATION and event.date == AS_OF
        assert event.data == {
            "improved": True,
            "presence_before": 0.375,
            "presence_after": 0.9375,
            "difference": 0.5625,
            "days_before": 4,
            "days_after": 4,
            "measure_date": MEASURE,
            "before_first": date(2026, 10, 29),
            "before_last": date(2026, 11, 3),
            "after_first": date(2026, 11, 5),
            "after_last": date(2026, 11, 10),
        }
        assert comparison.improved and store.summaries(AS_OF)["1"].last_evaluation_improved


def test_a_history_that_starts_after_the_period_before_is_refused(tmp_path: Path) -> None:
    """Days before the history starts are not days present: with only the rows from 5.11
    the presence before the measure would be 100 %, and the answer «not improved» wrong."""
    late = FRAME.filter(pl.col("date") > MEASURE)
    with CaseStore(tmp_path / "caselog.sqlite") as store:
        store.open_case("1", setting="skole", day=date(2026, 10, 26), by="Kari")
        store.add_measure("1", day=MEASURE, by="Kari", text="Fast oppmøte", responsible="Kari")
        with pytest.raises(UsageError) as refused:
            evaluate_case(
                store,
                late,
                "1",
                as_of=AS_OF,
                by="Kari",
                calendar=SchoolCalendar(),
                counting_kinds=KINDS,
                whole_day_minutes=240,
            )
        assert str(refused.value) == (
            "Fraværshistorikken starter 05.11.2026, men perioden før tiltaket begynner "
            "29.10.2026 (4 skoledager før 04.11.2026). Importer eldre eksporter og evaluer igjen."
        )
        assert EventType.EVALUATION not in {e.type for e in store.timeline("1")}
