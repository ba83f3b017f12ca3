"""`naervaer overview`: the anonymous overview for rektor and skoleeier (no names, «<5»)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import (
    AsOfOpt,
    FilesArg,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    parse_date,
)


class Format(StrEnum):  # mirrors output.overview.OverviewFormat without importing it
    html = "html"
    xlsx = "xlsx"
    json = "json"


def overview(
    ctx: typer.Context,
    files: FilesArg = None,
    school: Annotated[
        list[str] | None,
        typer.Option(
            "--school",
            metavar="NAVN=FIL",
            help="En skoles eksport; kan gjentas for flere skoler. Uten den leses skolen fra "
            "kolonnen Skole, ellers fra «school» i konfigurasjonen.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    first: Annotated[
        date | None,
        typer.Option(
            "--from",
            parser=parse_date,
            metavar="DATO",
            help="Periodens første dag (ÅÅÅÅ-MM-DD eller dd.mm.åååå). Standard: "
            "terminstart (documents.term_start i konfigurasjonen, ellers policyens).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", metavar="FORMAT", help="Utdata: html, xlsx eller json."),
    ] = Format.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FIL",
            help="Skriv til fil (tilgang bare for deg, 0600). Påkrevd for xlsx på en terminal.",
        ),
    ] = None,
    policy: PolicyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Anonym fraværsoversikt per skole, trinn, gruppe og uke; tall om færre enn 5 elever
    vises som «<5»."""
    from naervaer_cli.inputs import load_overview_inputs
    from naervaer_cli.output.overview import OverviewFormat, write
    from naervaer_cli.overview import overview as build

    env = ctx.obj.env
    config = ctx.obj.config()
    inputs = load_overview_inputs(
        config,
        files or [],
        school or [],
        policy=policy,
        as_of=as_of,
        first=first,
        today=env.today,
    )
    result = build(
        inputs.records,
        inputs.policy,
        inputs.calendar,
        as_of=inputs.as_of,
        first=inputs.first,
        cases=inputs.cases,
    )
    write(
        result,
        OverviewFormat(fmt.value),
        output,
        stdout=env.stdout,
        terminal=env.stdout_isatty,
        templates=inputs.templates,
    )
