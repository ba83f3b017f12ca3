"""One `notify` at a time per NAERVAER_HOME: a lock file that a second run cannot take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from naervaer_cli.errors import RuntimeFailure
from naervaer_cli.locking import LockBusy, exclusive_lock
from naervaer_cli.privacy import ensure_private_dir

LOCK_NAME = "notify.lock"


class AlreadyRunning(RuntimeFailure):
    """Another `naervaer notify` holds the lock; exit 1 so cron reports it if it persists."""


@contextmanager
def notify_lock(home: Path) -> Iterator[Path]:
    """Hold the lock for the block; the operating system releases it if the process dies."""
    ensure_private_dir(home)
    path = home / LOCK_NAME
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(path, wait=False))
        except LockBusy:
            raise AlreadyRunning(
                f"naervaer notify kjører allerede (låsefil {path}). Denne kjøringen avsluttes "
                "uten å sende noe; neste kjøring tar det som gjenstår."
            ) from None
        yield path
