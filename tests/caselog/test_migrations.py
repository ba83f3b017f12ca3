"""Migrations from a blank file produce the expected schema, and running them again does nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from caselog_backends import Backend

from naervaer_cli.caselog.migrations import MIGRATIONS, applied, migrate
from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.errors import RuntimeFailure


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    return [(row[1], row[2], row[3]) for row in conn.execute(f"PRAGMA table_info({table})")]


def test_blank_file_gets_the_expected_schema(tmp_path: Path) -> None:
    path = tmp_path / "caselog.sqlite"
    CaseStore(path).close()

    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    indexes = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
        )
    }
    assert tables == {
        "migrations",
        "cases",
        "events",
        "certificate_leave_off",
        "access_log",
        "pupil_numbers",
    }
    assert indexes == {
        "events_by_case",
        "cases_by_pupil",
        "one_open_case",
        "leave_off_by_pupil",
        "access_by_pupil",
    }
    assert _columns(conn, "cases") == [
        ("id", "INTEGER", 0),
        ("pupil_id", "TEXT", 1),
        ("setting", "TEXT", 1),
        ("level", "INTEGER", 1),
        ("opened", "TEXT", 1),
        ("opened_by", "TEXT", 1),
        ("closed", "TEXT", 0),
        ("school", "TEXT", 1),
    ]
    assert _columns(conn, "events") == [
        ("id", "INTEGER", 0),
        ("case_id", "INTEGER", 1),
        ("date", "TEXT", 1),
        ("type", "TEXT", 1),
        ("text", "TEXT", 1),
        ("by", "TEXT", 1),
        ("data", "TEXT", 1),
        ("recorded_at", "TEXT", 1),
        ("school", "TEXT", 1),
        ("setting", "TEXT", 1),
    ]
    assert _columns(conn, "certificate_leave_off") == [
        ("id", "INTEGER", 0),
        ("pupil_id", "TEXT", 1),
        ("first", "TEXT", 1),
        ("last", "TEXT", 1),
        ("reason", "TEXT", 1),
        ("date", "TEXT", 1),
        ("by", "TEXT", 1),
        ("text", "TEXT", 1),
        ("recorded_at", "TEXT", 1),
        ("school", "TEXT", 1),
    ]
    assert _columns(conn, "pupil_numbers") == [
        ("school", "TEXT", 1),
        ("number", "INTEGER", 1),
        ("pupil_id", "TEXT", 1),
        ("setting", "TEXT", 1),
    ]
    assert _columns(conn, "access_log") == [
        ("id", "INTEGER", 0),
        ("at", "TEXT", 1),
        ("role", "TEXT", 1),
        ("by", "TEXT", 1),
        ("pupil_id", "TEXT", 1),
        ("school", "TEXT", 1),
        ("setting", "TEXT", 1),
        ("action", "TEXT", 1),
    ]
    assert applied(conn) == NAMES
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


NAMES = [
    "m001_cases_and_events",
    "m002_one_open_case_per_pupil",
    "m003_certificate_leave_off",
    "m004_schools_and_access_log",
    "m005_pupil_numbers",
]


def test_blank_postgres_database_gets_the_same_named_migrations(pg: Backend) -> None:
    caselog = pg
    with caselog.open(auto_migrate=False) as store:
        assert store.pending_migrations() == NAMES
        assert store.migrate() == NAMES
        assert store.migrate() == []
    rows = caselog.sql(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name IN ('cases', 'events')"
        " ORDER BY table_name, ordinal_position"
    )
    assert [r for r in rows if r[0] == "cases"] == [
        ("cases", "id", "bigint", "NO"),
        ("cases", "pupil_id", "text", "NO"),
        ("cases", "setting", "text", "NO"),
        ("cases", "level", "integer", "NO"),
        ("cases", "opened", "date", "NO"),
        ("cases", "opened_by", "text", "NO"),
        ("cases", "closed", "date", "YES"),
        ("cases", "school", "text", "NO"),
    ]
    assert [(r[1], r[2]) for r in rows if r[0] == "events"] == [
        ("id", "bigint"),
        ("case_id", "bigint"),
        ("date", "date"),
        ("type", "text"),
        ("text", "text"),
        ("by", "text"),
        ("data", "jsonb"),
        ("recorded_at", "text"),
        ("school", "text"),
        ("setting", "text"),
    ]
    secured = caselog.sql(
        "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r' ORDER BY relname"
    )
    assert [r[0] for r in secured] == [
        "access_log",
        "cases",
        "certificate_leave_off",
        "events",
        "grants",
        "pupil_numbers",
    ]


def test_migrations_run_again_are_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "caselog.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn) == [name for name, _ in MIGRATIONS]
    before = conn.execute("SELECT name, applied_at FROM migrations ORDER BY rowid").fetchall()
    schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()

    assert migrate(conn) == []
    after = conn.execute("SELECT name, applied_at FROM migrations ORDER BY rowid").fetchall()
    assert after == before
    assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    conn.close()


def test_a_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "naervaer_cli.caselog.migrations.MIGRATIONS", [*MIGRATIONS, ("m999_broken", broken)]
    )
    conn = sqlite3.connect(tmp_path / "x.sqlite", isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in names
    assert applied(conn) == [name for name, _ in MIGRATIONS]
    conn.close()


def test_a_log_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "caselog.sqlite"
    CaseStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO migrations VALUES ('m900_from_the_future', '2030-01-01')")
    with pytest.raises(RuntimeFailure, match="nyere versjon"):
        CaseStore(path)


def test_opening_an_up_to_date_log_needs_no_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "caselog.sqlite"
    with CaseStore(path) as store:
        store.open_case("1", setting="skole", day=date(2026, 11, 2), by="Kari")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another run is in the middle of a write
    try:
        with CaseStore(path, timeout=0.2) as reader:  # a scan reading the summaries
            assert list(reader.summaries(date(2026, 11, 2))) == ["1"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
