"""The `naervaer` application, its global options and the one error boundary."""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from naervaer_cli import __version__
from naervaer_cli.environment import Environment
from naervaer_cli.errors import ExitCode, NaervaerError

if TYPE_CHECKING:
    from naervaer_cli.config import Config

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
    """The environment and the global options, handed to every command through `ctx.obj`."""

    env: Environment
    config_path: Path | None = None
    debug: bool = False
    warned: bool = False
    leftovers: int = 0  # temporary files of interrupted writes removed at start

    def config(self) -> Config:
        from naervaer_cli.config import load_config
        from naervaer_cli.portable import home_warning
        from naervaer_cli.privacy import check_key, home_mode_warning, remove_leftovers

        config = load_config(self.config_path, home=self.env.home)
        if not self.warned:
            self.warned = True
            for warning in (home_warning(config.home), home_mode_warning(config.home)):
                if warning:
                    self.env.stderr.write(f"Advarsel: {warning}\n")
            # A damaged key stops every command; leftovers of a killed write go at start.
            check_key(config.home)
            self.leftovers = remove_leftovers(config.home)
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
            metavar="FIL",
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
    # main() hands in the environment; a bare `app()` (as Typer's own test runner calls it)
    # gets the real one.
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_system()
    ctx.obj = State(env=env, config_path=config, debug=debug)


def _register() -> None:
    # Each module imports only typer and the standard library at module level.
    from naervaer_cli.cli import (
        case,
        check,
        importcmd,
        notify,
        overview,
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
    app.command("overview")(overview.overview)


_register()


@functools.cache
def _command() -> Any:
    """The Click command behind `app`, built once: Typer rebuilds it on every call (≈ 50 ms),
    which in-process runs (tests, the fuzz test) pay again and again."""
    from naervaer_cli.cli import bokmal

    return bokmal.translate(typer.main.get_command(app))


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("NAERVAER_DEBUG", "") not in ("", "0")


def main(argv: list[str] | None = None, env: Environment | None = None) -> None:
    """Entry point: run the app and turn every failure into one Norwegian line and an exit code.

    `env` is the run's streams, terminals, date and NAERVAER_HOME (tests pass their own).
    """
    from typer._click import exceptions as click_exc

    from naervaer_cli.cli import bokmal
    from naervaer_cli.portable import utf8_output

    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Environment.from_system()
    utf8_output(((env.stdout, env.stdout_isatty), (env.stderr, env.stderr_isatty)))
    debug = _debug_requested(argv)

    def _error(message: str) -> None:
        # A message may quote a value or a file name: never a fødselsnummer (issue 11).
        from naervaer_cli.privacy import hide_fnr

        env.stderr.write(f"Feil: {hide_fnr(message)}\n")

    try:
        result = _command().main(args=argv, prog_name="naervaer", standalone_mode=False, obj=env)
    except NaervaerError as exc:
        if debug:
            raise
        _error(str(exc))
        sys.exit(int(exc.exit_code))
    except click_exc.NoArgsIsHelpError as exc:
        # `naervaer` or `naervaer case` alone: the help, as Click does, on stderr with exit 2.
        env.stderr.write(exc.ctx.get_help() + "\n")
        sys.exit(ExitCode.BAD_INPUT)
    except click_exc.UsageError as exc:
        _error(bokmal.usage_message(exc))
        sys.exit(ExitCode.BAD_INPUT)
    except click_exc.ClickException as exc:
        _error(bokmal.click_message(exc.format_message()))
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _error("Avbrutt.")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        env.stderr.close()
        sys.exit(ExitCode.OK)
    except OSError as exc:
        if debug:
            raise
        from naervaer_cli.errors import os_failure

        # Disk full, read-only or no access: say which, and where.
        failure = os_failure(exc, exc.filename or "utdataene")
        _error(str(failure) if failure else _unexpected(exc))
        sys.exit(int(failure.exit_code) if failure else ExitCode.FAILURE)
    except Exception as exc:  # the boundary: never a traceback for users
        if debug:
            raise
        _error(_unexpected(exc))
        sys.exit(ExitCode.FAILURE)
    # Typer returns the code of a typer.Exit (130 after Ctrl-C) in non-standalone mode.
    if result == ExitCode.INTERRUPTED:
        _error("Avbrutt.")
    sys.exit(result if isinstance(result, int) else ExitCode.OK)


def _unexpected(exc: BaseException) -> str:
    return (
        f"Uventet feil ({type(exc).__name__}). Kjør igjen med --debug for detaljer, "
        "og meld feilen til den som drifter naervaer."
    )
