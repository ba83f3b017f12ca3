"""The documents' Jinja environment: the shared template folders, HTML escaping, the filters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from naervaer_cli.templating import template_environment

if TYPE_CHECKING:
    import jinja2


def environment(override: Path | None = None) -> jinja2.Environment:
    """The document environment: every template is HTML, so everything is escaped (Markdown and
    DOCX are made from the rendered HTML)."""
    from naervaer_cli.documents import filters

    env = template_environment(override, autoescape=True)
    env.filters.update(filters.FILTERS)
    return env
