"""The mail templates' Jinja environment: same override rule as the documents, per-part escaping.

The documents' environment escapes everything (all their templates are HTML); a mail also has
a plain-text part, where `&` must stay `&`. So it has its own environment (templating.py) over
the same folders (`documents.templates` or `$NAERVAER_HOME/templates/` first, then the shipped ones,
`shipped/…` to extend one); only HTML (`*.html.j2`) is autoescaped.
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
    from naervaer_cli.templating import override_dir, template_environment

    return template_environment(override_dir(config), autoescape=_autoescape)
