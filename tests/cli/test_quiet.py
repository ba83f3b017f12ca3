"""-q/--quiet and -v/--verbose on every command: confirmations follow them, data never does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from test_help_bokmal import command_paths

REPO = Path(__file__).resolve().parents[2]
IST = REPO / "sample_data" / "ist_fravaer.csv"
BOTH = "Feil: Velg enten --quiet eller --verbose, ikke begge.\n"
BAD_HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
MAIL = (
    'school = "Åsgård skole"\n[mail]\nfrom = "Nærvær <naervaer@skole.no>"\n'
    'leadership = ["rektor@skole.no"]\n[mail.staff]\n'
    '"Terje Nygård" = "terje@skole.no"\n"Hilde Vestby" = "hilde@skole.no"\n'
)
OPEN = ("case", "open", "10234", "--date", "2026-11-02")
MEASURE = ("case", "measure", "10234", "Fast oppmøte", "-r", "Kontaktlærer", "--date", "04.11.2026")


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")


@dataclass(frozen=True)
class Confirming:
    """A command run after `setup`; on success it confirms with `says` on `stream`.

    `{tmp}` and `{home}` in the arguments and the text stand for the test's folders.
    """

    command: tuple[str, ...]
    rest: tuple[str, ...]
    says: str
    stream: str = "out"
    setup: tuple[tuple[str, ...], ...] = ()
    config: str = ""


CONFIRMING = {
    "import": Confirming(
        ("import",),
        (str(IST),),
        "Importerte 1 fil(er): 338 nye fraværsposter, 0 var lagret fra før. "
        "Historikken har nå 339 poster.\n",
    ),
    "scan -o": Confirming(
        ("scan",),
        (str(IST), "-f", "json", "-o", "{tmp}/liste.json"),
        "Skrev 13 elever til {tmp}/liste.json.\n",
        stream="err",
    ),
    "notify --dry-run": Confirming(
        ("notify",),
        (str(IST), "--dry-run", "{tmp}/eml"),
        "Skrev 3 e-poster til {tmp}/eml (2 til kontaktlærere, 1 til ledelsen). 7 uten mottaker "
        "(med i oppsummeringen til ledelsen).\n",
        stream="err",
        config=MAIL,
    ),
    "pack": Confirming(
        ("pack",),
        ("10229", "-i", str(IST), "-o", "{tmp}/ut", "-f", "md", "--meeting", "2026-11-23"),
        "{tmp}/ut/elev-10229.md\n",
    ),
    "policy init": Confirming(
        ("policy", "init"),
        ("{tmp}/min.toml",),
        "Skrev {tmp}/min.toml. Rediger den og bruk den med --policy {tmp}/min.toml.\n",
        stream="err",
    ),
    "purge": Confirming(
        ("purge",),
        ("--before", "09.11.2026"),
        "Slettet 1 fraværsposter datert før 09.11.2026 og 0 avsluttede saker avsluttet før "
        "09.11.2026.\n",
    ),
    "case open": Confirming(
        OPEN[:2], OPEN[2:], "Åpnet sak for elev 10234 (skole) på NIVÅ 0, 02.11.2026.\n"
    ),
    "case note": Confirming(
        ("case", "note"),
        ("10234", "Ringte mor", "--date", "2026-11-03"),
        "Notat registrert for elev 10234 (03.11.2026).\n",
        setup=(OPEN,),
    ),
    "case measure": Confirming(
        MEASURE[:2],
        MEASURE[2:],
        "Tiltak registrert for elev 10234; evalueres 25.11.2026.\n",
        setup=(OPEN,),
    ),
    "case evaluate --not-improved": Confirming(
        ("case", "evaluate"),
        ("10234", "--not-improved", "--date", "2026-11-26", "--by", "Kari Lærer"),
        "26.11.2026  Evaluering – nærværet har ikke økt (Kari Lærer)\n",
        setup=(OPEN, MEASURE),
    ),
    "case level": Confirming(
        ("case", "level"),
        ("10234", "1", "--date", "2026-11-04"),
        "Elev 10234: NIVÅ 0 → NIVÅ 1.\n",
        setup=(OPEN,),
    ),
    "case meeting": Confirming(
        ("case", "meeting"),
        ("10234", "--date", "2026-11-04", "--next", "25.11.2026"),
        "Møte registrert for elev 10234; neste møte 25.11.2026.\n",
        setup=(OPEN,),
    ),
    "case consent": Confirming(
        ("case", "consent"),
        ("10234", "ja", "--date", "2026-11-05"),
        "Samtykke registrert for elev 10234 (05.11.2026): ja; saken drøftes med navn i "
        "ressursteamet.\n",
        setup=(OPEN,),
    ),
    "case dismiss": Confirming(
        ("case", "dismiss"),
        ("10234", "--date", "2026-11-03"),
        "Uro avkreftet; saken til elev 10234 er avsluttet.\n",
        setup=(OPEN,),
    ),
    "case close": Confirming(
        ("case", "close"),
        ("10234", "--date", "2026-11-03"),
        "Saken til elev 10234 er avsluttet.\n",
        setup=(OPEN,),
    ),
    "case delete": Confirming(
        ("case", "delete"),
        ("10234", "--reason", "feil elev"),
        "Saken til elev 10234 er slettet.\n",
        setup=(OPEN,),
    ),
    "case export -o": Confirming(
        ("case", "export"),
        ("-o", "{tmp}/sakslogg.json"),
        "Saksloggen er eksportert til {tmp}/sakslogg.json.\n",
        setup=(OPEN,),
    ),
    "case vitnemal": Confirming(
        ("case", "vitnemal"),
        ("10234", "--leave-off", "2026-11-02", "--reason", "helse"),
        "Registrert: elev 10234 krever at fravær 02.11.2026 (helse) ikke føres på vitnemålet. "
        "Se «naervaer vitnemal».\n",
    ),
    "case migrate": Confirming(
        ("case", "migrate"),
        (),
        "Saksloggen {home}/caselog.sqlite er oppdatert; ingen migreringer å kjøre.\n",
        setup=(OPEN,),
    ),
}

# (flag, terminal) → whether the confirmation is written: speaks() for every command.
MODES = {
    "pipe": ((), False, False),
    "pipe -q": (("-q",), False, False),
    "pipe -v": (("-v",), False, True),
    "pipe --verbose": (("--verbose",), False, True),
    "terminal": ((), True, True),
    "terminal -q": (("-q",), True, False),
    "terminal --quiet": (("--quiet",), True, False),
}


def _fill(text: str, tmp: Path, home: Path) -> str:
    return text.replace("{tmp}", str(tmp)).replace("{home}", str(home))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", CONFIRMING)
def test_a_confirmation_follows_quiet_verbose_and_the_terminal(
    cli, known, tmp_path: Path, naervaer_home: Path, name: str, mode: str
) -> None:
    case = CONFIRMING[name]
    known("10234")
    if case.config:
        (naervaer_home / "config.toml").write_text(case.config, encoding="utf-8")
    for step in case.setup:
        assert cli(*step).code == 0
    flags, tty, speaks = MODES[mode]
    rest = [_fill(arg, tmp_path, naervaer_home) for arg in case.rest]
    run = cli(*case.command, *flags, *rest, tty=tty, width=200)
    said = _fill(case.says, tmp_path, naervaer_home) if speaks else ""
    expected = (0, said, "") if case.stream == "out" else (0, "", said)
    assert (run.code, run.out, run.err) == expected


@pytest.mark.parametrize("mode", MODES)
def test_case_restore_follows_quiet_and_verbose(
    cli, known, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    known("10234")
    assert cli(*OPEN).code == 0
    backup = tmp_path / "backup.json"
    assert cli("case", "export", "-o", backup).code == 0
    other = tmp_path / "ny-maskin"
    monkeypatch.setenv("NAERVAER_HOME", str(other))
    flags, tty, speaks = MODES[mode]
    run = cli("case", "restore", *flags, backup, tty=tty)
    said = f"Gjenopprettet 1 saker fra {backup} til {other / 'caselog.sqlite'}.\n"
    assert (run.code, run.out, run.err) == (0, said if speaks else "", "")
    assert "10234" in cli("case", "list", "--as-of", "2026-11-03").out  # restored all the same


def test_quiet_still_does_the_work(cli, known, tmp_path: Path) -> None:
    known("10234")
    assert cli(*OPEN[:2], "-q", *OPEN[2:], tty=True).out == ""
    assert cli("pack", "-q", "10229", "-i", IST, "-o", tmp_path, "-f", "md").out == ""
    assert (tmp_path / "elev-10229.md").is_file()
    listed = cli("case", "list", "--as-of", "2026-11-03")
    assert "10234" in listed.out


DATA = {
    "scan (piped)": ((("scan",), (str(IST),))),
    "scan json": (("scan",), (str(IST), "-f", "json")),
    "show": (("show",), ("10229", str(IST))),
    "check": (("check",), (str(IST),)),
    "vitnemal": (("vitnemal",), (str(IST),)),
    "overview json": (("overview",), (str(IST), "-f", "json")),
    "policy show": (("policy", "show"), ()),
    "case list": (("case", "list"), ("--as-of", "2026-11-03")),
    "case show": (("case", "show"), ("10234",)),
    "case export": (("case", "export"), ()),
}


@pytest.mark.parametrize("name", DATA)
def test_quiet_never_hides_the_data_asked_for(cli, known, name: str) -> None:
    known("10234")
    assert cli(*OPEN).code == 0
    command, rest = DATA[name]
    plain = cli(*command, *rest)
    quiet = cli(*command, "-q", *rest)
    assert plain.code == quiet.code == 0
    assert plain.out != ""
    assert (quiet.out, quiet.err) == (plain.out, plain.err)


@pytest.mark.parametrize("command", ["scan", "import"])
def test_rows_set_aside_are_reported_even_with_quiet(cli, tmp_path: Path, command: str) -> None:
    path = tmp_path / "blandet.csv"
    path.write_text(
        BAD_HEADER + "1;A, B;7A;02.11.2026;;;;Sykdom;Ja\n2;C, D;7A;32.11.2026;;;;Sykdom;Ja\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "avvist.csv"
    extra = ("-f", "json") if command == "scan" else ()
    run = cli(command, "-q", path, "--rejects", rejects, *extra)
    assert run.code == 0
    assert run.err == f"Merk: 1 rad(er) kunne ikke leses og er skrevet til {rejects}.\n"


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_data_that_start_late_are_said_even_with_quiet(cli, tmp_path: Path, fmt: str) -> None:
    """A piped table or CSV with -q drops the footnotes, not the notes that say the result
    is not complete (the data start inside the window and after the term's start)."""
    path = tmp_path / "sen.csv"
    path.write_text(
        BAD_HEADER + "1;A, B;7A;16.11.2026;;;;Sykdom;Ja\n1;A, B;7A;17.11.2026;;;;Sykdom;Ja\n",
        encoding="utf-8",
    )
    run = cli("scan", "-q", path, "-f", fmt)
    assert run.code == 0
    assert run.err.splitlines() == [
        "Merk: Dataene starter 16.11.2026, etter vinduets første skoledag 21.10.2026: fravær "
        "før det er ikke med, så tellingene kan være for lave.",
        "Merk: Dataene starter 16.11.2026, etter terminens første skoledag 17.08.2026: «Økende "
        "fravær» er ikke vurdert, og «Fraværsandel i terminen» kan være for lav.",
    ]


LEAVES = [
    p for p in command_paths() if p and p not in {("case",), ("policy",)}
]  # every command that runs, not the groups


def test_every_command_is_in_the_walk() -> None:
    assert len(LEAVES) >= 30 and ("case", "access-log") in LEAVES and ("overview",) in LEAVES


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_has_both_options(cli, path: tuple[str, ...]) -> None:
    shown = cli(*path, "--help").out
    assert "-q, --quiet" in shown and "-v, --verbose" in shown
    for flags in (("-q", "-v"), ("--verbose", "--quiet")):
        run = cli(*path, *flags)
        assert (run.code, run.out, run.err) == (2, "", BOTH)


def test_both_is_refused_before_anything_is_written(cli, known) -> None:
    known("10234")
    run = cli(*OPEN, "-q", "-v")
    assert (run.code, run.out, run.err) == (2, "", BOTH)
    assert cli("case", "show", "10234").err == "Feil: Ingen sak er registrert for elev 10234.\n"
