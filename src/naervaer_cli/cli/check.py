"""`naervaer check`: what the importer sees in one or more exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def check(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Fraværseksporter (CSV eller XLSX).")],
) -> None:
    """Vis hva som ble funnet i eksportfilene: koding, kolonner, rader, elever og problemer."""
    raise NotImplementedError
