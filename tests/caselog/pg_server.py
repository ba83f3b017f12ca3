"""A throwaway PostgreSQL server for the case-log tests (issue 17): initdb in a temp folder
as an unprivileged user, listening on 127.0.0.1 only on a free port, stopped at the end."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
