"""`naervaer import`: store the records of one or more exports in the absence history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import (
    QuietOpt,
    RejectsOpt,
    VerboseOpt,
    VocabularyOpt,
    speaks,
    with_vocabulary,
)


def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(metavar="FIL...", help="Fraværseksporter (CSV eller XLSX).")
    ],
    rejects: RejectsOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    vocabulary: VocabularyOpt = None,
) -> None:
    """Lagre fraværet i eksportene i historikken, så «scan» og «show» kan brukes uten filer.

    Samme eller overlappende eksport kan importeres flere ganger: en post lagres bare én gang.
    Laget for cron: skriver ingenting når alt gikk bra og utdata ikke er en terminal.
    """
    from naervaer_cli.history import store_records
    from naervaer_cli.importer import load_exports

    talk = speaks(ctx.obj.env.stdout_isatty, quiet, verbose)
    config = with_vocabulary(ctx.obj.config(), vocabulary)
    result = load_exports(files, config, today=ctx.obj.env.today, rejects=rejects)
    if result.rejected:  # an incomplete result is reported even with -q
        typer.echo(
            f"Merk: {result.rejected} rad(er) kunne ikke leses og er skrevet til {rejects}.",
            file=ctx.obj.env.stderr,
        )
    added, total = store_records(config.home, result.records)
    known = result.records.height - added
    if talk:
        typer.echo(
            f"Importerte {len(files)} fil(er): {added} nye fraværsposter, {known} var lagret "
            f"fra før. Historikken har nå {total} poster.",
            file=ctx.obj.env.stdout,
        )
