"""Exclusive file locks that work on Linux, macOS and Windows (through filelock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockBusy(Exception):
    """Another process holds the lock and the caller chose not to wait (not a user error)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


@contextmanager
def exclusive_lock(path: Path, *, wait: bool = True) -> Iterator[Path]:
    """Hold an exclusive lock on `path` for the block; raise LockBusy at once if `wait` is False.

    filelock uses flock on Linux and macOS and LockFileEx on Windows; with both the operating
    system drops the lock when the process dies, so a killed run never leaves naervaer locked.
    The lock file holds no data; 0600 still keeps other users from taking it.
    """
    # Imported here: filelock costs ~10 ms, and only the commands that write state need it.
    from filelock import FileLock, Timeout

    lock = FileLock(path, mode=0o600, timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(path) from None
    try:
        yield path
    finally:
        lock.release()
