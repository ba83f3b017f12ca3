"""The case log's two back ends for the tests: a SQLite file, and a throwaway PostgreSQL server
(issue 17) started with initdb in a temp folder as an unprivileged user, listening on
127.0.0.1 only on a free port, stopped at the end."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from naervaer_cli.caselog.store import CaseStore

PG_ADMIN = "naervaer_test"  # the cluster's superuser; creates the databases and roles
PG_OWNER = "naervaer_eier"  # owns each test database, as the municipality's admin role would
PG_PASSWORD = "test-passord-1"  # every test role's; a throwaway cluster on 127.0.0.1 only


@dataclass
class PgServer:
    """A running cluster: host, port and how to reach it as the superuser."""

    port: int
    host: str = "127.0.0.1"

    def url(self, dbname: str, user: str = PG_OWNER) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def admin(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(dbname, PG_ADMIN), password=PG_PASSWORD, autocommit=True)


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))
    return Path(dirs[-1]) if dirs else None


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Unavailable(Exception):
    """No server can be started here; the message says why."""


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a cluster; stop it and remove its folder on leaving. Raises Unavailable where
    no server is installed; a server that is installed but fails to start is an error."""
    import pwd

    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install '.[pg]')") from None
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        raise Unavailable(
            "no PostgreSQL server installed (no initdb/pg_ctl; apt-get install postgresql)"
        )
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="naervaer-pg-"))
    if os.geteuid() == 0:
        # initdb refuses root: run the cluster as the distribution's postgres user, or nobody.
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        if shutil.which("runuser") is None:
            raise Unavailable("running as root without runuser: cannot start PostgreSQL")
        run_as = ["runuser", "-u", user, "--"]
        base.chmod(0o755)
        shutil.chown(base, user=user)
    data, pwfile, log = base / "data", base / "pw", base / "server.log"
    pwfile.write_text(PG_PASSWORD + "\n", encoding="utf-8")
    if run_as:
        shutil.chown(pwfile, user=run_as[2])
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, cwd=base)

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        PG_ADMIN,
        f"--pwfile={pwfile}",
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    )
    # No Unix socket and no fsync: reachable on loopback only, and fast to throw away.
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' "
        "-c fsync=off -c full_page_writes=off -c max_connections=50"
    )
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
    server = PgServer(port=port)
    try:
        with server.admin() as conn:
            conn.execute(f"CREATE ROLE {PG_OWNER} LOGIN PASSWORD '{PG_PASSWORD}'")
        yield server
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


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

    def where(self) -> str:
        """How messages name the log: the SQLite file, or postgresql://user@host:port/db."""
        return self.url if self.server is not None else str(self.home / "caselog.sqlite")

    def open(self, *, other: bool = False, **kwargs: Any) -> CaseStore:
        """The test's log (or, with `other`, a second empty one on the same back end)."""
        kwargs.setdefault("now", lambda: NOW)
        kwargs.setdefault("school", SCHOOL)
        if self.server is None:
            name = "other.sqlite" if other else "caselog.sqlite"
            return CaseStore(self.home / name, **kwargs)  # where the CLI looks by default
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
