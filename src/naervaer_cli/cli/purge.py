"""`naervaer purge`: delete stored absence history and closed cases older than a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from naervaer_cli.cli.options import parse_date


def purge(
    ctx: typer.Context,
    before: Annotated[
        date,
        typer.Option(
            "--before",
            parser=parse_date,
            metavar="DATO",
            help="Slett fravær fra før denne datoen og saker avsluttet før den (ÅÅÅÅ-MM-DD).",
        ),
    ],
) -> None:
    """Slett lagret fraværshistorikk og avsluttede saker eldre enn en dato (lagringsbegrensning)."""
    from naervaer_cli.caselog.store import norwegian, purge_from_config
    from naervaer_cli.history import purge_history

    config = ctx.obj.config()
    rows = purge_history(config.home, before)
    cases = purge_from_config(config, before)
    typer.echo(
        f"Slettet {rows} fraværsposter datert før {norwegian(before)} og {cases} "
        f"avsluttede saker avsluttet før {norwegian(before)}.",
        file=ctx.obj.env.stdout,
    )
