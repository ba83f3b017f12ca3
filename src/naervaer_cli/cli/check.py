"""`naervaer check`: what the importer sees in one or more exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import QuietOpt, VerboseOpt, VocabularyOpt, with_vocabulary
from naervaer_cli.errors import ExitCode


def check(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(metavar="FIL...", help="Fraværseksporter (CSV eller XLSX).")
    ],
    suggest_config: Annotated[
        bool,
        typer.Option(
            "--suggest-config",
            help="Skriv et forslag til naervaer.toml for filene: ukjente koder og kolonner "
            "med «?» der du må velge.",
        ),
    ] = False,
    vocabulary: VocabularyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Vis hva som ble funnet i eksportfilene: koding, kolonner, koder, elever og problemer."""
    from naervaer_cli.importer import load_exports, report
    from naervaer_cli.importer.normalize import MissingColumns

    env = ctx.obj.env
    config = with_vocabulary(ctx.obj.config(), vocabulary)
    try:
        result = load_exports(files, config, today=env.today, collect_problems=True)
    except MissingColumns as missing:
        if not suggest_config:
            raise
        env.stdout.write(
            report.suggest_for_missing(missing.path.name, missing.fields, missing.unused)
        )
        return
    if suggest_config:
        env.stdout.write(report.suggest_config(result))
        return
    env.stdout.write(report.check_report(result))
    if any(f.problems for f in result.files):
        env.stderr.write("Feil: eksporten har rader som ikke kan leses (se over).\n")
        raise typer.Exit(ExitCode.BAD_INPUT)
