"""`naervaer import`: store the records of one or more exports in the absence history."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import RejectsOpt


def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(metavar="FIL...", help="Fraværseksporter (CSV eller XLSX).")
    ],
    rejects: RejectsOpt = None,
) -> None:
    """Lagre fraværet i eksportene i historikken, så «scan» og «show» kan brukes uten filer.

    Samme eller overlappende eksport kan importeres flere ganger: en post lagres bare én gang.
    """
    from naervaer_cli.history import store_records
    from naervaer_cli.importer import load_exports

    config = ctx.obj.config()
    result = load_exports(files, config, today=date.today(), rejects=rejects)
    if result.rejected:
        typer.echo(
            f"Merk: {result.rejected} rad(er) kunne ikke leses og er skrevet til {rejects}.",
            err=True,
        )
    added, total = store_records(config.home, result.records)
    known = result.records.height - added
    typer.echo(
        f"Importerte {len(files)} fil(er): {added} nye fraværsposter, {known} var lagret "
        f"fra før. Historikken har nå {total} poster."
    )
