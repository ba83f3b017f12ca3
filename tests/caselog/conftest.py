"""One fixture runs the case-log tests on both back ends: a SQLite file and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from caselog_backends import PG_PASSWORD, Backend, PgServer, Unavailable, running_server

from naervaer_cli.caselog.store import CaseStore


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway cluster for the whole session; each test gets its own database."""
    try:
        with running_server() as server:
            yield server
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL: {exc}")


def _backend(
    kind: str, request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    if kind == "sqlite":
        yield Backend("sqlite", home)
        return
    server = request.getfixturevalue("pg_server")
    backend = Backend("postgres", home, server)
    backend.new_database()
    monkeypatch.setenv("NAERVAER_DB_PASSWORD", PG_PASSWORD)
    (home / "config.toml").write_text(backend.config(), encoding="utf-8")
    try:
        yield backend
    finally:
        with server.admin() as conn:
            for name in backend.databases:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def caselog(
    request: pytest.FixtureRequest, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """The case log on each back end. On PostgreSQL: a fresh database on the session's
    throwaway server, the CLI pointed at it by config.toml, the password in the environment."""
    yield from _backend(request.param, request, naervaer_home, monkeypatch)


@pytest.fixture
def pg(
    request: pytest.FixtureRequest, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """The case log on PostgreSQL only, for what SQLite does not have (roles, row security)."""
    yield from _backend("postgres", request, naervaer_home, monkeypatch)


@pytest.fixture
def store(caselog: Backend) -> Iterator[CaseStore]:
    with caselog.open() as s:
        yield s
