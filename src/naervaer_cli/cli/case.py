"""`naervaer case`: open, record, evaluate, escalate, close and list cases in the case log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from naervaer_cli.cli.options import QuietOpt, VerboseOpt, output_file, parse_date, voice

if TYPE_CHECKING:
    from naervaer_cli.calendar import SchoolCalendar
    from naervaer_cli.caselog.store import CaseStore
    from naervaer_cli.config import Config

app = typer.Typer(
    help="Saksloggen: åpne saker, registrer tiltak, møter og evalueringer, endre nivå og avslutt.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


Pupil = Annotated[
    str, typer.Argument(metavar="ELEV", help="Elevnummeret (som i eksporten og i «scan»).")
]
Day = Annotated[
    date | None,
    typer.Option(
        "--date",
        parser=parse_date,
        metavar="DATO",
        help="Datoen det gjelder (ÅÅÅÅ-MM-DD eller dd.mm.åååå). Standard: i dag.",
    ),
]
AsOf = Annotated[
    date | None,
    typer.Option(
        "--as-of", parser=parse_date, metavar="DATO", help="Referansedato. Standard: i dag."
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAVN",
        help="Hvem som registrerer. Standard: NAERVAER_BY eller «case.by» i konfigurasjonen.",
    ),
]
Text = Annotated[str, typer.Option("--text", "-t", metavar="TEKST", help="Kort tekst til saken.")]
School = Annotated[
    str | None,
    typer.Option(
        "--school",
        metavar="SKOLE",
        help="Skolen saken hører til; avgjør hvem som ser den i en delt sakslogg. "
        "Standard: «school» i konfigurasjonen.",
    ),
]
Role = Annotated[str, typer.Argument(metavar="ROLLE", help="Rollen (brukeren) i databasen.")]
SchoolArg = Annotated[str, typer.Argument(metavar="SKOLE", help="Skolen, som i sakene.")]


def _store(ctx: typer.Context) -> tuple[Config, CaseStore]:
    from naervaer_cli.caselog.store import CaseStore

    config = ctx.obj.config()
    return config, CaseStore.from_config(config)


def _pupil(config: Config, pupil: str) -> str:
    """A fødselsnummer typed as the pupil is looked up by its pseudonym, as on import."""
    from naervaer_cli.privacy import lookup_id

    return lookup_id(pupil, config.home)


def _by(config: Config, flag: str | None) -> str:
    return str(config.setting(flag, "NAERVAER_BY", "case.by", "") or "")


def _say(ctx: typer.Context, text: str) -> None:
    """A confirmation on stdout: on a terminal or with -v, never with -q."""
    if voice(ctx, ctx.obj.env.stdout_isatty):
        typer.echo(text, file=ctx.obj.env.stdout)


def _today(ctx: typer.Context) -> date:
    return ctx.obj.env.today


def _person(setting: str) -> str:
    """ "barn" in a barnehage, "elev" in a school: the messages name the child by number."""
    return "barn" if setting == "barnehage" else "elev"


def _person_of(store: CaseStore, pupil: str) -> str:
    """The word for the child of `pupil`'s open case (read before a write that may close it)."""
    case = store.current_case(pupil)
    return _person(case.setting if case else "skole")


Inputs = Annotated[
    list[Path] | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FIL",
        help="Fraværseksport (CSV eller XLSX) å finne eleven i; kan gis flere ganger. "
        "Uten: den lagrede fraværshistorikken.",
        show_default=False,
    ),
]


@app.command("open")
def open_(
    ctx: typer.Context,
    pupil: Annotated[
        str,
        typer.Argument(
            metavar="ELEV",
            help="Elevnummeret, eller en del av navnet («Fornavn Etternavn» eller "
            "«Etternavn, Fornavn») som bare passer på én elev i dataene.",
        ),
    ],
    setting: Annotated[
        str | None,
        typer.Option(
            "--setting",
            metavar="TYPE",
            help="skole eller barnehage. Standard: NAERVAER_SETTING eller «setting» i "
            "konfigurasjonen, ellers det dataene er.",
        ),
    ] = None,
    level: Annotated[
        int, typer.Option("--level", metavar="NIVÅ", help="Nivået saken åpnes på.")
    ] = 0,
    inputs: Inputs = None,
    school: School = None,
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Åpne en sak: uro for bekymringsfullt fravær registreres (NIVÅ 0).

    Eleven må finnes i fraværshistorikken eller i eksporten gitt med -i.
    """
    from naervaer_cli.caselog.store import CaseStore, norwegian
    from naervaer_cli.inputs import detect_setting
    from naervaer_cli.pupil_view import find_pupil

    config = ctx.obj.config()
    chosen = config.setting(setting, "NAERVAER_SETTING", "setting", None)
    records = _records(ctx, config, inputs or [], chosen or "skole")
    setting = chosen or detect_setting(records)
    pupil = find_pupil(records, pupil, setting, config.home)
    with CaseStore.from_config(config) as store:
        case = store.open_case(
            pupil,
            setting=setting,
            day=day or _today(ctx),
            by=_by(config, by),
            text=text,
            level=level,
            school=school,
        )
    _say(
        ctx,
        f"Åpnet sak for {_person(case.setting)} {pupil} ({case.setting}) "
        f"på NIVÅ {case.level}, {norwegian(case.opened)}.",
    )


def _records(ctx: typer.Context, config: Config, files: list[Path], setting: str) -> Any:
    """The exports given with -i, else the stored history: where a pupil must be found."""
    from naervaer_cli.errors import UsageError

    if files:
        from naervaer_cli.calendar import calendar_from_config
        from naervaer_cli.importer import load_exports

        calendar = calendar_from_config(config.table("calendar"), config.where())
        return load_exports(files, config, today=_today(ctx), calendar=calendar).records
    from naervaer_cli.history import load_history

    records = load_history(config.home)
    if records.is_empty():
        child = "barnet" if setting == "barnehage" else "eleven"
        raise UsageError(
            f"Ingen lagret fraværshistorikk å finne {child} i. Importer eksportene først med "
            "«naervaer import FIL ...», eller oppgi eksporten med -i FIL."
        )
    return records


def _calendar(config: Config) -> SchoolCalendar:
    from naervaer_cli.calendar import calendar_from_config

    return calendar_from_config(config.table("calendar"), config.where())


@app.command("note")
def note(
    ctx: typer.Context,
    pupil: Pupil,
    text: Annotated[str, typer.Argument(metavar="TEKST", help="Notatet.")],
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Skriv et notat i saken, som en samtale med eleven eller hjemmet."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        event = store.add_note(pupil, day=day or _today(ctx), by=_by(config, by), text=text)
    _say(ctx, f"Notat registrert for {who} {pupil} ({event.date:%d.%m.%Y}).")


@app.command("measure")
def measure(
    ctx: typer.Context,
    pupil: Pupil,
    text: Annotated[str, typer.Argument(metavar="TILTAK", help="Tiltaket som ble besluttet.")],
    responsible: Annotated[
        str,
        typer.Option(
            "--responsible",
            "-r",
            metavar="ROLLE",
            help="Hvem som er ansvarlig for tiltaket, f.eks. «Foresatte» eller "
            "«Kontaktlærer og helsesykepleier».",
        ),
    ],
    evaluation_date: Annotated[
        date | None,
        typer.Option(
            "--evaluate",
            "--evaluation-date",
            parser=parse_date,
            metavar="DATO",
            help="Når tiltaket evalueres (en skoledag). Skole: standard 3 uker etter, flyttet "
            "til neste skoledag. Barnehage: datoen avtalt med foreldrene (påkrevd).",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            metavar="NAVN|STI",
            help="Policy (navn eller TOML-fil) som gir tiden til evalueringen. Standard: "
            "«policy» i konfigurasjonen.",
        ),
    ] = None,
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Registrer et tiltak som ble besluttet, med ansvarlig og evalueringsdato."""
    from datetime import timedelta

    from naervaer_cli.calendar import check_planned
    from naervaer_cli.errors import UsageError

    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    decided = day or _today(ctx)
    calendar = _calendar(config)
    with store:
        case = store.current_case(pupil)
        who = _person(case.setting if case else "skole")
        if case is not None and evaluation_date is None:
            if case.setting == "barnehage":
                raise UsageError(
                    "I barnehagen avtales tidspunktet for evalueringen med foreldrene; "
                    "oppgi datoen med --evaluate DATO."
                )
            from naervaer_cli.policy import load_policy

            rules = load_policy(config.setting(policy, "NAERVAER_POLICY", "policy", None))
            days = rules.plans["skole"].evaluation_days or 21
            evaluation_date = calendar.next_school_day(decided + timedelta(days=days))
        elif evaluation_date is not None:
            check_planned(evaluation_date, calendar, "Evalueringsdatoen")
        event = store.add_measure(
            pupil,
            day=decided,
            by=_by(config, by),
            text=text,
            responsible=responsible,
            evaluation_date=evaluation_date,
        )
    _say(
        ctx,
        f"Tiltak registrert for {who} {pupil}; evalueres {event.data['evaluation_date']:%d.%m.%Y}.",
    )


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    pupil: Pupil,
    improved: Annotated[
        bool | None,
        typer.Option(
            "--improved/--not-improved",
            help="Registrer svaret selv i stedet for å beregne det fra fraværshistorikken.",
        ),
    ] = None,
    as_of: Annotated[
        date | None,
        typer.Option(
            "--date",
            parser=parse_date,
            metavar="DATO",
            help="Evalueringsdatoen; perioden etter tiltaket går hit. Standard: i dag.",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            metavar="NAVN|STI",
            help="Policy (navn eller TOML-fil). Standard: «policy» i konfigurasjonen.",
        ),
    ] = None,
    text: Text = "",
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Har nærværet økt? Nærværet siden tiltaket mot like mange skoledager før; svaret lagres."""
    from naervaer_cli.caselog.evaluate import evaluate_case
    from naervaer_cli.caselog.text import evaluation_text, event_line
    from naervaer_cli.inputs import load_evaluation_inputs

    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    day, who = as_of or _today(ctx), _by(config, by)
    with store:
        if improved is not None:
            event = store.record_evaluation(pupil, day=day, by=who, improved=improved, text=text)
            _say(ctx, event_line(event))
            return
        setting = store.status(pupil, day).case.setting
        loaded = load_evaluation_inputs(config, setting, policy)
        comparison, _ = evaluate_case(
            store,
            loaded.records,
            pupil,
            as_of=day,
            by=who,
            calendar=loaded.calendar,
            counting_kinds=loaded.counting_kinds,
            whole_day_minutes=loaded.whole_day_minutes,
            text=text,
        )
    typer.echo(evaluation_text(comparison), file=ctx.obj.env.stdout, nl=False)


@app.command("level")
def level(
    ctx: typer.Context,
    pupil: Pupil,
    new_level: Annotated[int, typer.Argument(metavar="NIVÅ", help="Nytt nivå: 0, 1 eller 2.")],
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Endre nivået på saken, som til NIVÅ 2 ved fortsatt bekymring."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        event = store.change_level(
            pupil, day=day or _today(ctx), by=_by(config, by), level=new_level, text=text
        )
    _say(ctx, f"{who.capitalize()} {pupil}: NIVÅ {event.data['from']} → NIVÅ {event.data['to']}.")


@app.command("meeting")
def meeting(
    ctx: typer.Context,
    pupil: Pupil,
    next_meeting: Annotated[
        date | None,
        typer.Option("--next", parser=parse_date, metavar="DATO", help="Dato for neste møte."),
    ] = None,
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Registrer et møte som ble holdt, og eventuelt datoen for neste møte."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    if next_meeting is not None:
        from naervaer_cli.calendar import check_planned

        check_planned(next_meeting, _calendar(config), "Neste møte")
    with store:
        who = _person_of(store, pupil)
        store.record_meeting(
            pupil, day=day or _today(ctx), by=_by(config, by), text=text, next_meeting=next_meeting
        )
    suffix = f"; neste møte {next_meeting:%d.%m.%Y}" if next_meeting else ""
    _say(ctx, f"Møte registrert for {who} {pupil}{suffix}.")


class Answer(StrEnum):
    ja = "ja"
    nei = "nei"


@app.command("consent")
def consent(
    ctx: typer.Context,
    pupil: Pupil,
    answer: Annotated[
        Answer,
        typer.Argument(
            metavar="JA|NEI",
            help="ja: foresatte samtykker til at saken drøftes med navn i ressursteamet; "
            "nei: saken drøftes anonymt.",
        ),
    ],
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Registrer foresattes samtykke (ja/nei) til at saken meldes til ressursteamet med navn."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        event = store.record_consent(
            pupil,
            day=day or _today(ctx),
            by=_by(config, by),
            consent=answer is Answer.ja,
            text=text,
        )
    if event.consent:
        outcome = "saken drøftes med navn i ressursteamet"
    else:
        outcome = "saken drøftes anonymt i ressursteamet"
    _say(
        ctx,
        f"Samtykke registrert for {who} {pupil} ({event.date:%d.%m.%Y}): "
        f"{answer.value}; {outcome}.",
    )


@app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    pupil: Pupil,
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Uro avkreftet: registrer det og avslutt saken."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        store.dismiss(pupil, day=day or _today(ctx), by=_by(config, by), text=text)
    _say(ctx, f"Uro avkreftet; saken til {who} {pupil} er avsluttet.")


@app.command("close")
def close(
    ctx: typer.Context,
    pupil: Pupil,
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Avslutt saken (helst etter en evaluering som viste at nærværet har økt)."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        store.close_case(pupil, day=day or _today(ctx), by=_by(config, by), text=text)
    _say(ctx, f"Saken til {who} {pupil} er avsluttet.")


@app.command("delete")
def delete(
    ctx: typer.Context,
    pupil: Pupil,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", metavar="GRUNN", help="Hvorfor saken slettes, f.eks. «feil elev»."
        ),
    ],
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Slett en sak som ble åpnet ved en feil; den skjules overalt (grunnen lagres)."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        who = _person_of(store, pupil)
        store.delete_case(pupil, day=day or _today(ctx), by=_by(config, by), reason=reason)
    _say(ctx, f"Saken til {who} {pupil} er slettet.")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_of: AsOf = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group", "-g", metavar="GRUPPE", help="Bare sakene i denne klassen/gruppen."
        ),
    ] = None,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FIL",
            help="Ta navn og gruppe fra denne eksporten i stedet for den lagrede historikken.",
        ),
    ] = None,
    setting: Annotated[
        str | None,
        typer.Option(
            "--setting",
            metavar="TYPE",
            help="skole eller barnehage. Standard: NAERVAER_SETTING eller «setting» i "
            "konfigurasjonen, ellers skole.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Vis åpne saker med navn og gruppe: hva som forfaller og når, det forfalte først."""
    from naervaer_cli.caselog.text import open_cases_text

    config, store = _store(ctx)
    as_of = as_of or _today(ctx)
    chosen = config.setting(setting, "NAERVAER_SETTING", "setting", "skole")
    with store:
        items = store.list_open(as_of, chosen)
        summaries = store.summaries(as_of, chosen)
    who = _names(config, inputs or [], _today(ctx))
    typer.echo(
        open_cases_text(items, as_of, names=who, summaries=summaries, group=group),
        file=ctx.obj.env.stdout,
        nl=False,
    )


def _names(config: Config, files: list[Path], today: date) -> dict[str, tuple[str, str]]:
    """Each pupil's name and group on their latest date, from `files` or the stored history.

    A name that holds a fødselsnummer is left out rather than shown.
    """
    import polars as pl

    from naervaer_cli.privacy import contains_fnr

    if files:
        from naervaer_cli.importer import load_exports

        records = load_exports(files, config, today=today).records
    else:
        from naervaer_cli.history import load_history

        records = load_history(config.home)
    if records.is_empty():
        return {}
    latest = (
        records.sort("date")
        .group_by("pupil_id")
        .agg(pl.col("name").drop_nulls().last(), pl.col("group").drop_nulls().last())
    )
    return {
        pid: ("" if contains_fnr(name or "") else name or "", grp or "")
        for pid, name, grp in latest.iter_rows()
    }


@app.command("show")
def show(
    ctx: typer.Context, pupil: Pupil, quiet: QuietOpt = False, verbose: VerboseOpt = False
) -> None:
    """Vis sakshistorikken til en elev: hver hendelse med dato og hvem som registrerte den."""
    from naervaer_cli.caselog.text import timeline_text
    from naervaer_cli.errors import UsageError

    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        cases, events = store.cases(pupil), store.timeline(pupil)
    if not cases:
        raise UsageError(f"Ingen sak er registrert for elev {pupil}.")
    typer.echo(timeline_text(pupil, cases, events), file=ctx.obj.env.stdout, nl=False)


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            callback=output_file,
            metavar="FIL",
            help="Skriv til denne filen (0600) i stedet for til skjermen.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Eksporter hele saksloggen som JSON (sikkerhetskopi eller flytting til en annen maskin)."""
    from naervaer_cli.privacy import write_private

    _, store = _store(ctx)
    with store:
        text = store.export_json()
    if output is None:
        typer.echo(text, file=ctx.obj.env.stdout, nl=False)
    else:
        write_private(output, text)
        _say(ctx, f"Saksloggen er eksportert til {output}.")


@app.command("restore")
def restore(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FIL", help="En JSON-fil laget med «naervaer case export».")
    ],
    school: Annotated[
        str | None,
        typer.Option(
            "--school",
            metavar="SKOLE",
            help="Skolen for saker i en eldre eksport uten skole. Standard: «school» i "
            "konfigurasjonen.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Gjenopprett saksloggen fra en eksport til en ny, tom sakslogg (ny maskin eller server)."""
    from naervaer_cli.caselog.store import read_export

    _, store = _store(ctx)
    with store:
        count = store.restore(read_export(file), school=school)
    _say(ctx, f"Gjenopprettet {count} saker fra {file} til {store.where}.")


@dataclass(frozen=True)
class Period:
    first: date
    last: date


def _period(value: str) -> Period:
    """`DATO` or `DATO..DATO`; each date as parse_date takes it."""
    first, _, last = value.partition("..")
    return Period(parse_date(first), parse_date(last) if last else parse_date(first))


class LeaveOffReason(StrEnum):
    helse = "helse"
    kronisk = "kronisk"
    permisjon = "permisjon"


@app.command("vitnemal")
def vitnemal(
    ctx: typer.Context,
    pupil: Pupil,
    period: Annotated[
        Period,
        typer.Option(
            "--leave-off",
            parser=_period,
            metavar="DATO[..DATO]",
            help="Fraværet eleven krever ikke ført på vitnemålet, f.eks. 2026-01-05..2026-01-09.",
        ),
    ],
    reason: Annotated[
        LeaveOffReason,
        typer.Option(
            "--reason",
            metavar="GRUNN",
            help="helse (fra og med dag 4 i en periode på mer enn tre dager), kronisk "
            "(kronisk sykdom eller funksjonsnedsettelse: fra første dag) eller permisjon.",
        ),
    ],
    text: Text = "",
    day: Day = None,
    by: By = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Registrer at eleven krever fravær ikke ført på vitnemålet (høyst 10 dager per skoleår)."""
    config, store = _store(ctx)
    pupil = _pupil(config, pupil)
    with store:
        item = store.record_leave_off(
            pupil,
            first=period.first,
            last=period.last,
            reason=reason.value,
            day=day or _today(ctx),
            by=_by(config, by),
            text=text,
        )
    span = f"{item.first:%d.%m.%Y}" + (f"–{item.last:%d.%m.%Y}" if item.last != item.first else "")
    _say(
        ctx,
        f"Registrert: elev {pupil} krever at fravær {span} ({item.reason}) ikke føres på "
        "vitnemålet. Se «naervaer vitnemal».",
    )


@app.command("migrate")
def migrate(ctx: typer.Context, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Oppgrader saksloggens skjema (scan og case gjør det selv ved behov)."""
    from naervaer_cli.caselog.store import CaseStore

    with CaseStore.from_config(ctx.obj.config(), auto_migrate=False) as store:
        done = store.migrate()
    if done:
        _say(ctx, f"Kjørte {len(done)} migrering(er) på {store.where}: {', '.join(done)}.")
    else:
        _say(ctx, f"Saksloggen {store.where} er oppdatert; ingen migreringer å kjøre.")


@app.command("grant")
def grant(
    ctx: typer.Context,
    role: Role,
    school: SchoolArg,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Gi en rolle i PostgreSQL tilgang til sakene til en skole (radnivåsikkerhet)."""
    _, store = _store(ctx)
    with store:
        added = store.grant(role, school)
    if added:
        _say(ctx, f"Rollen {role} ser nå sakene til {school}.")
    else:
        _say(ctx, f"Rollen {role} hadde allerede tilgang til sakene til {school}.")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    role: Role,
    school: SchoolArg,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Ta fra en rolle tilgangen til sakene til en skole."""
    _, store = _store(ctx)
    with store:
        removed = store.revoke(role, school)
    if removed:
        _say(ctx, f"Rollen {role} ser ikke lenger sakene til {school}.")
    else:
        _say(ctx, f"Rollen {role} hadde ikke tilgang til sakene til {school}.")


@app.command("access-log")
def access_log(
    ctx: typer.Context,
    pupil: Annotated[
        str | None, typer.Argument(metavar="[ELEV]", help="Bare denne elevens sak.")
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Vis hvem som har lest hvilken elevs sak, og når (tilgangsloggen)."""
    from naervaer_cli.caselog.text import access_text

    _, store = _store(ctx)
    with store:
        entries = store.access_log(pupil)
    typer.echo(access_text(entries, pupil), file=ctx.obj.env.stdout, nl=False)
