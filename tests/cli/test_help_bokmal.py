"""Every help page and usage error speaks bokmål: no word of Typer's or Click's English left."""

from __future__ import annotations

import re

import pytest

# Typer's and Click's own words, and the metavars they make up (<str>, <int range>, <a|b>).
ENGLISH = re.compile(
    r"\b(?:usage|options?|arguments|commands?|show this message|default|required|env var"
    r"|is not one of|possible options|not in the range|missing|got unexpected|no such"
    r"|did you mean|try|error|invalid|aborted|the current shell|dynamic|deprecated)\b"
    r"|<[a-z |]+>|[<>]=?x|x[<>]=?|\{[A-ZÆØÅ]",
    re.IGNORECASE,
)


def english(text: str) -> list[str]:
    # Option names are short English words by design (product.md §1); their help is bokmål.
    text = re.sub(r"(?<!\w)--?[\w-]+", "", text)
    return [m.group(0) for m in ENGLISH.finditer(text)]


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group under `naervaer`, read from the Typer app itself."""
    from typer.main import get_command

    from naervaer_cli.cli.app import app

    paths: list[tuple[str, ...]] = []
    stack = [((), get_command(app))]
    while stack:
        path, command = stack.pop()
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            stack.append(((*path, name), sub))
    return sorted(paths)


GROUPS = [(), ("case",), ("policy",)]


def test_the_walk_finds_every_command():
    paths = command_paths()
    assert set(GROUPS) <= set(paths)
    assert {("scan",), ("import",), ("notify",), ("case", "open"), ("policy", "init")} <= set(paths)


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "naervaer")
def test_every_help_page_is_bokmal(cli, path):
    run = cli(*path, "--help")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(f"Bruk: {' '.join(('naervaer', *path))} [VALG]")
    assert english(run.out) == []
    assert "  -h, --help" in run.out and "Vis denne hjelpen og avslutt." in run.out


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "naervaer")
def test_a_group_without_command_shows_its_help_on_stderr(cli, path):
    run = cli(*path)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"Bruk: {' '.join(('naervaer', *path))} [VALG] KOMMANDO [ARG]...")
    assert "Kommandoer:" in run.err and english(run.err) == []


def test_the_root_help_names_its_parts_in_bokmal(cli):
    out = cli("--help").out
    assert "\nValg:\n" in out and "\nKommandoer:\n" in out
    assert "  --config FIL " in out
    assert "[miljøvariabel: NAERVAER_CONFIG]" in " ".join(out.split())
    assert "  --install-completion  Installer Tab-fullføring for skallet du bruker.\n" in out


def test_notes_ranges_and_metavars_are_bokmal(cli):
    out = cli("show", "--help").out
    assert out.startswith("Bruk: naervaer show [VALG] ELEV [FIL...]\n")
    assert "\nArgumenter:\n" in out
    assert "  --weeks UKER " in out and "[standard: 6; 1–52]" in out
    assert "[påkrevd]" in out
    assert "  --kind TYPE " in out
    scan = cli("scan", "--help").out
    assert "-f, --format FORMAT" in scan and "--fail-on STATUS" in scan
    assert cli("import", "--help").out.startswith("Bruk: naervaer import [VALG] FIL...\n")
    assert cli("check", "--help").out.startswith("Bruk: naervaer check [VALG] FIL...\n")


USAGE_ERRORS = [
    (
        ("scan", "--format", "pdf"),
        "Ugyldig verdi for --format: «pdf». Velg en av: table, json, csv, xlsx, md, html. "
        "Se «naervaer scan --help».",
    ),
    (
        ("scan", "--fail-on", "alle"),
        "Ugyldig verdi for --fail-on: «alle». Velg en av: concern, watch. "
        "Se «naervaer scan --help».",
    ),
    (
        ("scan", "--grup", "7A"),
        "Ukjent valg: --grup. Mente du --group? Se «naervaer scan --help».",
    ),
    (("check", "--bogus"), "Ukjent valg: --bogus. Mente du --verbose? Se «naervaer check --help»."),
    (
        ("show", "10229", "--weeks", "99"),
        "Ugyldig verdi for --weeks: 99. Tillatt: 1–52. Se «naervaer show --help».",
    ),
    (
        ("show", "10229", "--weeks", "seks"),
        "--weeks: «seks» er ikke et heltall. Se «naervaer show --help».",
    ),
    (
        ("pack", "1", "--min-level", "3"),
        "Ugyldig verdi for --min-level: 3. Tillatt: 0–2. Se «naervaer pack --help».",
    ),
    (("show",), "Mangler argumentet ELEV. Se «naervaer show --help»."),
    (("check",), "Mangler argumentet FIL. Se «naervaer check --help»."),
    (("import",), "Mangler argumentet FIL. Se «naervaer import --help»."),
    (("case", "note", "1"), "Mangler argumentet TEKST. Se «naervaer case note --help»."),
    (
        ("case", "vitnemal", "10229", "--reason", "helse"),
        "Mangler valget --leave-off. Se «naervaer case vitnemal --help».",
    ),
    (
        ("case", "measure", "1", "leksehjelp"),
        "Mangler valget --responsible. Se «naervaer case measure --help».",
    ),
    (("show", "10229", "--as-of"), "--as-of trenger en verdi. Se «naervaer show --help»."),
    (("--version=ja",), "--version tar ingen verdi. Se «naervaer --help»."),
    (
        ("purge", "--before", "2026-01-01", "alt"),
        "Uventet argument: alt. Se «naervaer purge --help».",
    ),
    (
        ("case", "note", "1", "ringte", "hjem", "i dag"),
        "Uventede argumenter: hjem i dag. Se «naervaer case note --help».",
    ),
    (("scann",), "Ukjent kommando «scann». Mente du «scan»? Se «naervaer --help»."),
    (("case", "nte"), "Ukjent kommando «nte». Mente du «note»? Se «naervaer case --help»."),
    (("--debug",), "Mangler kommando. Se «naervaer --help»."),
]


@pytest.mark.parametrize(
    ("args", "message"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS]
)
def test_usage_errors_are_one_exact_bokmal_line(cli, args, message):
    run = cli(*args)
    assert (run.code, run.out, run.err) == (2, "", f"Feil: {message}\n")
    assert english(run.err) == []


def test_the_english_word_list_catches_what_typer_writes_by_itself():
    # The check must be able to fail: Typer's untranslated help and errors trip it.
    assert english("Usage: naervaer [OPTIONS] COMMAND [ARGS]...") == ["Usage", "OPTIONS", "COMMAND"]
    assert english("  --weeks <int range>  Uker.  [default: 6; 1<=x<=52]") == [
        "<int range>",
        "default",
        "<=x",
    ]
    assert english("Feil: 'pdf' is not one of 'table'. Show this message and exit.") == [
        "is not one of",
        "Show this message",
    ]
    assert english("Usage: naervaer show [VALG] {ELEV}") == ["Usage", "{E"]
