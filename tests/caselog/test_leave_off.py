"""Vitnemål requirements in the case log: recorded per pupil, backed up, restored, purged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from naervaer_cli.caselog.events import LeaveOff
from naervaer_cli.caselog.store import CaseStore, leave_offs_at
from naervaer_cli.errors import UsageError


def _store(path: Path) -> CaseStore:
    return CaseStore(path, now=lambda: datetime(2026, 1, 12, 9, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path):
    with _store(tmp_path / "caselog.sqlite") as s:
        yield s


def _record(store: CaseStore, pupil: str, first: date, last: date, reason: str) -> LeaveOff:
    return store.record_leave_off(
        pupil, first=first, last=last, reason=reason, day=date(2026, 1, 12), by="Rektor"
    )


def test_a_requirement_needs_no_case(store: CaseStore) -> None:
    item = _record(store, "20001", date(2025, 11, 3), date(2025, 11, 7), "helse")
    assert item == LeaveOff(
        1,
        "20001",
        date(2025, 11, 3),
        date(2025, 11, 7),
        "helse",
        date(2026, 1, 12),
        "Rektor",
        "",
        "2026-01-12T09:00:00+00:00",
    )
    assert item.label == "Krav: fravær føres ikke på vitnemålet"
    assert store.cases("20001") == ()
    assert store.leave_offs("20001") == (item,)
    assert store.leave_offs("20002") == ()


def test_bad_requirements_are_refused(store: CaseStore) -> None:
    with pytest.raises(
        UsageError, match="^Ukjent grunn «lyst»; bruk helse, kronisk eller permisjon.$"
    ):
        _record(store, "20001", date(2025, 11, 3), date(2025, 11, 7), "lyst")
    with pytest.raises(UsageError, match="^Saksloggen bruker elevnummeret"):
        _record(store, "01017012345", date(2025, 11, 3), date(2025, 11, 7), "helse")
    assert store.leave_offs() == ()


def test_export_restore_and_purge_keep_the_requirements(store: CaseStore, tmp_path: Path) -> None:
    _record(store, "20001", date(2025, 11, 3), date(2025, 11, 7), "helse")
    _record(store, "20003", date(2026, 2, 2), date(2026, 2, 3), "permisjon")
    exported = json.loads(store.export_json())
    with _store(tmp_path / "other.sqlite") as other:
        assert other.restore(exported) == 0  # no cases, two requirements
        assert other.leave_offs() == store.leave_offs()
        with pytest.raises(UsageError, match="saksloggen er ikke tom"):
            other.restore(exported)
        other.purge_closed(date(2026, 1, 1))
        assert [i.pupil_id for i in other.leave_offs()] == ["20003"]


def test_reading_requirements_never_creates_a_log(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite"
    assert leave_offs_at(path) == ()
    assert not path.exists()
