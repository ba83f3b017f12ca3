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
