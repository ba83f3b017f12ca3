"""`naervaer policy`: show the active policy, or write an editable copy of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import QuietOpt, VerboseOpt, voice
from naervaer_cli.environment import Environment

app = typer.Typer(
    name="policy",
    help="Vis eller kopier policyen: terskler, fag og innsatsplan.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PolicyOption = Annotated[
    str | None,
    typer.Option(
        "--policy",
        metavar="NAVN|STI",
        help="Navn på innebygd policy (f.eks. «aas») eller sti til en "
        "policyfil (TOML). Standard: policy i konfigurasjonen, ellers «aas».",
        envvar="NAERVAER_POLICY",
    ),
]


def _configured(ctx: typer.Context, policy: str | None) -> str | None:
    """flag/env > `policy` in the config file > the default."""
    if policy is not None:
        return policy
    state = ctx.find_root().obj
    if state is None:
        return None
    return state.config().get("policy")


def _env(ctx: typer.Context) -> Environment:
    state = ctx.find_root().obj  # None when the sub-app runs on its own
    return state.env if state is not None else Environment.from_system()


@app.command("show")
def show(
    ctx: typer.Context,
    policy: PolicyOption = None,
    keys: Annotated[
        bool,
        typer.Option(
            "--keys",
            help="Vis i stedet alle nøkler en policyfil kan ha, med standardverdi og forklaring.",
        ),
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Vis policyen i lesbar form: regler, terskler, fag og innsatsplanen nivå for nivå."""
    from naervaer_cli.policy import describe_policy, load_policy, policy_fields
    from naervaer_cli.tomlconfig import reference_text

    if keys:
        typer.echo(reference_text(policy_fields()), file=_env(ctx).stdout, nl=False)
        return
    text = describe_policy(load_policy(_configured(ctx, policy)))
    typer.echo(text, file=_env(ctx).stdout, nl=False)


@app.command("init")
def init(
    ctx: typer.Context,
    dest: Annotated[
        Path, typer.Argument(metavar="STI", help="Hvor kopien skal skrives (fil eller mappe).")
    ] = Path("policy.toml"),
    name: Annotated[
        str, typer.Option("--name", metavar="NAVN", help="Innebygd policy som skal kopieres.")
    ] = "aas",
    force: Annotated[bool, typer.Option("--force", help="Overskriv filen om den finnes.")] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Skriv en redigerbar kopi av en innebygd policy; bruk den med --policy STI."""
    from naervaer_cli.policy import write_policy_copy

    written = write_policy_copy(dest, name=name, force=force)
    message = f"Skrev {written}. Rediger den og bruk den med --policy {written}."
    if voice(ctx, _env(ctx).stderr_isatty):
        typer.echo(message, file=_env(ctx).stderr)
