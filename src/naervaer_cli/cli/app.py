"""The `naervaer` application, its global options and the one error boundary."""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from naervaer_cli import __version__
from naervaer_cli.errors import ExitCode, NaervaerError

app = typer.Typer(
    name="naervaer",
    help="Følg opp bekymringsfullt fravær etter veilederen «Nærvær og fravær i barnehager og "
    "skoler i Ås».\n\nNB – Snakk med barnet/eleven under hele prosessen.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """Global options, handed to every command through `ctx.obj`."""

    config_path: Path | None = None
    debug: bool = False
    warned: bool = False

    def config(self):
        from naervaer_cli.config import load_config
        from naervaer_cli.portable import home_warning

        config = load_config(self.config_path)
        if not self.warned and (warning := home_warning(config.home)):
            sys.stderr.write(f"Advarsel: {warning}\n")
            self.warned = True
        return config


def _version(value: bool) -> None:
    if value:
        typer.echo(f"naervaer {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Konfigurasjonsfil (TOML). Standard: $NAERVAER_HOME/config.toml, ellers "
            "config.toml i brukerens konfigurasjonsmappe; aldri fra arbeidsmappen.",
            envvar="NAERVAER_CONFIG",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Vis full feilsporing ved feil (for utviklere).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Vis versjonen."),
    ] = False,
) -> None:
    ctx.obj = State(config_path=config, debug=debug)


def _register() -> None:
    # Each module imports only typer and the standard library at module level.
    from naervaer_cli.cli import (
        case,
        check,
        importcmd,
        notify,
        pack,
        policy,
        purge,
        scan,
        show,
        vitnemal,
    )

    app.command("scan")(scan.scan)
    app.command("show")(show.show)
    app.command("check")(check.check)
    app.command("import")(importcmd.import_)
    app.add_typer(case.app, name="case")
    app.command("pack")(pack.pack)
    app.command("notify")(notify.notify)
    app.add_typer(policy.app, name="policy")
    app.command("purge")(purge.purge)
    app.command("vitnemal")(vitnemal.vitnemal)


_register()


@functools.cache
def _command() -> Any:
    """The Click command behind `app`, built once: Typer rebuilds it on every call (≈ 50 ms),
    which in-process runs (tests, the fuzz test) pay again and again."""
    return typer.main.get_command(app)


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("NAERVAER_DEBUG", "") not in ("", "0")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn every failure into one Norwegian line and an exit code."""
    from typer._click import exceptions as click_exc

    from naervaer_cli.portable import utf8_output

    utf8_output((sys.stdout, sys.stderr))
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    try:
        result = _command()(args=argv, prog_name="naervaer", standalone_mode=False)
    except NaervaerError as exc:
        if debug:
            raise
        _error(str(exc))
        sys.exit(int(exc.exit_code))
    except click_exc.UsageError as exc:
        _error(_usage_message(exc))
        sys.exit(ExitCode.BAD_INPUT)
    except click_exc.ClickException as exc:
        _error(_translate(exc.format_message()))
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _error("Avbrutt.")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(ExitCode.OK)
    except Exception as exc:  # the boundary: never a traceback for users
        if debug:
            raise
        _error(
            f"Uventet feil ({type(exc).__name__}). Kjør igjen med --debug for detaljer, "
            "og meld feilen til den som drifter naervaer."
        )
        sys.exit(ExitCode.FAILURE)
    # Typer returns the code of a typer.Exit (130 after Ctrl-C) in non-standalone mode.
    if result == ExitCode.INTERRUPTED:
        _error("Avbrutt.")
    sys.exit(result if isinstance(result, int) else ExitCode.OK)


# Click's own usage messages are English; these are the ones users meet.
_CLICK_PHRASES = (
    ("No such option", "Ukjent valg"),
    ("No such command", "Ukjent kommando"),
    ("Missing argument", "Mangler argumentet"),
    ("Missing option", "Mangler valget"),
    ("Invalid value for", "Ugyldig verdi for"),
    ("Got unexpected extra arguments", "Uventede ekstra argumenter"),
    ("Got unexpected extra argument", "Uventet ekstra argument"),
    ("requires an argument", "trenger en verdi"),
    ("is not one of", "er ikke en av"),
    ("is not a valid", "er ikke et gyldig"),
    ("does not exist", "finnes ikke"),
    ("Did you mean", "Mente du"),
    ("Option", "Valget"),
    ("Value error, ", ""),
)


def _translate(message: str) -> str:
    for english, bokmal in _CLICK_PHRASES:
        message = message.replace(english, bokmal)
    return message


def _usage_message(exc) -> str:
    param = getattr(exc, "param", None)
    if isinstance(exc, typer.BadParameter) and param is not None and param.opts:
        # Our own parsers' messages already say what to write instead.
        return f"{param.opts[0]}: {exc.message}"
    message = _translate(exc.format_message()).rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    hint = f" Se «{exc.ctx.command_path} --help»." if exc.ctx is not None else ""
    return message + hint


def _error(message: str) -> None:
    # A message may quote a value or a file name: never a fødselsnummer (issue 11).
    from naervaer_cli.privacy import hide_fnr

    sys.stderr.write(f"Feil: {hide_fnr(message)}\n")
