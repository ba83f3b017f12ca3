"""`naervaer purge`: delete stored absence history and closed cases older than a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from naervaer_cli.cli.options import QuietOpt, VerboseOpt, parse_date, voice
from naervaer_cli.errors import UsageError


def purge(
    ctx: typer.Context,
    before: Annotated[
        date | None,
        typer.Option(
            "--before",
            parser=parse_date,
            metavar="DATO",
            help="Slett fravær fra før denne datoen og saker avsluttet før den (ÅÅÅÅ-MM-DD).",
            show_default=False,
        ),
    ] = None,
    invalid_dates: Annotated[
        bool,
        typer.Option(
            "--invalid-dates",
            help="Slett fravær datert før 2000 eller mer enn ett år etter i dag (feilskrevne "
            "datoer lagret av en eldre versjon).",
        ),
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Slett lagret fraværshistorikk og avsluttede saker eldre enn en dato (lagringsbegrensning)."""
    from naervaer_cli.caselog.store import norwegian, purge_from_config
    from naervaer_cli.history import purge_history, purge_invalid_dates
    from naervaer_cli.privacy import remove_leftovers

    if before is None and not invalid_dates:
        raise UsageError("Oppgi --before DATO, --invalid-dates eller begge.")
    config = ctx.obj.config()
    out = ctx.obj.env.stdout
    talk = voice(ctx, ctx.obj.env.stdout_isatty)
    if invalid_dates:
        bad = purge_invalid_dates(config.home, ctx.obj.env.today)
        if talk:
            typer.echo(f"Slettet {bad} fraværsposter med ugyldig dato.", file=out)
    if before is not None:
        rows = purge_history(config.home, before)
        cases = purge_from_config(config, before)
        if talk:
            typer.echo(
                f"Slettet {rows} fraværsposter datert før {norwegian(before)} og {cases} "
                f"avsluttede saker avsluttet før {norwegian(before)}.",
                file=out,
            )
    # Interrupted writes' temporary files hold records too (most went already at start).
    leftovers = ctx.obj.leftovers + remove_leftovers(config.home)
    if leftovers and talk:
        typer.echo(f"Slettet {leftovers} midlertidige filer etter avbrutte skrivinger.", file=out)
