"""`naervaer notify`: the cron job that mails each kontaktlærer their flagged pupils."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import (
    AsOfOpt,
    FilesArg,
    KindOpt,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    VocabularyOpt,
    dry_run_folder,
    speaks,
    with_vocabulary,
)


def notify(
    ctx: typer.Context,
    files: FilesArg = None,
    as_of: AsOfOpt = None,
    dry_run: Annotated[
        Path | None,
        typer.Option(
            "--dry-run",
            callback=dry_run_folder,
            metavar="MAPPE",
            help="Send ingenting: skriv e-postene som .eml-filer i "
            "MAPPE (tilgang bare for deg). Utsendelsesloggen endres ikke.",
            show_default=False,
        ),
    ] = None,
    policy: PolicyOpt = None,
    kind: KindOpt = None,
    vocabulary: VocabularyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Send hver kontaktlærer sine flaggede elever, og skoleledelsen en oppsummering.

    En elev sendes på nytt bare når noe nytt har slått ut. Laget for cron: skriver ingenting
    når alt gikk bra og utdata ikke er en terminal. Avslutningskoder: 0 sendt eller ingenting
    å sende, 1 noen e-poster kunne ikke sendes (prøves igjen neste gang) eller en annen
    kjøring pågår, 2 feil i konfigurasjon eller inndata.
    """
    from naervaer_cli.mail.notify import report_lines, run_notify

    env = ctx.obj.env
    talk = speaks(env.stderr_isatty, quiet, verbose)
    report = run_notify(
        with_vocabulary(ctx.obj.config(), vocabulary),
        files or [],
        as_of=as_of,
        policy=policy,
        kind=kind,
        dry_run=dry_run,
        today=env.today,
    )
    errors, summary = report_lines(report, dry_run)
    for line in errors:
        env.stderr.write(f"Feil: {line}\n")
    if summary and talk:
        env.stderr.write(summary + "\n")
    if report.failed:
        raise typer.Exit(code=int(report.exit_code))
