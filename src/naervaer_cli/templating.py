"""Template folders and the Jinja environment that documents and mails share.

A municipality's override folder comes first, then the shipped templates. A template in the
override folder replaces the shipped one of the same name; it can also
extend it through the `shipped/` prefix (`{% extends "shipped/samarbeidsavtale.html.j2" %}`).
`StrictUndefined` turns a typo into an error, and every Jinja error becomes one Norwegian
:class:`~naervaer_cli.errors.InputError` naming the template and the line.

Every template, shipped or overridden, runs in Jinja's immutable sandbox: an expression that
reaches for Python's internals (`cycler.__init__.__globals__`) or changes a value it was
given stops the render. An override comes only from the configured folder: a symlink
leading out of it, or a folder or template that group or others may change, is refused.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.portable import modes_apply

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
        return check_folder(path)
    home = config.home / "templates"
    return check_folder(home) if home.is_dir() else None


def check_folder(folder: Path) -> Path:
    """Refuse a template folder that group or others may change, as ssh refuses a loose
    config (config.check_private): a template decides what every document and mail says."""
    if (mode := _loose(folder)) is not None:
        raise ConfigError(
            f"Malmappen {folder} kan endres av andre (rettigheter {mode:04o}) og brukes ikke. "
            f"Kjør «chmod go-w {folder}» og prøv igjen."
        )
    return folder


def _loose(path: Path) -> int | None:
    """The mode of `path` when group or others may write it (POSIX only), else None."""
    if not modes_apply():
        return None
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    return mode if mode & (stat.S_IWGRP | stat.S_IWOTH) else None


def _override_loader(root: Path) -> jinja2.BaseLoader:
    """Templates from `root` only: a path that resolves outside it (a symlink out, `..`) is
    refused, and so is a template or subfolder others may change."""
    import jinja2
    from jinja2.loaders import split_template_path

    real_root = root.resolve()

    class OverrideLoader(jinja2.BaseLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            path = root.joinpath(*split_template_path(template))
            if not os.path.lexists(path):
                raise jinja2.TemplateNotFound(template)
            real = path.resolve()
            if not real.is_relative_to(real_root):
                raise InputError(
                    f"Malen {path} peker ut av malmappen {root} (en symbolsk lenke) og brukes "
                    "ikke. Legg selve filen i malmappen."
                )
            if not real.is_file():
                raise jinja2.TemplateNotFound(template)
            for part in (real, *real.parents):
                if part == real_root:
                    break
                if (mode := _loose(part)) is not None:
                    raise InputError(
                        f"Malen {part} kan endres av andre (rettigheter {mode:04o}) og brukes "
                        f"ikke. Kjør «chmod go-w {part}» og prøv igjen."
                    )
            source = real.read_text("utf-8")
            mtime = real.stat().st_mtime
            return source, str(path), lambda: real.stat().st_mtime == mtime

    return OverrideLoader()


def template_environment(
    override: Path | None, *, autoescape: bool | Callable[[str | None], bool]
) -> jinja2.Environment:
    """Templates from `override` first, then the shipped ones (also as `shipped/…`, so an
    override can extend the one it replaces); StrictUndefined; sandboxed. Documents and mails
    share it."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    shipped = jinja2.FileSystemLoader(str(shipped_dir()))
    loaders: list[jinja2.BaseLoader] = [
        jinja2.PrefixLoader({SHIPPED_PREFIX: shipped}, delimiter="/"),
    ]
    if override is not None:
        loaders.append(_override_loader(override))
    loaders.append(shipped)
    return ImmutableSandboxedEnvironment(
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
    except jinja2.exceptions.SecurityError as exc:
        file, line = _template_frame(sys.exc_info()[2])
        found = re.search(r"attribute '([^']+)'", exc.message or "")
        what = f"«{found[1]}»" if found else "uttrykket"
        raise InputError(
            f"Malen {_where(file or name, line)}: {what} er ikke tillatt i maler (malene kjører "
            "i en sandkasse som stenger Pythons indre og endringer av verdier). Fjern det."
        ) from None
    except OverflowError:  # the sandbox's range() limit
        file, line = _template_frame(sys.exc_info()[2])
        raise InputError(
            f"Malen {_where(file or name, line)}: et tall eller en range() er for stor."
        ) from None
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
