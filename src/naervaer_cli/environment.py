"""The world one run sees: its streams, whether they are terminals, today, NAERVAER_HOME, width.

Made once by the CLI (`Environment.from_system()`) and handed down as plain values, so no
module below `cli/` reads the clock or asks a stream whether it is a terminal. Tests build one
with the values they need (the `cli` fixture) instead of patching `date` or `isatty`. The
model is httpie's `Environment`. Standard library only: the CLI imports it at start-up.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class Environment:
    stdout: TextIO
    stderr: TextIO
    stdout_isatty: bool
    stderr_isatty: bool
    today: date
    home: Path  # NAERVAER_HOME: config, history, case log and sent-mail log live here
    width: int | None = None  # terminal columns for Rich output; None: not a terminal

    @classmethod
    def from_system(cls) -> Environment:
        """The real streams, clock and NAERVAER_HOME (else the platform's user data dir)."""
        from naervaer_cli.config import default_home

        stdout_isatty = _isatty(sys.stdout)
        return cls(
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdout_isatty=stdout_isatty,
            stderr_isatty=_isatty(sys.stderr),
            today=date.today(),
            home=default_home(),
            width=shutil.get_terminal_size().columns if stdout_isatty else None,
        )


def _isatty(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except ValueError:  # a closed stream
        return False
