"""The one Rich console setup the terminal outputs (scan table, pupil view) share."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def rich_console(file: IO[str], width: int | None, color: bool) -> Console:
    """The Rich console for a terminal (or a test's buffer): no markup, highlighting or emoji,
    so text from an export is printed as written; `color=False` for a plain one."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        force_terminal=color or None,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
