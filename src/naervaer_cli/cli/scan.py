"""`naervaer scan`: who needs attention, why, at which level, and who acts."""

from __future__ import annotations

import re
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from naervaer_cli.output import Format


class FailOn(StrEnum):
    concern = "concern"
    watch = "watch"


FilesArg = Annotated[
    list[Path] | None,
    typer.Argument(metavar="FIL", help="Fraværseksporter (CSV eller XLSX). Uten filer brukes "
                   "den lagrede fraværshistorikken.", show_default=False),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATO", help="Referansedato (ÅÅÅÅ-MM-DD eller dd.mm.åååå). "
                 "Standard: siste dato i dataene.", show_default=False),
]
PolicyOpt = Annotated[
    str | None,
    typer.Option("--policy", metavar="NAVN|STI", help="Policy: navn på en innebygd (aas) eller "
                 "sti til en TOML-fil. Standard: «policy» i konfigurasjonen, ellers aas.",
                 envvar="NAERVAER_POLICY", show_default=False),
]


def parse_date(text: str | None, option: str = "--as-of") -> date | None:
    """A date given as YYYY-MM-DD or dd.mm.yyyy (a user error names the option)."""
    from naervaer_cli.errors import UsageError

    if text is None:
        return None
    value = text.strip()
    try:
        if found := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise UsageError(f"{option}: «{text}» er ikke en dato. Bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå, "
                     "f.eks. 2026-11-20 eller 20.11.2026.")


def scan(
    ctx: typer.Context,
    files: FilesArg = None,
    as_of: AsOfOpt = None,
    group: Annotated[str | None, typer.Option("--group", "-g", metavar="GRUPPE",
                     help="Bare denne klassen/gruppen/avdelingen, f.eks. 7A.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Utdata: table (tabell), json, "
                   "csv, xlsx eller md (Markdown).")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FIL",
                      help="Skriv til fil (tilgang bare for deg, 0600) i stedet for til "
                      "skjermen. Påkrevd for xlsx på en terminal.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="Avslutt med kode 1 når "
                       "minst én elev har denne statusen eller verre: concern (bekymring) "
                       "eller watch (følg med eller bekymring).")] = None,
    policy: PolicyOpt = None,
) -> None:
    """Finn elever med bekymringsfullt fravær: hva slo ut, foreslått NIVÅ, hvem gjør hva.

    Avslutter med 0 enten noen er flagget eller ikke, med mindre --fail-on er gitt.
    """
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.output import write

    inputs = load_inputs(ctx.obj.config(), files or [], policy=policy, as_of=parse_date(as_of))
    result = run_scan(inputs, group)
    write(result, fmt, output, stdout=sys.stdout, group=group)
    if output is not None and sys.stderr.isatty():
        count = len(result.pupils)
        sys.stderr.write(f"Skrev {count} {'elev' if count == 1 else 'elever'} til {output}.\n")
    worst = {FailOn.concern: ("concern",), FailOn.watch: ("concern", "watch")}
    if fail_on and any(p.status in worst[fail_on] for p in result.pupils):
        raise typer.Exit(code=1)
