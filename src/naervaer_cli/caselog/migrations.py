"""The case log's schema as ordered, named migrations recorded in the `migrations` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]

# Order is the order of application; a name, once released, never changes meaning.
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration, named after the function."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_cases_and_events(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE cases (
            id        INTEGER PRIMARY KEY,
            pupil_id  TEXT    NOT NULL,
            setting   TEXT    NOT NULL CHECK (setting IN ('skole', 'barnehage')),
            level     INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),
            opened    TEXT    NOT NULL,
            opened_by TEXT    NOT NULL,
            closed    TEXT
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE events (
            id          INTEGER PRIMARY KEY,
            case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
            date        TEXT    NOT NULL,
            type        TEXT    NOT NULL,
            text        TEXT    NOT NULL DEFAULT '',
            by          TEXT    NOT NULL,
            data        TEXT    NOT NULL DEFAULT '{}',
            recorded_at TEXT    NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX events_by_case ON events (case_id, date, id)")
    conn.execute("CREATE INDEX cases_by_pupil ON cases (pupil_id)")


@migration
def m002_one_open_case_per_pupil(conn: sqlite3.Connection) -> None:
    # The store checks this too, but only the database can hold it when two runs race.
    conn.execute("CREATE UNIQUE INDEX one_open_case ON cases (pupil_id) WHERE closed IS NULL")


@migration
def m003_certificate_leave_off(conn: sqlite3.Connection) -> None:
    # A pupil's vitnemål requirement is kept beside the cases: it needs no concern case.
    conn.execute(
        """
        CREATE TABLE certificate_leave_off (
            id          INTEGER PRIMARY KEY,
            pupil_id    TEXT NOT NULL,
            first       TEXT NOT NULL,
            last        TEXT NOT NULL,
            reason      TEXT NOT NULL CHECK (reason IN ('helse', 'kronisk', 'permisjon')),
            date        TEXT NOT NULL,
            by          TEXT NOT NULL,
            text        TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL,
            CHECK (first <= last)
        )
        """
    )
    conn.execute("CREATE INDEX leave_off_by_pupil ON certificate_leave_off (pupil_id, first)")


@migration
def m005_pupil_numbers(conn: sqlite3.Connection) -> None:
    # A short stable number per child (`barn-0007`) for file names: a barnehage's pupil id is
    # a code made from the name, which no parent should read. Plain SQL both back ends take;
    # the store hands out max + 1 inside its write transaction.
    conn.execute(
        """
        CREATE TABLE pupil_numbers (
            number   INTEGER PRIMARY KEY,
            pupil_id TEXT NOT NULL UNIQUE,
            setting  TEXT NOT NULL CHECK (setting IN ('skole', 'barnehage'))
        )
        """
    )


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations already applied, in order."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied.

    `conn` must be in autocommit mode (``isolation_level=None``) so the transactions here are
    the only ones. ``BEGIN IMMEDIATE`` takes the write lock before looking, so two processes
    opening a blank log at once apply each migration exactly once.
    """
    if applied(conn) == [name for name, _ in MIGRATIONS]:
        # The usual case: nothing to do, and no write lock taken just to find that out.
        return []
    done: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    for name, fn in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")
                continue
            fn(conn)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done
