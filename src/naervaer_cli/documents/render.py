"""Render the documents for a pupil or a ressursteam meeting as HTML, DOCX or Markdown.

The templates are HTML; DOCX and Markdown are made from the rendered HTML, so a
municipality's changed template shows up in every format.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from naervaer_cli.documents import charts
from naervaer_cli.documents.context import PupilContext, TeamContext
from naervaer_cli.documents.loader import render
from naervaer_cli.errors import UsageError
from naervaer_cli.privacy import write_private

if TYPE_CHECKING:
    import jinja2

# The pupil documents in the order a pack holds them.
DOCUMENTS: tuple[str, ...] = (
    "innkalling", "referat", "samarbeidsavtale", "kartlegging", "fravaersoversikt",
)
DOCUMENT_TITLES: dict[str, str] = {
    "innkalling": "Møteinnkalling",
    "referat": "Møtereferat",
    "samarbeidsavtale": "Samarbeidsavtale",
    "kartlegging": "Kartlegging",
    "fravaersoversikt": "Fraværsoversikt",
    "ressursteam": "Ressursteam",
}
TEAM_TEMPLATE = "ressursteam.html.j2"
PAGE_TEMPLATE = "page.html.j2"


class Format(StrEnum):
    HTML = "html"
    DOCX = "docx"
    MD = "md"


def check_documents(names: Sequence[str]) -> tuple[str, ...]:
    """The requested documents in pack order; an unknown name is a usage error."""
    unknown = [n for n in names if n not in DOCUMENTS]
    if unknown:
        raise UsageError(
            f"Ukjent dokument «{unknown[0]}». Velg blant: {', '.join(DOCUMENTS)}."
        )
    return tuple(n for n in DOCUMENTS if n in names) if names else DOCUMENTS


def chart_set(ctx: PupilContext) -> dict[str, object]:
    """The pupil's charts as safe markup for the templates."""
    from markupsafe import Markup

    return {
        "heatmap": Markup(charts.heatmap(ctx.weeks)),
        "weekdays": Markup(charts.bars(ctx.weekdays, "dates", "d", "Dager med fravær per ukedag")),
        "subjects": Markup(charts.bars(ctx.subjects, "lessons", "t", "Timer borte per fag")),
        "trend": Markup(charts.trend(ctx.trend, ctx.summary.share)),
    }


def pupil_sections(
    env: jinja2.Environment, ctx: PupilContext, documents: Sequence[str] = DOCUMENTS
) -> list[str]:
    """Each requested document for one pupil, rendered to an HTML `<section>`."""
    from markupsafe import Markup

    figures = chart_set(ctx)
    return [
        Markup(render(env, f"{name}.html.j2", doc=ctx, charts=figures))
        for name in check_documents(documents)
    ]


def team_sections(
    env: jinja2.Environment, team: TeamContext, documents: Sequence[str] = DOCUMENTS
) -> list[str]:
    """The agenda page, then every pupil's documents in agenda order."""
    from markupsafe import Markup

    parts: list[str] = [Markup(render(env, TEAM_TEMPLATE, team=team))]
    for ctx in team.pupils:
        parts.extend(pupil_sections(env, ctx, documents))
    return parts


def page(env: jinja2.Environment, sections: Sequence[str], title: str) -> str:
    """The sections wrapped in one print-ready HTML page."""
    return render(env, PAGE_TEMPLATE, sections=list(sections), title=title)


def convert(html: str, fmt: Format, title: str) -> bytes:
    """A rendered page in the requested format, as bytes to write."""
    match fmt:
        case Format.HTML:
            return html.encode("utf-8")
        case Format.DOCX:
            from naervaer_cli.documents.docx import to_docx

            return to_docx(html, title=title)
        case Format.MD:
            from naervaer_cli.documents.markdown import to_markdown

            return to_markdown(html).encode("utf-8")


def pupil_pack(
    env: jinja2.Environment,
    ctx: PupilContext,
    fmt: Format,
    documents: Sequence[str] = DOCUMENTS,
) -> bytes:
    """One file's content with the requested documents for one pupil."""
    # The title ends up in file metadata: the pupil number, never the name.
    title = f"Nærvær – elev {ctx.pupil.pupil_id}"
    return convert(page(env, pupil_sections(env, ctx, documents), title), fmt, title)


def team_pack(
    env: jinja2.Environment,
    team: TeamContext,
    fmt: Format,
    documents: Sequence[str] = DOCUMENTS,
) -> bytes:
    """One file's content: the ressursteam agenda and every pupil's documents."""
    title = f"Ressursteam {team.meeting.isoformat()}"
    return convert(page(env, team_sections(env, team, documents), title), fmt, title)


def safe_id(pupil_id: str) -> str:
    """A file-name-safe form of a pupil id; a short hash keeps changed ids apart."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", pupil_id)[:40] or "elev"
    if cleaned != pupil_id:
        cleaned += "-" + hashlib.sha256(pupil_id.encode("utf-8")).hexdigest()[:6]
    return cleaned


def pupil_file(pupil_id: str, fmt: Format) -> str:
    """`elev-10234.docx`: from the pupil id, never from the name."""
    return f"elev-{safe_id(pupil_id)}.{fmt.value}"


def team_file(meeting_iso: str, fmt: Format) -> str:
    return f"ressursteam-{meeting_iso}.{fmt.value}"


def write(out_dir: Path, name: str, data: bytes) -> Path:
    """Write a pack file with mode 0600 (it holds personal data)."""
    return write_private(out_dir / name, data)
