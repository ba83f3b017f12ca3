"""Options and arguments that several commands share, and the one date parser for them."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from naervaer_cli.errors import UsageError

if TYPE_CHECKING:
    from naervaer_cli.config import Config


def parse_date(value: str) -> date:
    """`2026-11-20`, `20.11.2026` or `20.11.26`; a Typer parser, so a bad value is exit 2."""
    text = value.strip()
    try:
        if found := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", text):
            day, month, year = (int(g) for g in found.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise typer.BadParameter(
        f"«{value}» er ikke en dato. Bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå, "
        "f.eks. 2026-11-20 eller 20.11.2026."
    )


FilesArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FIL...",
        help="Fraværseksporter (CSV eller XLSX). Uten filer brukes den lagrede fraværshistorikken.",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=parse_date,
        metavar="DATO",
        help="Referansedato (ÅÅÅÅ-MM-DD eller dd.mm.åååå). Standard: siste dato i dataene.",
        show_default=False,
    ),
]


def output_file(value: Path | None) -> Path | None:
    """--output: a regular file, a new path, or `-` for standard output (None)."""
    from naervaer_cli.output import output_target

    return output_target(value, "--output")


def rejects_file(value: Path | None) -> Path | None:
    from naervaer_cli.output import output_target

    return output_target(value, "--rejects", stdout=False)


def out_folder(value: Path | None) -> Path | None:
    from naervaer_cli.output import output_target

    return output_target(value, "--out", folder=True)


def dry_run_folder(value: Path | None) -> Path | None:
    from naervaer_cli.output import output_target

    return output_target(value, "--dry-run", folder=True)


RejectsOpt = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        callback=rejects_file,
        metavar="FIL",
        help="Rader som ikke kan leses, skrives hit med "
        "fil, rad, kolonne og feil (tilgang bare for deg), og resten leses. Uten: "
        "en slik rad stopper kjøringen.",
        show_default=False,
    ),
]


class Kind(StrEnum):
    skole = "skole"
    barnehage = "barnehage"


KindOpt = Annotated[
    Kind | None,
    typer.Option(
        "--kind",
        metavar="TYPE",
        help="skole eller barnehage. Standard: gjenkjennes på kolonnene "
        "(Kom/Hentet betyr barnehage), ellers «setting» i konfigurasjonen.",
        show_default=False,
    ),
]
PolicyOpt = Annotated[
    str | None,
    typer.Option(
        "--policy",
        metavar="NAVN|STI",
        help="Policy: navn på en innebygd (aas) eller "
        "sti til en TOML-fil. Standard: «policy» i konfigurasjonen, ellers aas.",
        envvar="NAERVAER_POLICY",
        show_default=False,
    ),
]
BOTH_VOICES = "Velg enten --quiet eller --verbose, ikke begge."


def _one_voice(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> bool:
    """-q with -v is a usage error, raised while parsing: before a command writes anything."""
    other = "verbose" if param.name == "quiet" else "quiet"
    if value and ctx.params.get(other) and not ctx.resilient_parsing:
        raise UsageError(BOTH_VOICES)
    return value


QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        callback=_one_voice,
        help="Skriv ingen bekreftelse når alt gikk bra, heller ikke på en terminal. Resultatet "
        "du ber om, feil og advarsler skrives alltid.",
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        callback=_one_voice,
        help="Skriv bekreftelsen også når utdata ikke er en terminal (f.eks. til en loggfil).",
    ),
]


def speaks(terminal: bool, quiet: bool, verbose: bool) -> bool:
    """Whether a confirmation is written: on a terminal or with -v, never with -q.

    Cron mails whatever a job prints, so a run without a terminal says nothing unless it failed.
    `terminal` is whether the stream the confirmation goes to is a terminal.
    """
    if quiet and verbose:
        raise UsageError(BOTH_VOICES)
    return verbose or (not quiet and terminal)


def voice(ctx: typer.Context, terminal: bool) -> bool:
    """`speaks()` for the running command, from its own -q/-v (every command has both)."""
    return speaks(terminal, bool(ctx.params.get("quiet")), bool(ctx.params.get("verbose")))


def chatty(ctx: typer.Context) -> bool:
    """Whether «Merk:» notes that add nothing to a complete result are written: not with -q."""
    return not ctx.params.get("quiet")


VocabularyOpt = Annotated[
    str | None,
    typer.Option(
        "--vocabulary",
        metavar="ORDLISTE",
        help="Fagsystemets ordliste for koder og kolonnenavn: ist, ist-oslo, vis "
        "(Visma InSchool), transponder, vigilo, flyt (Visma Flyt Skole) eller standard. "
        "Standard: [import] vocabulary i konfigurasjonen, ellers gjenkjent på kolonnene.",
        show_default=False,
    ),
]


def with_vocabulary(config: Config, name: str | None) -> Config:
    """The config with --vocabulary over `[import] vocabulary` (flag > config file)."""
    if name is None:
        return config
    from dataclasses import replace

    from naervaer_cli.vocabulary import load_vocabulary

    load_vocabulary(name)  # an unknown name: «Ukjent ordliste …», exit 2
    data = dict(config.data)
    data["import"] = {**data.get("import", {}), "vocabulary": name}
    return replace(config, data=data)
