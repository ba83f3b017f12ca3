"""`naervaer check`: what the importer sees in one or more exports."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.errors import ExitCode


def check(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Fraværseksporter (CSV eller XLSX).")],
) -> None:
    """Vis hva som ble funnet i eksportfilene: koding, kolonner, rader, elever og problemer."""
    from naervaer_cli.importer import load_exports
    from naervaer_cli.importer.report import check_report

    result = load_exports(files, ctx.obj.config(), today=date.today(), collect_problems=True)
    sys.stdout.write(check_report(result))
    if any(f.problems for f in result.files):
        sys.stderr.write("Feil: eksporten har rader som ikke kan leses (se over).\n")
        raise typer.Exit(ExitCode.BAD_INPUT)
