"""`naervaer scan`: who needs attention, why, at which level, and who acts."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from naervaer_cli.cli.options import (
    AsOfOpt,
    FilesArg,
    KindOpt,
    PolicyOpt,
    QuietOpt,
    RejectsOpt,
    VerboseOpt,
    VocabularyOpt,
    chatty,
    output_file,
    voice,
    with_vocabulary,
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
            help="Utdata: table (tabell), json, csv, xlsx, md (Markdown) eller html "
            "(side for nettleseren).",
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
    vocabulary: VocabularyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Finn elever med bekymringsfullt fravær: hva slo ut, foreslått NIVÅ, hvem gjør hva.

    Avslutter med 0 enten noen er flagget eller ikke, med mindre --fail-on er gitt.
    """
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.output import write

    env = ctx.obj.env
    inputs = load_inputs(
        with_vocabulary(ctx.obj.config(), vocabulary),
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
    if group is not None:
        check_group(inputs.records, group)
    for warning in scope_warnings(inputs):
        env.stderr.write(f"Advarsel: {warning}\n")
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
    if output is None and not env.stdout_isatty and fmt in (Format.table, Format.csv):
        # Piped table and CSV are data only; what the footer would say goes to stderr (with
        # -q only what says the result is not complete).
        for note in result.notes:
            if chatty(ctx) or note in result.incomplete:
                env.stderr.write(f"Merk: {note}\n")
    if output is not None and voice(ctx, env.stderr_isatty):
        count = len(result.pupils)
        from naervaer_cli.words import person as who

        env.stderr.write(f"Skrev {count} {who(result.setting, count)} til {output}.\n")
    worst = {FailOn.concern: ("concern",), FailOn.watch: ("concern", "watch")}
    if fail_on and any(p.status in worst[fail_on] for p in result.pupils):
        raise typer.Exit(code=1)


def check_group(records: Any, group: str) -> None:
    """Refuse a `--group` the data does not hold, naming the groups it does, closest first."""
    from difflib import SequenceMatcher

    from naervaer_cli.errors import UsageError
    from naervaer_cli.scan import group_key

    names = sorted(set(records.get_column("group").drop_nulls().to_list()), key=group_key)
    wanted = group.strip().casefold()
    if any(name.strip().casefold() == wanted for name in names):
        return
    if not names:
        raise UsageError(f"Gruppen «{group}» finnes ikke: dataene har ingen grupper.")

    def closeness(name: str) -> float:
        return SequenceMatcher(None, wanted, name.strip().casefold()).ratio()

    # sorted() is stable: equally close groups stay in natural order (2B before 10A)
    ranked = sorted(names, key=closeness, reverse=True)
    raise UsageError(
        f"Gruppen «{group}» finnes ikke i dataene. Kjente grupper (nærmest først): "
        f"{', '.join(ranked)}."
    )


def scope_warnings(inputs: Any) -> list[str]:
    """Warnings about the window: a reference date outside the data, or no school days."""
    from datetime import timedelta

    from naervaer_cli.output.labels import window_text_for
    from naervaer_cli.words import date_text, words

    out: list[str] = []
    dates = inputs.records.get_column("date").drop_nulls()
    as_of = inputs.as_of
    if not dates.is_empty():
        first, last = dates.min(), dates.max()
        if as_of > last:
            out.append(
                f"referansedatoen {date_text(as_of)} er etter siste dato i dataene "
                f"({date_text(last)}); dagene etter den har ingen føringer."
            )
        elif as_of < first:
            out.append(
                f"referansedatoen {date_text(as_of)} er før første dato i dataene "
                f"({date_text(first)}); vinduet har ingen føringer."
            )
    days = inputs.policy.window_days(inputs.setting)
    if not inputs.calendar.school_days(as_of - timedelta(days=days - 1), as_of):
        out.append(
            f"vinduet {window_text_for(as_of, days)} har ingen {words(inputs.setting).day}er "
            "(ferie eller fridager), så ingen regel kan slå ut."
        )
    return out
