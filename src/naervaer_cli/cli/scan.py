"""`naervaer scan`: who needs attention, why, at which level, and who acts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import (
    AsOfOpt,
    FilesArg,
    KindOpt,
    PolicyOpt,
    RejectsOpt,
    output_file,
)
from naervaer_cli.output import Format


class FailOn(StrEnum):
    concern = "concern"
    watch = "watch"


def scan(
    ctx: typer.Context,
    files: FilesArg = None,
    as_of: AsOfOpt = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            "-g",
            metavar="GRUPPE",
            help="Bare denne klassen/gruppen/avdelingen, f.eks. 7A.",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Utdata: table (tabell), json, csv, xlsx eller md (Markdown).",
        ),
    ] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            callback=output_file,
            metavar="FIL",
            help="Skriv til fil (tilgang bare for deg, 0600) i stedet for til "
            "skjermen. Påkrevd for xlsx på en terminal.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            metavar="STATUS",
            help="Avslutt med kode 1 når "
            "minst én elev har denne statusen eller verre: concern (bekymring) "
            "eller watch (følg med eller bekymring).",
        ),
    ] = None,
    policy: PolicyOpt = None,
    kind: KindOpt = None,
    rejects: RejectsOpt = None,
) -> None:
    """Finn elever med bekymringsfullt fravær: hva slo ut, foreslått NIVÅ, hvem gjør hva.

    Avslutter med 0 enten noen er flagget eller ikke, med mindre --fail-on er gitt.
    """
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.output import write

    env = ctx.obj.env
    inputs = load_inputs(
        ctx.obj.config(),
        files or [],
        policy=policy,
        as_of=as_of,
        kind=kind,
        rejects=rejects,
        today=env.today,
    )
    if inputs.rejected:
        env.stderr.write(
            f"Merk: {inputs.rejected} rad(er) kunne ikke leses og er skrevet til {rejects}.\n"
        )
    result = run_scan(inputs, group)
    write(
        result,
        fmt,
        output,
        stdout=env.stdout,
        terminal=env.stdout_isatty,
        width=env.width,
        group=group,
    )
    if output is not None and env.stderr_isatty:
        count = len(result.pupils)
        from naervaer_cli.words import person as who

        env.stderr.write(f"Skrev {count} {who(result.setting, count)} til {output}.\n")
    worst = {FailOn.concern: ("concern",), FailOn.watch: ("concern", "watch")}
    if fail_on and any(p.status in worst[fail_on] for p in result.pupils):
        raise typer.Exit(code=1)
