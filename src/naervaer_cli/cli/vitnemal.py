"""`naervaer vitnemal`: the absence figures for the vitnemål (8.–10. trinn), per pupil."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import FilesArg, PolicyOpt, QuietOpt, VerboseOpt, output_file


class Format(StrEnum):  # mirrors output.certificate.CertificateFormat without importing it
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


def vitnemal(
    ctx: typer.Context,
    files: FilesArg = None,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            metavar="ÅÅÅÅ-ÅÅÅÅ",
            help="Skoleåret, f.eks. 2025-2026 (1. august–31. juli). Standard: skoleåret til "
            "siste dato i dataene.",
            show_default=False,
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", "-g", metavar="GRUPPE", help="Bare denne gruppen, f.eks. 10A."),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="Utdata: table (tabell), csv, xlsx eller json."
        ),
    ] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            callback=output_file,
            metavar="FIL",
            help="Skriv til fil (tilgang bare for deg, 0600). Påkrevd for xlsx på en terminal.",
        ),
    ] = None,
    policy: PolicyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Fravær til vitnemålet: dager, timer og dager som kan unntas, per elev på 8.–10. trinn."""
    from naervaer_cli.caselog.store import leave_offs_from_config
    from naervaer_cli.certificate import SchoolYear, certificate
    from naervaer_cli.inputs import load_inputs
    from naervaer_cli.output.certificate import CertificateFormat, write

    config = ctx.obj.config()
    env = ctx.obj.env
    inputs = load_inputs(config, files or [], policy=policy, kind="skole", today=env.today)
    school_year = SchoolYear.parse(year) if year else SchoolYear.of(inputs.as_of)
    requests = leave_offs_from_config(config)
    result = certificate(
        inputs.records, inputs.policy, inputs.calendar, school_year, requests, group
    )
    write(
        result, CertificateFormat(fmt.value), output, stdout=env.stdout, terminal=env.stdout_isatty
    )
