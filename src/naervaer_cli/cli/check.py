"""`naervaer check`: what the importer sees in one or more exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.errors import ExitCode


def check(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(metavar="FIL...", help="Fraværseksporter (CSV eller XLSX).")
    ],
) -> None:
    """Vis hva som ble funnet i eksportfilene: koding, kolonner, rader, elever og problemer."""
    from naervaer_cli.importer import load_exports
    from naervaer_cli.importer.report import check_report

    env = ctx.obj.env
    result = load_exports(files, ctx.obj.config(), today=env.today, collect_problems=True)
    env.stdout.write(check_report(result))
    if any(f.problems for f in result.files):
        env.stderr.write("Feil: eksporten har rader som ikke kan leses (se over).\n")
        raise typer.Exit(ExitCode.BAD_INPUT)
