"""Every CaseStore operation on a real SQLite file and a real PostgreSQL database (the
`store` fixture runs each test on both)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from caselog_backends import Backend

from naervaer_cli.caselog.events import EventType
from naervaer_cli.caselog.location import caselog_path
from naervaer_cli.caselog.store import CaseStore, purge_closed_cases
from naervaer_cli.config import Config
from naervaer_cli.errors import RuntimeFailure, UsageError

D = date(2026, 11, 2)  # a Monday


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_is_0600_in_a_0700_folder_and_so_are_wal_and_shm(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    with CaseStore(folder / "caselog.sqlite") as s:
        s.open_case("1", setting="skole", day=D, by="Kari")
        wal, shm = folder / "caselog.sqlite-wal", folder / "caselog.sqlite-shm"
        assert wal.exists() and shm.exists()
        assert (_mode(wal), _mode(shm)) == (0o600, 0o600)
    assert _mode(folder) == 0o700
    assert _mode(folder / "caselog.sqlite") == 0o600


def test_path_comes_from_config_or_home(tmp_path: Path) -> None:
    assert caselog_path(Config(home=tmp_path)) == tmp_path / "caselog.sqlite"
    other = tmp_path / "x" / "log.db"
    assert caselog_path(Config(home=tmp_path, data={"caselog": {"path": str(other)}})) == other


def test_open_case_registers_the_concern(store: CaseStore) -> None:
    case = store.open_case("10234", setting="skole", day=D, by="Kari Lærer", text="Mye fravær")
    assert (case.pupil_id, case.setting, case.level, case.opened, case.closed) == (
        "10234",
        "skole",
        0,
        D,
        None,
    )
    (event,) = store.timeline("10234")
    assert (event.type, event.label, event.date, event.by, event.text, event.data) == (
        EventType.CONCERN_REGISTERED,
        "Uro registrert",
        D,
        "Kari Lærer",
        "Mye fravær",
        {"level": 0, "setting": "skole"},
    )
    assert store.current_case("10234") == case


def test_a_second_open_case_is_refused(store: CaseStore) -> None:
    store.open_case("10234", setting="skole", day=D, by="Kari")
    with pytest.raises(UsageError, match="Elev 10234 har allerede en åpen sak"):
        store.open_case("10234", setting="skole", day=D, by="Kari")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pupil_id": "01010112345"}, "aldri fødselsnummer"),
        ({"by": " "}, "Oppgi hvem som registrerer"),
        ({"setting": "sfo"}, "Ukjent type «sfo»"),
        ({"level": 3}, "Nivået må være 0, 1 eller 2"),
        ({"text": "fnr 01019010046"}, "Skriv ikke fødselsnummer i saksloggen"),
    ],
)
def test_open_case_checks_its_input(store: CaseStore, kwargs: dict, message: str) -> None:
    args = {"pupil_id": "1", "setting": "skole", "day": D, "by": "Kari", **kwargs}
    with pytest.raises(UsageError, match=message):
        store.open_case(args.pop("pupil_id"), **args)
    assert store.cases() == ()


def test_events_need_an_open_case(store: CaseStore) -> None:
    with pytest.raises(UsageError, match="Elev 7 har ingen åpen sak"):
        store.add_note("7", day=D, by="Kari", text="hei")


def test_note_level_meeting_and_close(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    store.add_note("1", day=date(2026, 11, 3), by="Kari", text="Ringte mor")
    store.change_level("1", day=date(2026, 11, 4), by="Rektor", level=1, text="Uro bekreftet")
    store.record_meeting(
        "1",
        day=date(2026, 11, 5),
        by="Kari",
        text="Møte med hjemmet",
        next_meeting=date(2026, 11, 26),
    )
    store.close_case("1", day=date(2026, 12, 1), by="Kari", text="Nærværet er bra")
    events = store.timeline("1")
    assert [(e.type, e.label, e.date, e.by, e.text, e.data) for e in events] == [
        (
            EventType.CONCERN_REGISTERED,
            "Uro registrert",
            D,
            "Kari",
            "",
            {"level": 0, "setting": "skole"},
        ),
        (EventType.NOTE, "Notat", date(2026, 11, 3), "Kari", "Ringte mor", {}),
        (
            EventType.LEVEL_CHANGED,
            "Nivå endret",
            date(2026, 11, 4),
            "Rektor",
            "Uro bekreftet",
            {"from": 0, "to": 1},
        ),
        (
            EventType.MEETING,
            "Møte holdt",
            date(2026, 11, 5),
            "Kari",
            "Møte med hjemmet",
            {"next_meeting": date(2026, 11, 26)},
        ),
        (EventType.CLOSED, "Sak avsluttet", date(2026, 12, 1), "Kari", "Nærværet er bra", {}),
    ]
    (case,) = store.cases("1")
    assert (case.level, case.closed) == (1, date(2026, 12, 1))
    assert store.current_case("1") is None


def test_level_change_to_the_same_level_is_refused(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    with pytest.raises(UsageError, match="allerede på NIVÅ 0"):
        store.change_level("1", day=D, by="Kari", level=0)


def test_event_before_the_case_was_opened_is_refused(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    with pytest.raises(UsageError, match="er før saken til elev 1 ble åpnet"):
        store.add_note("1", day=date(2026, 11, 1), by="Kari", text="x")


def test_measure_in_skole_is_evaluated_three_weeks_later(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    event = store.add_measure(
        "1", day=date(2026, 11, 4), by="Kari", text="Fast oppmøte kl 8", responsible="Kontaktlærer"
    )
    assert event.label == "Tiltak besluttet"
    assert event.data == {"responsible": "Kontaktlærer", "evaluation_date": date(2026, 11, 25)}
    assert store.timeline("1")[-1] == event


def test_measure_in_barnehage_needs_the_agreed_date(store: CaseStore) -> None:
    store.open_case("b1", setting="barnehage", day=D, by="Ped.leder")
    with pytest.raises(UsageError, match="avtales tidspunktet for evalueringen med foreldrene"):
        store.add_measure("b1", day=D, by="Ped.leder", text="Levering kl 9", responsible="Mor")
    event = store.add_measure(
        "b1",
        day=D,
        by="Ped.leder",
        text="Levering kl 9",
        responsible="Mor",
        evaluation_date=date(2026, 12, 10),
    )
    assert event.data["evaluation_date"] == date(2026, 12, 10)


def test_evaluation_needs_a_measure_and_stores_figures(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    with pytest.raises(UsageError, match="ingen tiltak å evaluere"):
        store.record_evaluation("1", day=D, by="Kari", improved=True)
    store.add_measure("1", day=D, by="Kari", text="Tiltak", responsible="Kari")
    event = store.record_evaluation(
        "1",
        day=date(2026, 11, 23),
        by="Kari",
        improved=False,
        figures={"presence_before": 0.8, "presence_after": 0.75, "measure_date": D},
    )
    assert event.data == {
        "presence_before": 0.8,
        "presence_after": 0.75,
        "measure_date": D,
        "improved": False,
    }
    assert store.timeline("1")[-1].data == event.data


def test_dismiss_closes_the_case(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    event = store.dismiss("1", day=date(2026, 11, 6), by="Kari", text="Var syk, legeattest")
    assert event.label == "Uro avkreftet"
    assert store.cases("1")[0].closed == date(2026, 11, 6)
    # A new concern later opens a new case; the timeline holds both.
    store.open_case("1", setting="skole", day=date(2027, 1, 11), by="Kari")
    assert [e.type for e in store.timeline("1")] == [
        EventType.CONCERN_REGISTERED,
        EventType.CONCERN_DISMISSED,
        EventType.CONCERN_REGISTERED,
    ]


def test_list_open_says_what_is_due(store: CaseStore) -> None:
    store.open_case("a", setting="skole", day=D, by="K")
    store.add_measure("a", day=D, by="K", text="t", responsible="K")  # evaluation 23.11
    store.open_case("b", setting="skole", day=D, by="K")
    store.add_measure("b", day=date(2026, 11, 6), by="K", text="t", responsible="K")  # 27.11
    store.open_case("c", setting="skole", day=D, by="K")
    store.record_meeting("c", day=D, by="K", next_meeting=date(2026, 12, 14))
    store.open_case("d", setting="skole", day=D, by="K")
    store.add_measure("d", day=D, by="K", text="t", responsible="K")
    store.record_evaluation("d", day=date(2026, 11, 23), by="K", improved=True)
    store.open_case("e", setting="skole", day=D, by="K")
    store.close_case("e", day=D, by="K")

    items = store.list_open(date(2026, 11, 25))  # a Wednesday
    assert [(i.case.pupil_id, i.overdue, i.due_this_week, i.due) for i in items] == [
        ("a", True, False, "Evaluering forfalt 23.11.2026"),
        ("b", False, True, "Evaluering 27.11.2026 (denne uken)"),
        ("c", False, False, "Møte 14.12.2026"),
        ("d", False, False, ""),
    ]
    assert items[0].measure_date == D and items[3].evaluation_due is None


def test_summaries_feed_the_level_suggestion(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="K")
    store.change_level("1", day=D, by="K", level=1)
    store.add_measure("1", day=date(2026, 11, 3), by="K", text="t", responsible="K")
    store.open_case("2", setting="skole", day=D, by="K")
    summaries = store.summaries(date(2026, 11, 25))
    assert set(summaries) == {"1", "2"}
    one = summaries["1"]
    assert (
        one.level,
        one.opened,
        one.evaluation_due,
        one.measure_date,
        one.last_evaluation_improved,
        one.next_meeting,
    ) == (1, D, date(2026, 11, 24), date(2026, 11, 3), None, None)
    assert one.state == "Åpen, NIVÅ 1; Evaluering forfalt 24.11.2026"
    assert summaries["2"].state == "Åpen, NIVÅ 0"

    store.record_evaluation("1", day=date(2026, 11, 25), by="K", improved=False)
    after = store.summaries(date(2026, 11, 25))["1"]
    assert (after.last_evaluation_improved, after.evaluation_due) == (False, date(2026, 11, 24))
    # A new measure starts a new round: not evaluated yet.
    store.add_measure("1", day=date(2026, 11, 26), by="K", text="nytt", responsible="K")
    assert store.summaries(date(2026, 11, 26))["1"].last_evaluation_improved is None


def test_export_round_trips_through_restore(store: CaseStore, caselog: Backend) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    store.add_measure("1", day=D, by="Kari", text="Tiltak «æøå»", responsible="Kari")
    store.record_meeting("1", day=D, by="Kari", next_meeting=date(2026, 11, 9))
    data = json.loads(store.export_json())
    assert data["format"] == "naervaer-caselog"
    assert data["exported_at"] == "2026-11-20T12:00:00+00:00"
    (case,) = data["cases"]
    assert [e["label"] for e in case["events"]] == [
        "Uro registrert",
        "Tiltak besluttet",
        "Møte holdt",
    ]
    assert case["events"][1]["data"] == {"responsible": "Kari", "evaluation_date": "2026-11-23"}

    assert case["school"] == "Testskolen"
    with caselog.open(other=True) as other:
        assert other.restore(data) == 1
        assert other.timeline("1") == store.timeline("1")
        assert json.loads(other.export_json()) == data
        with pytest.raises(UsageError, match="ikke tom"):
            other.restore(data)


def test_purge_deletes_only_old_closed_cases(store: CaseStore) -> None:
    store.open_case("old", setting="skole", day=D, by="K")
    store.close_case("old", day=date(2026, 11, 10), by="K")
    store.open_case("new", setting="skole", day=D, by="K")
    store.close_case("new", day=date(2026, 12, 10), by="K")
    store.open_case("open", setting="skole", day=D, by="K")
    assert store.purge_closed(date(2026, 12, 1)) == 1
    assert [c.pupil_id for c in store.cases()] == ["new", "open"]
    assert store.timeline("old") == ()
    assert store.count_events() == 3  # "new" has 2, "open" 1: no orphaned events


def test_purge_without_a_log_creates_none(tmp_path: Path) -> None:
    assert purge_closed_cases(tmp_path / "none.sqlite", date(2026, 1, 1)) == 0
    assert not (tmp_path / "none.sqlite").exists()


def test_a_file_that_is_not_a_log_gives_a_norwegian_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(RuntimeFailure, match="junk.sqlite"):
        CaseStore(path)


def test_a_failed_write_changes_nothing(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="K")
    # Make the second statement of closing (the case update) fail after the event is inserted.
    if store.backend == "sqlite":
        store._db.execute(
            "CREATE TRIGGER no_close BEFORE UPDATE OF closed ON cases "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    else:
        store._db.execute(
            "CREATE FUNCTION on_fire() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$"
        )
        store._db.execute(
            "CREATE TRIGGER no_close BEFORE UPDATE OF closed ON cases "
            "FOR EACH ROW EXECUTE FUNCTION on_fire()"
        )
    with pytest.raises(RuntimeFailure, match="kunne ikke .* oppdateres.*ingenting er endret"):
        store.close_case("1", day=D, by="K")
    assert [e.type for e in store.timeline("1")] == [EventType.CONCERN_REGISTERED]
    assert store.current_case("1") is not None
