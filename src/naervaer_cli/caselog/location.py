"""Where the case log is: the SQLite file or the PostgreSQL server the config names.

Apart from store.py so that a scan without a case log (most runs) can ask whether there is
one without importing the store, its events and migrations (≈ 6 ms of every scan).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from naervaer_cli.config import Config

DEFAULT_NAME = "caselog.sqlite"


def caselog_path(config: Config) -> Path:
    """`caselog.path` from the config, else `$NAERVAER_HOME/caselog.sqlite`."""
    configured = config.get("caselog.path")
    return Path(configured).expanduser() if configured else config.home / DEFAULT_NAME


def caselog_url(config: Config) -> str | None:
    """`caselog.url` (or NAERVAER_CASELOG_URL) when the log is on PostgreSQL, else None."""
    return config.setting(None, "NAERVAER_CASELOG_URL", "caselog.url") or None


def caselog_exists(config: Config) -> bool:
    """Whether there is a log to read: a configured server, or the SQLite file on disk."""
    return caselog_url(config) is not None or caselog_path(config).exists()
