"""Bokmål for the words Typer and its vendored Click write themselves: help pages and usage errors.

Typer >= 0.26 vendors Click as `typer._click` without gettext, and the few strings Typer marks
with gettext are only translated under a Norwegian locale (cron runs under C). So instead of a
message catalogue this module hooks in at Click's public extension points: every command in the
tree gets a context whose help formatter writes the headings, the usage prefix, the help and
completion options and the «[default: …]» notes in bokmål, and `usage_message` builds each
usage error from the exception's type and parameter rather than from its English text.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer._click import core as click_core
from typer._click import exceptions as click_exc
from typer._click.formatting import HelpFormatter

OPTIONS_METAVAR = "[VALG]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARG]..."

_HEADINGS = {
    "Usage": "Bruk",
    "Options": "Valg",
    "Arguments": "Argumenter",
    "Commands": "Kommandoer",
}
# Help texts of the options Typer and Click add to every command.
_OPTION_HELP = {
    "Show this message and exit.": "Vis denne hjelpen og avslutt.",
    "Install completion for the current shell.": "Installer Tab-fullføring for skallet du bruker.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Vis skriptet for Tab-fullføring, for å kopiere det eller tilpasse installasjonen."
    ),
}
# The closing «[default: 6; 1<=x<=52]» note Typer adds to a help text, before wrapping.
_NOTE = re.compile(r"(?s)(.*?)(\s*)\[([^\[\]]*)\]")
_RANGE = re.compile(r"(?:(-?[\d.]+)(<=?))?x(?:(<=?)(-?[\d.]+))?")


class BokmalFormatter(HelpFormatter):
    """Click's help formatter, writing Click's and Typer's own words in bokmål."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        # Typer puts braces round a required argument; Click's plain convention reads better.
        args = re.sub(r"\{([^{}\s]+)\}", r"\1", args)
        super().write_usage(prog, args, "Bruk: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, help_text(text)) for term, text in rows], col_max, col_spacing)


class BokmalContext(click_core.Context):
    """A context whose help is written by `BokmalFormatter`."""

    formatter_class = BokmalFormatter

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> bool | None:
        # The option parser raises some usage errors without a context; this one was parsing,
        # so the message can name the command's --help.
        if isinstance(exc_value, click_exc.UsageError) and exc_value.ctx is None:
            exc_value.ctx, exc_value.cmd = self, self.command
        return super().__exit__(exc_type, exc_value, tb)


def help_text(text: str) -> str:
    """One option's help text with Typer's own help and closing note in bokmål."""
    text = _OPTION_HELP.get(text, text)
    found = _NOTE.fullmatch(text)
    if found is None:
        return text
    notes = [_note(item) for item in found[3].split("; ")]
    if any(note is None for note in notes):
        return text  # not Typer's note: the help text itself ends in brackets
    return f"{found[1]}{found[2]}[{'; '.join(n for n in notes if n)}]"


def _note(item: str) -> str | None:
    key, sep, value = item.partition(": ")
    if item == "required":
        return "påkrevd"
    if sep and key == "default":
        return f"standard: {value}"
    if sep and key == "env var":
        return f"miljøvariabel: {value}"
    found = _RANGE.fullmatch(item)
    if found is None or not (found[1] or found[4]):
        return None
    low, high = found[1], found[4]
    return bounds(low, found[2] == "<", high, found[3] == "<")


def bounds(low: object, low_open: bool, high: object, high_open: bool) -> str:
    """A number range in words: «1–52», «minst 1», «under 5», «over 0 og under 5»."""
    if low is not None and high is not None and not (low_open or high_open):
        return f"{low}–{high}"
    parts = []
    if low is not None:
        parts.append(f"over {low}" if low_open else f"minst {low}")
    if high is not None:
        parts.append(f"under {high}" if high_open else f"høyst {high}")
    return " og ".join(parts)


def translate(command: click_core.Command) -> click_core.Command:
    """Give `command` and every subcommand bokmål help: formatter, usage words, completion."""
    stack = [command]
    while stack:
        current = stack.pop()
        current.context_class = BokmalContext
        if current.options_metavar:
            current.options_metavar = OPTIONS_METAVAR
        if getattr(current, "subcommand_metavar", None):
            current.subcommand_metavar = SUBCOMMAND_METAVAR  # type: ignore[attr-defined]
        for param in current.params:
            if param.name == "install_completion":
                param.callback = _install_completion
        stack.extend(getattr(current, "commands", {}).values())
    return command


def _install_completion(ctx: click_core.Context, param: Any, value: Any) -> Any:
    """Typer's completion installer, reporting in bokmål."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    typer.echo(
        f"Tab-fullføring for {shell} er installert i {path}. "
        "Den virker fra neste gang du åpner terminalen."
    )
    raise typer.Exit()


def usage_message(exc: click_exc.UsageError) -> str:
    """One bokmål line for a usage error, ending with where to read more."""
    param = getattr(exc, "param", None)
    if type(exc) is click_exc.BadParameter and param is not None:
        message = _click_type_message(exc, param)
        if message is None:
            # Our own parsers' messages already say what to write instead.
            return f"{_name(param)}: {exc.message}"
    else:
        message = _usage_text(exc)
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    hint = f" Se «{exc.ctx.command_path} --help»." if exc.ctx is not None else ""
    return message + hint


def _usage_text(exc: click_exc.UsageError) -> str:
    param = getattr(exc, "param", None)
    if isinstance(exc, click_exc.MissingParameter) and param is not None:
        if param.param_type_name == "argument":
            return f"Mangler argumentet {_name(param)}"
        return f"Mangler valget {_name(param)}"
    if isinstance(exc, click_exc.NoSuchOption):
        text = f"Ukjent valg: {exc.option_name}"
        if exc.possibilities:
            text += f". Mente du {' eller '.join(sorted(exc.possibilities))}?"
        return text
    if isinstance(exc, click_exc.BadOptionUsage):
        if "requires" in exc.message:
            return f"{exc.option_name} trenger en verdi"
        if "does not take a value" in exc.message:
            return f"{exc.option_name} tar ingen verdi"
    if found := re.fullmatch(r"No such command (.+?)\.(?: Did you mean (.+)\?)?", exc.message):
        text = f"Ukjent kommando {_quoted(found[1])}"
        if found[2]:
            names = re.findall(r"'([^']*)'", found[2])
            text += f". Mente du {' eller '.join(f'«{n}»' for n in names)}?"
        return text
    if found := re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", exc.message):
        extra = found[1]
        if " " in extra:
            return f"Uventede argumenter: {extra}"
        return f"Uventet argument: {extra}"
    if exc.message == "Missing command.":
        return "Mangler kommando"
    return click_message(exc.format_message())


def _click_type_message(exc: click_exc.BadParameter, param: Any) -> str | None:
    """A value Click's own type check rejected, in bokmål; None for our parsers' messages."""
    name = _name(param)
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices is not None:
        value = _value(exc.message, "is not one of")
        shown = f" «{value}»" if value is not None else ""
        listed = ", ".join(str(getattr(c, "value", c)) for c in choices)
        return f"Ugyldig verdi for {name}:{shown}. Velg en av: {listed}"
    if (value := _value(exc.message, "is not in the range")) is not None and hasattr(kind, "min"):
        allowed = bounds(kind.min, kind.min_open, kind.max, kind.max_open)
        return f"Ugyldig verdi for {name}: {value}. Tillatt: {allowed}"
    if (value := _value(exc.message, "is not a valid")) is not None:
        # `int`, `int range`, `float`, `float range` (`integer` in Click itself)
        number = {"int": "et heltall", "integer": "et heltall", "float": "et tall"}
        what = number.get(kind.name.split(" ")[0], "gyldig")
        return f"{name}: «{value}» er ikke {what}"
    return None


def _value(message: str, phrase: str) -> str | None:
    """The rejected value at the start of one of Click's English messages."""
    found = re.match(rf"(.+?) {phrase}\b", message)
    if found is None:
        return None
    return found[1][1:-1] if found[1][:1] == found[1][-1:] == "'" else found[1]


def _name(param: Any) -> str:
    """An option's long name (`--weeks`), or an argument's metavar without its dots (`FIL`)."""
    if param.param_type_name == "argument":
        return str(param.human_readable_name).removesuffix("...")
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def _quoted(text: str) -> str:
    return f"«{text[1:-1]}»" if text[:1] == text[-1:] == "'" else f"«{text}»"


# Click's other English messages (files, bad type conversions in exotic places): phrase by phrase.
_CLICK_PHRASES = (
    ("Could not open file", "Kan ikke åpne filen"),
    ("Invalid value for", "Ugyldig verdi for"),
    ("Invalid value", "Ugyldig verdi"),
    ("is not a valid", "er ikke et gyldig"),
    ("does not exist", "finnes ikke"),
    ("Value error, ", ""),
)


def click_message(message: str) -> str:
    """Any other Click message, its known English phrases replaced."""
    for english, norwegian in _CLICK_PHRASES:
        message = message.replace(english, norwegian)
    return message
