"""The case log's two back ends: a SQLite file (the default) and a PostgreSQL database.

Both hand the store the same small interface: `execute` with ``?`` placeholders, rows that are
read by column name, and `transaction` that commits on success and rolls back on any error.
psycopg is imported only when a PostgreSQL url is configured, so the SQLite path needs nothing
beyond the standard library.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naervaer_cli.errors import ConfigError, RuntimeFailure, os_failure, sqlite_failure
from naervaer_cli.privacy import create_private_file

if TYPE_CHECKING:
    from naervaer_cli.config import Config

PASSWORD_ENV = "NAERVAER_DB_PASSWORD"
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


class SqliteDb:
    """One SQLite file in WAL mode; every write is one ``BEGIN IMMEDIATE`` transaction."""

    dialect = "sqlite"
    Error: type[Exception] = sqlite3.Error
    IntegrityError: type[Exception] = sqlite3.IntegrityError

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.where = str(path)
        self.conn = _connect_sqlite(path, timeout)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[SqliteDb]:
        # BEGIN IMMEDIATE takes the write lock up front, so a read-then-write never deadlocks;
        # a deferred BEGIN gives every read in it one consistent snapshot.
        try:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise sqlite_failure(exc, self.where) or RuntimeFailure(
                f"{self.where}: saksloggen er opptatt eller låst ({exc}). Prøv igjen om litt."
            ) from None
        try:
            yield self
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise _failed(self.where, exc) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk); do not mask them.
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def user(self) -> str:
        """Who is reading, for the access log: the operating system's user name."""
        try:
            return getpass.getuser()
        except (KeyError, OSError, ImportError):  # no user name in the environment or pwd
            return ""

    def after_purge(self) -> None:
        # Move the deletion out of the WAL file too, so old pages do not linger there.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()


class PostgresDb:
    """A PostgreSQL database through psycopg 3, in autocommit mode with explicit transactions."""

    dialect = "postgres"

    def __init__(self, url: str, password: str | None, timeout: float) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo
        from psycopg.rows import dict_row

        self.Error: type[Exception] = psycopg.Error
        self.IntegrityError: type[Exception] = psycopg.IntegrityError
        self.path = None
        params = connection_params(url)
        self.where = describe(params)
        if password:
            params["password"] = password
        # A writer waiting on another's row lock gives up like SQLite's busy timeout does.
        options = f"-c lock_timeout={int(timeout * 1000)}"
        try:
            self.conn = psycopg.connect(
                make_conninfo("", **params),
                autocommit=True,
                row_factory=dict_row,
                application_name="naervaer",
                connect_timeout=max(1, int(timeout)),
                options=options,
            )
        except psycopg.Error as exc:
            raise RuntimeFailure(
                f"{self.where}: kan ikke koble til saksloggen ({_first_line(exc)})."
            ) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        # The store writes ``?`` placeholders (SQLite's); psycopg wants ``%s``.
        return self.conn.execute(sql.replace("?", "%s"), params)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[PostgresDb]:
        try:
            with self.conn.transaction():
                yield self
        except self.Error as exc:
            raise _failed(self.where, exc) from None

    def user(self) -> str:
        row = self.conn.execute("SELECT current_user AS u").fetchone()
        return str(row["u"]) if row else ""

    def after_purge(self) -> None:
        """Nothing: the server's autovacuum reclaims the space."""

    def close(self) -> None:
        self.conn.close()


Db = SqliteDb | PostgresDb


def _failed(where: str, exc: BaseException) -> RuntimeFailure:
    if isinstance(exc, sqlite3.Error) and (known := sqlite_failure(exc, where)):
        return known
    return RuntimeFailure(
        f"{where}: saksloggen kunne ikke leses eller oppdateres ({_first_line(exc)}); "
        "ingenting er endret."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- SQLite ----------------------------------------------------------------------------------


def _connect_sqlite(path: Path, timeout: float) -> sqlite3.Connection:
    try:
        create_private_file(path)
    except OSError as exc:
        raise os_failure(exc, path) or RuntimeFailure(
            f"{path}: saksloggen kan ikke opprettes ({exc.strerror})."
        ) from None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path) or RuntimeFailure(
            f"{path}: saksloggen kan ikke åpnes ({exc})."
        ) from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        _wal(conn, timeout)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _open_failure(path, exc) from None
    if not _is_caselog(conn):
        conn.close()
        raise _not_caselog(path, "en annen database")
    return conn


SQLITE_HEADER = b"SQLite format 3\x00"
# Tables that only a case log has; a database with tables but none of these is not one.
_CASELOG_TABLES = ("migrations", "cases")


def _open_failure(path: Path, exc: sqlite3.DatabaseError) -> RuntimeFailure:
    """Why a log could not be opened: «not a case log» only when its header says so; a full
    disk, a read-only file system, missing rights or a lock each say what they are."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as err:
        return os_failure(err, path) or RuntimeFailure(
            f"{path}: saksloggen kan ikke leses ({err.strerror})."
        )
    if header and header != SQLITE_HEADER:
        return _not_caselog(path, "ikke en SQLite-database")
    return sqlite_failure(exc, path) or RuntimeFailure(
        f"{path}: saksloggen kan ikke åpnes ({exc}). Filen er en SQLite-database, men kan "
        "være skadet: legg tilbake siste sikkerhetskopi (naervaer case export/restore)."
    )


def _is_caselog(conn: sqlite3.Connection) -> bool:
    """A new (empty) database, or one whose schema table names the case log's tables."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return not names or any(table in names for table in _CASELOG_TABLES)


def _not_caselog(path: Path, what: str) -> RuntimeFailure:
    return RuntimeFailure(
        f"{path}: filen er ikke en sakslogg naervaer kan lese ({what}). Sjekk "
        "«caselog.path» i konfigurasjonen."
    )


def _wal(conn: sqlite3.Connection, timeout: float) -> None:
    # Two runs opening a blank log at once: switching to WAL needs the file to itself and
    # SQLite reports "locked" at once, without its busy handler; wait like the handler would.
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


# -- PostgreSQL connection settings ----------------------------------------------------------


def connection_params(url: str) -> dict[str, str]:
    """The url's libpq parameters, with ``sslmode=verify-full`` added for a host not local.

    A password in the url is refused: the url sits in a config file and in `ps` output of
    tools that pass it on; the password belongs in the environment, a 0600 file or ~/.pgpass.
    """
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except Exception:  # psycopg.ProgrammingError; its text may echo the url with a password
        raise ConfigError(
            "«caselog.url» er ikke en gyldig PostgreSQL-adresse; bruk "
            "postgresql://bruker@vert/database."
        ) from None
    if "password" in params:
        raise ConfigError(
            "«caselog.url» inneholder et passord. Fjern det og bruk miljøvariabelen "
            f"{PASSWORD_ENV}, «caselog.password_file» eller libpq-passordfilen (~/.pgpass)."
        )
    if "sslmode" not in params and not is_local(params.get("host", "")):
        params["sslmode"] = "verify-full"
    return params


def is_local(hosts: str) -> bool:
    """True when every host is this machine (loopback or a Unix socket folder)."""
    return all(h in LOCAL_HOSTS or h.startswith("/") for h in hosts.split(","))


def describe(params: dict[str, str]) -> str:
    """The database as ``postgresql://user@host:port/db`` for messages; never a password."""
    from urllib.parse import urlunsplit

    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    netloc = f"{user}{params.get('host', '')}{port}"
    return urlunsplit(("postgresql", netloc, params.get("dbname", ""), "", ""))


def password(config: Config) -> str | None:
    """NAERVAER_DB_PASSWORD, else `caselog.password_file` (must be 0600), else None (libpq
    then looks in its passfile, ~/.pgpass or $PGPASSFILE)."""
    from naervaer_cli.privacy import read_secret_file

    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    file = config.get("caselog.password_file")
    if not file:
        return None
    path = Path(file).expanduser()
    if not path.is_absolute() and config.path is not None:
        path = config.path.parent / path  # relative to the config file, like mail's
    try:
        return read_secret_file(path) or None
    except FileNotFoundError:
        raise config.fail("caselog.password_file", f"{path} finnes ikke.") from None
