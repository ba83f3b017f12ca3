"""One fixture runs the case-log tests on both back ends: a SQLite file and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pg_server import PG_OWNER, PG_PASSWORD, PgServer, Unavailable, running_server

from naervaer_cli.caselog.store import CaseStore

SCHOOL = "Testskolen"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_numbers = itertools.count()


@dataclass
class Backend:
    """Where a test's case log lives, and how to open it (as the owner or as another role)."""

    name: str  # "sqlite" or "postgres"
    home: Path
    server: PgServer | None = None
    databases: list[str] = field(default_factory=list)

    @property
    def is_postgres(self) -> bool:
        return self.server is not None

    def new_database(self) -> str:
        """A fresh, empty database owned by the owner role (PostgreSQL only)."""
        assert self.server is not None
        name = f"caselog_{next(_numbers)}"
        with self.server.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {PG_OWNER}")
        self.databases.append(name)
        return name

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url(self.databases[0])

    def open(self, *, other: bool = False, **kwargs: Any) -> CaseStore:
        """The test's log (or, with `other`, a second empty one on the same back end)."""
        kwargs.setdefault("now", lambda: NOW)
        kwargs.setdefault("school", SCHOOL)
        if self.server is None:
            name = "other.sqlite" if other else "caselog.sqlite"
            return CaseStore(self.home / "state" / name, **kwargs)
        db = self.new_database() if other else self.databases[0]
        return CaseStore(url=self.server.url(db), password=PG_PASSWORD, **kwargs)

    def open_as(self, role: str, **kwargs: Any) -> CaseStore:
        """The test's PostgreSQL log as another database role."""
        assert self.server is not None
        kwargs.setdefault("school", SCHOOL)
        return CaseStore(
            url=self.server.url(self.databases[0], role), password=PG_PASSWORD, **kwargs
        )

    def config(self, text: str = "") -> str:
        """config.toml for the CLI: `text` (top-level keys and tables), then this back end's
        [caselog] table."""
        if self.server is None:
            return text
        return f'school = "{SCHOOL}"\n{text}\n[caselog]\nurl = "{self.url}"\n'

    def sql(self, query: str, params: tuple = (), role: str = PG_OWNER) -> list[tuple]:
        """A hand-written query as `role`, outside naervaer (PostgreSQL only)."""
        import psycopg

        assert self.server is not None
        with psycopg.connect(
            self.server.url(self.databases[0], role), password=PG_PASSWORD, autocommit=True
        ) as conn:
            return conn.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway cluster for the whole session; each test gets its own database."""
    try:
        with running_server() as server:
            yield server
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL: {exc}")


@pytest.fixture(params=["sqlite", "postgres"])
def caselog(
    request: pytest.FixtureRequest, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """The case log on each back end. On PostgreSQL: a fresh database on the session's
    throwaway server, the CLI pointed at it by config.toml, the password in the environment."""
    if request.param == "sqlite":
        yield Backend("sqlite", naervaer_home)
        return
    server = request.getfixturevalue("pg_server")
    backend = Backend("postgres", naervaer_home, server)
    backend.new_database()
    monkeypatch.setenv("NAERVAER_DB_PASSWORD", PG_PASSWORD)
    (naervaer_home / "config.toml").write_text(backend.config(), encoding="utf-8")
    try:
        yield backend
    finally:
        with server.admin() as conn:
            for name in backend.databases:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(caselog: Backend) -> Iterator[CaseStore]:
    with caselog.open() as s:
        yield s
