"""The project's exceptions; each carries the exit code the CLI boundary returns."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class NaervaerError(Exception):
    """Base class. The message is one Norwegian line meant for the user."""

    exit_code: ExitCode = ExitCode.FAILURE


class InputError(NaervaerError):
    """An export, a policy, a template or another input file cannot be used."""

    exit_code = ExitCode.BAD_INPUT


class ConfigError(NaervaerError):
    """The configuration is missing something or holds a bad value."""

    exit_code = ExitCode.BAD_INPUT


class UsageError(NaervaerError):
    """The command was called with options that do not fit together."""

    exit_code = ExitCode.BAD_INPUT


class RuntimeFailure(NaervaerError):
    """Something that should have worked did not (a database, a mail server)."""

    exit_code = ExitCode.FAILURE


def where(file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """Format a location like `eksport.csv, rad 12, kolonne «Dato»` for messages."""
    parts = []
    if file:
        parts.append(file)
    if row is not None:
        parts.append(f"rad {row}")
    if column:
        parts.append(f"kolonne «{column}»")
    return ", ".join(parts)


# SQLite's primary result codes (sqlite3.SQLITE_* in Python ≥ 3.11; spelled out for mypy).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_AUTH = 10, 13, 14, 23


def disk_full(path: object) -> RuntimeFailure:
    return RuntimeFailure(
        f"Disken er full: {path} kunne ikke skrives. Frigjør plass og prøv igjen; det som "
        "var lagret fra før, er urørt."
    )


def read_only(path: object) -> RuntimeFailure:
    return RuntimeFailure(
        f"Filsystemet er skrivebeskyttet: {path} kan ikke skrives. Velg en annen plass, "
        "eller få filsystemet montert med skrivetilgang."
    )


def no_access(path: object) -> RuntimeFailure:
    return RuntimeFailure(
        f"Ingen tilgang til {path}: rettighetene hindrer det. Sjekk eier og rettigheter "
        "(ls -l), eller velg en annen plass."
    )


def locked(path: object) -> RuntimeFailure:
    return RuntimeFailure(
        f"{path} er låst av en annen kjøring av naervaer (database is locked). Vent til den "
        "er ferdig, og prøv igjen."
    )


def os_failure(exc: OSError, path: object = None) -> RuntimeFailure | None:
    """Disk full, read-only file system and permission denied as their own bokmål message
    naming the path (`path`, else the one in `exc`); None for any other OSError."""
    import errno

    where = path if path is not None else (exc.filename or "filen")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return disk_full(where)
    if exc.errno == errno.EROFS:
        return read_only(where)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return no_access(where)
    return None


def sqlite_failure(exc: BaseException, path: object) -> RuntimeFailure | None:
    """The same for a sqlite3 error on the database file `path` (and «locked»)."""
    import os

    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == _SQLITE_FULL:
        return disk_full(path)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return locked(path)
    if primary == _SQLITE_READONLY:
        return read_only(path) if _read_only_fs(path) else no_access(path)
    if primary in (_SQLITE_PERM, _SQLITE_AUTH, _SQLITE_CANTOPEN, _SQLITE_IOERR):
        if _read_only_fs(path):
            return read_only(path)
        target = str(path) if os.path.exists(str(path)) else os.path.dirname(str(path)) or "."
        if not os.access(target, os.R_OK | os.W_OK):
            return no_access(path)
        if primary == _SQLITE_IOERR and _no_space(path):
            return disk_full(path)
    return None


def _read_only_fs(path: object) -> bool:
    import os

    folder = os.path.dirname(os.path.abspath(str(path)))
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # Windows has no statvfs
        return False


def _no_space(path: object) -> bool:
    import shutil
    from pathlib import Path

    try:
        return shutil.disk_usage(Path(str(path)).parent).free == 0
    except OSError:
        return False
