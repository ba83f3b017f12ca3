"""One `notify` at a time per NAERVAER_HOME: an fcntl lock file that a second run cannot take."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from naervaer_cli.errors import RuntimeFailure
from naervaer_cli.privacy import ensure_private_dir

LOCK_NAME = "notify.lock"


class AlreadyRunning(RuntimeFailure):
    """Another `naervaer notify` holds the lock; exit 1 so cron reports it if it persists."""


@contextmanager
def notify_lock(home: Path) -> Iterator[Path]:
    """Hold the lock for the block; the kernel releases it if the process dies."""
    ensure_private_dir(home)
    path = home / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"naervaer notify kjører allerede (låsefil {path}). Denne kjøringen avsluttes "
                "uten å sende noe; neste kjøring tar det som gjenstår."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock
