"""Template folders and the Jinja environment that documents and mails share.

A municipality's override folder comes first, then the shipped templates. A template in the
override folder replaces the shipped one of the same name; it can also
extend it through the `shipped/` prefix (`{% extends "shipped/samarbeidsavtale.html.j2" %}`).
`StrictUndefined` turns a typo into an error, and every Jinja error becomes one Norwegian
:class:`~naervaer_cli.errors.InputError` naming the template and the line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from naervaer_cli.errors import ConfigError, InputError

if TYPE_CHECKING:
    import jinja2

    from naervaer_cli.config import Config

SHIPPED_PREFIX = "shipped"
T = TypeVar("T")


def shipped_dir() -> Path:
    """The shipped templates: inside the installed package, else the repository's templates/."""
    packaged = resources.files("naervaer_cli") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    # Editable install: src/naervaer_cli/templating.py → repo root.
    return Path(__file__).resolve().parents[2] / "templates"


def override_dir(config: Config) -> Path | None:
    """`documents.templates` from the config (relative to the config file), else
    `$NAERVAER_HOME/templates/` when it exists, else None."""
    configured = config.get("documents.templates")
    if configured:
        path = Path(str(configured)).expanduser()
        if not path.is_absolute() and config.path is not None:
            path = config.path.parent / path
        if not path.is_dir():
            raise ConfigError(
                f"{config.where()}: malmappen «{configured}» (documents.templates) finnes ikke."
            )
        return path
    home = config.home / "templates"
    return home if home.is_dir() else None


def template_environment(
    override: Path | None, *, autoescape: bool | Callable[[str | None], bool]
) -> jinja2.Environment:
    """Templates from `override` first, then the shipped ones (also as `shipped/…`, so an
    override can extend the one it replaces); StrictUndefined. Documents and mails share it."""
    import jinja2

    shipped = jinja2.FileSystemLoader(str(shipped_dir()))
    loaders: list[jinja2.BaseLoader] = [
        jinja2.PrefixLoader({SHIPPED_PREFIX: shipped}, delimiter="/"),
    ]
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(shipped)
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render template `name`, turning any Jinja failure into an InputError."""
    return guarded(name, lambda: env.get_template(name).render(**context))


def guarded(name: str, call: Callable[[], T]) -> T:
    """Run `call`; a Jinja error becomes one Norwegian line with the template and the line."""
    import jinja2

    try:
        return call()
    except jinja2.TemplateSyntaxError as exc:
        where = _where(exc.filename or exc.name or name, exc.lineno)
        raise InputError(f"Malen {where}: syntaksfeil: {exc.message}.") from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(
            f"Fant ikke malen «{exc.name}» (brukt fra {name}). Sjekk navnet, eller kopier den "
            "fra de innebygde malene."
        ) from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(sys.exc_info()[2])
        where = _where(file or name, line)
        raise InputError(
            f"Malen {where}: ukjent verdi ({exc.message}). Sjekk stavemåten mot "
            "feltene som er beskrevet i templates/README.md."
        ) from None
    except jinja2.TemplateError as exc:
        file, line = _template_frame(sys.exc_info()[2])
        raise InputError(f"Malen {_where(file or name, line)}: {exc}.") from None


def _where(file: str, line: int | None) -> str:
    return f"{file}, linje {line}" if line else file


def _template_frame(tb: Any) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template (Jinja rewrites them so)."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or tb.tb_frame.f_globals.get("__jinja_template__"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
