"""The mail templates' Jinja environment: same override rule as the documents, per-part escaping.

The documents' loader escapes everything (all its templates are HTML); a mail also has a
plain-text part, where `&` must stay `&`. So this builds its own environment on the documents'
folders: `documents.templates` or `$NAERVAER_HOME/templates/` first, then the shipped ones,
and `shipped/…` to extend a shipped template. HTML (`*.html.j2`) is autoescaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from naervaer_cli.config import Config

if TYPE_CHECKING:
    import jinja2

CONTACT = "kontaktlaerer"
SUMMARY = "ledelse"
TEMPLATE_NAMES = tuple(
    f"mail/{name}.{ext}.j2" for name in (CONTACT, SUMMARY) for ext in ("txt", "html")
)


def _autoescape(name: str | None) -> bool:
    # Escape anything that is not explicitly plain text: an unknown template stays safe.
    return not (name or "").endswith((".txt.j2", ".txt"))


def mail_environment(config: Config) -> jinja2.Environment:
    import jinja2

    from naervaer_cli.documents.loader import SHIPPED_PREFIX, override_dir, shipped_dir

    shipped = jinja2.FileSystemLoader(str(shipped_dir()))
    loaders: list[jinja2.BaseLoader] = [
        jinja2.PrefixLoader({SHIPPED_PREFIX: shipped}, delimiter="/")
    ]
    override = override_dir(config)
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(shipped)
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
