"""`naervaer show`: one pupil's picture – evidence, calendar, breakdowns and the plan."""

from __future__ import annotations

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
    with_vocabulary,
)


def show(
    ctx: typer.Context,
    pupil: Annotated[
        str,
        typer.Argument(
            metavar="ELEV", help="Elevnummer, eller en del av navnet som bare passer på én elev."
        ),
    ],
    files: FilesArg = None,
    as_of: AsOfOpt = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=52, metavar="UKER", help="Antall uker i kalenderen."),
    ] = 6,
    policy: PolicyOpt = None,
    kind: KindOpt = None,
    vocabulary: VocabularyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Vis én elev: hva som slo ut og hvorfor, kalender, fravær per ukedag og fag, innsatsplanen."""
    from naervaer_cli.inputs import load_inputs
    from naervaer_cli.output.pupil import write_pupil
    from naervaer_cli.pupil_view import find_pupil, pupil_view

    env = ctx.obj.env
    config = with_vocabulary(ctx.obj.config(), vocabulary)
    inputs = load_inputs(
        config, files or [], policy=policy, as_of=as_of, kind=kind, today=env.today
    )
    pupil_id = find_pupil(inputs.records, pupil, inputs.setting, config.home)
    view = pupil_view(
        inputs.records,
        inputs.policy,
        pupil_id,
        as_of=inputs.as_of,
        calendar=inputs.calendar,
        weeks=weeks,
        cases=inputs.cases,
        setting=inputs.setting,
    )
    write_pupil(view, env.stdout, terminal=env.stdout_isatty)
    for note in view.notes:  # the view is not complete: said even with -q
        env.stderr.write(f"Merk: {note}\n")
