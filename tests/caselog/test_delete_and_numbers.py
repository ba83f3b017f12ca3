"""A case deleted as opened by mistake, and a child's short number, on both back ends."""

from __future__ import annotations

import json
from datetime import date

import pytest

from naervaer_cli.caselog.events import EventType
from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.errors import UsageError

D = date(2026, 11, 2)


def test_a_deleted_case_is_hidden_and_a_new_one_may_be_opened(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    store.open_case("2", setting="barnehage", day=D, by="Per")
    event = store.delete_case("1", day=date(2026, 11, 3), by="Kari", reason="Feil elev")
    assert (event.type, event.text, event.label) == (
        EventType.DELETED,
        "Feil elev",
        "Sak slettet (åpnet ved en feil)",
    )
    assert [c.pupil_id for c in store.cases()] == ["2"]
    assert store.timeline("1") == () and store.current_case("1") is None
    assert list(store.summaries(D)) == ["2"]
    # Kept in the backup, so a deletion can be looked into.
    exported = json.loads(store.export_json())
    assert [c["pupil_id"] for c in exported["cases"]] == ["1", "2"]
    store.open_case("1", setting="skole", day=date(2026, 11, 4), by="Kari")
    assert [c.opened for c in store.cases("1")] == [date(2026, 11, 4)]
    with pytest.raises(UsageError, match="Oppgi hvorfor saken slettes"):
        store.delete_case("1", day=D, by="Kari", reason="  ")


def test_settings_are_apart_in_list_open_and_summaries(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari")
    store.open_case("b", setting="barnehage", day=D, by="Per")
    assert [o.case.pupil_id for o in store.list_open(D, "skole")] == ["1"]
    assert [o.case.pupil_id for o in store.list_open(D, "barnehage")] == ["b"]
    assert list(store.summaries(D, "barnehage")) == ["b"]
    assert sorted(store.summaries(D)) == ["1", "b"]


def test_a_childs_short_number_is_stable_and_kept_in_the_backup(store: CaseStore) -> None:
    assert store.pupil_number("navn-abc", "barnehage") == 1
    assert store.pupil_number("navn-def", "barnehage") == 2
    assert store.pupil_number("navn-abc", "barnehage") == 1
    exported = json.loads(store.export_json())
    assert [(n["number"], n["pupil_id"]) for n in exported["pupil_numbers"]] == [
        (1, "navn-abc"),
        (2, "navn-def"),
    ]
