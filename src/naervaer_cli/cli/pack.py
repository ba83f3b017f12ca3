"""`naervaer pack`: meeting documents for pupils or for a ressursteam meeting."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.cli.options import (
    AsOfOpt,
    KindOpt,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    VocabularyOpt,
    out_folder,
    parse_date,
    voice,
    with_vocabulary,
)


class PackFormat(StrEnum):
    html = "html"
    docx = "docx"
    md = "md"


def pack(
    ctx: typer.Context,
    pupils: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ELEV...",
            help="Elevnummer (barnenummer i barnehagen), eller en del av navnet som "
            "bare passer på ett barn eller én elev. Flere kan gis.",
            show_default=False,
        ),
    ] = None,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FIL",
            help="Fraværseksport (CSV eller XLSX); kan gis flere "
            "ganger. Uten: den lagrede fraværshistorikken.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=out_folder,
            metavar="MAPPE",
            help="Mappen filene skrives til (tilgang bare for deg, 0600).",
        ),
    ] = Path("."),
    fmt: Annotated[
        PackFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="html (for utskrift), docx (redigerbar i Word) eller md (Markdown).",
        ),
    ] = PackFormat.html,
    meeting: Annotated[
        date | None,
        typer.Option(
            "--meeting",
            parser=parse_date,
            metavar="DATO",
            help="Møtedato, en skoledag (ÅÅÅÅ-MM-DD eller dd.mm.åååå). Uten: neste møte "
            "i saksloggen («naervaer case meeting ELEV --next DATO»), ellers neste skoledag; "
            "for ressursteamet alltid neste skoledag.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Erstatt en fil som er endret etter at naervaer skrev den (ellers skrives "
            "den nye ved siden av).",
        ),
    ] = False,
    resource_team: Annotated[
        bool,
        typer.Option(
            "--resource-team",
            help="Sakliste og dokumenter for alle elever med åpen sak på --min-level eller høyere.",
        ),
    ] = False,
    min_level: Annotated[
        int,
        typer.Option(
            "--min-level",
            min=0,
            max=2,
            metavar="NIVÅ",
            help="Laveste nivå som tas med i ressursteamets sakliste.",
        ),
    ] = 1,
    include_flagged: Annotated[
        bool,
        typer.Option(
            "--include-flagged", help="Ta også med flaggede elever som ikke har en åpen sak."
        ),
    ] = False,
    documents: Annotated[
        list[str] | None,
        typer.Option(
            "--document",
            "-d",
            metavar="DOK",
            help="Bare disse dokumentene: innkalling, referat, elevsamtale, "
            "bli-kjent-samtale, foreldresamtale, samarbeidsavtale, skaleringsmodell, "
            "melding (til ressursteam), kartlegging, fravaersoversikt; i barnehagen også "
            "trivselssamtale og tiltaksplan. Kan gis flere ganger. Standard: verktøyene "
            "innsatsplanen nevner på elevens nivå.",
            show_default=False,
        ),
    ] = None,
    time: Annotated[
        str,
        typer.Option(
            "--time",
            metavar="KL",
            help="Klokkeslett for møtet, f.eks. 14:00–15:00. Uten: en linje å fylle ut.",
            show_default=False,
        ),
    ] = "",
    place: Annotated[
        str,
        typer.Option(
            "--place",
            metavar="STED",
            help="Møtested, f.eks. «Møterom 2, administrasjonen». Uten: en linje å fylle ut.",
            show_default=False,
        ),
    ] = "",
    as_of: AsOfOpt = None,
    policy: PolicyOpt = None,
    kind: KindOpt = None,
    vocabulary: VocabularyOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Lag møtedokumenter: innkalling, referat, verktøyene for nivået og fraværsoversikt.

    Verktøyene er dem innsatsplanen nevner på elevens nivå (skole NIVÅ 1: elevsamtale,
    bli kjent-samtale, samtale med foreldre, samarbeidsavtale, skaleringsmodell, melding til
    ressursteam; barnehage: trivsels- og utviklingssamtale, tiltaksplan ved uro). Én fil per
    elev eller barn (navngitt etter nummeret), eller med --resource-team én fil med sakliste,
    melding og fraværsoversikt for hver sak og ressursteamets referat. Uten samtykke fra
    foresatte («naervaer case consent») er saken anonym. Filstiene skrives til standard ut på en
    terminal eller med -v.

    Møtedatoen er --meeting, ellers neste møte som saksloggen har planlagt for eleven (om det
    ikke er passert), ellers neste skoledag (en merknad sier hvilken dato som er brukt).
    Ressursteamets møte er teamets eget, ikke elevenes planlagte møter med foresatte:
    --meeting, ellers neste skoledag.
    """
    from naervaer_cli.documents.render import Format
    from naervaer_cli.documents.run import PackRequest, run_pack
    from naervaer_cli.inputs import load_inputs

    request = PackRequest(
        pupils=tuple(pupils or ()),
        resource_team=resource_team,
        min_level=min_level,
        include_flagged=include_flagged,
        fmt=Format(fmt.value),
        out_dir=out,
        meeting=meeting,
        documents=tuple(documents or ()),
        time=time,
        place=place,
        force=force,
    )
    request.check()
    env, config = ctx.obj.env, with_vocabulary(ctx.obj.config(), vocabulary)
    loaded = load_inputs(
        config, inputs or [], policy=policy, as_of=as_of, kind=kind, today=env.today
    )

    def warn(text: str) -> None:
        env.stderr.write(f"Merk: {text}\n")

    talk = voice(ctx, env.stdout_isatty)
    for path in run_pack(config, loaded, request, today=env.today, warn=warn):
        if talk:
            env.stdout.write(f"{path}\n")
