"""Configuration: where state lives (NAERVAER_HOME) and the TOML config file.

Precedence for every setting is flag > environment variable > config file > default;
:meth:`Config.setting` applies it in one place.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naervaer_cli.errors import ConfigError

CONFIG_NAME = "naervaer.toml"


def default_home() -> Path:
    """`$NAERVAER_HOME`, or the platform's user data dir."""
    env = os.environ.get("NAERVAER_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    # Local, not roaming: on Windows %LOCALAPPDATA% stays on this PC, while a roaming profile
    # is copied to the municipality's profile server. Private to the user by default ACLs.
    return Path(user_data_dir("naervaer", appauthor=False, roaming=False))


@dataclass(frozen=True)
class Config:
    """The loaded configuration: the raw TOML tables and the state folder."""

    home: Path
    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def get(self, dotted: str, default: Any = None) -> Any:
        """A value by dotted key (`mail.smtp_host`), or `default`."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def table(self, dotted: str) -> dict[str, Any]:
        """A sub-table by dotted key; `{}` when absent. A non-table is a config error."""
        value = self.get(dotted, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where()}: «{dotted}» skal være en tabell ([{dotted}]).")
        return value

    def setting(self, flag: Any, env: str | None, dotted: str, default: Any = None) -> Any:
        """flag > environment variable > config file > default."""
        if flag is not None:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        return self.get(dotted, default)

    def where(self) -> str:
        return str(self.path) if self.path else "konfigurasjonen"


def load_config(path: Path | None = None, home: Path | None = None) -> Config:
    """Load `path`, else `./naervaer.toml`, else `$NAERVAER_HOME/config.toml`, else nothing."""
    home = home or default_home()
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"Fant ikke konfigurasjonsfilen {path}.")
        candidates = [path]
    else:
        candidates = [Path.cwd() / CONFIG_NAME, home / "config.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return Config(home=home, data=_read_toml(candidate), path=candidate)
    return Config(home=home)


def toml_error_message(path: Path | str, exc: tomllib.TOMLDecodeError) -> str:
    """A bokmål message with the line and column tomllib reports ("at line N, column M")."""
    import re

    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    where = f", linje {found[1]}, kolonne {found[2]}" if found else ""
    return (
        f"{path}{where}: ugyldig TOML. Sjekk anførselstegn, klammer og «=» der, "
        "rett filen og prøv igjen."
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error_message(path, exc)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: kan ikke leses ({exc.strerror}).") from None
