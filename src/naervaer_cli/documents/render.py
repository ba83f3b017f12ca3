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
from naervaer_cli.errors import UsageError
from naervaer_cli.privacy import write_private
from naervaer_cli.result import Setting
from naervaer_cli.templating import render

if TYPE_CHECKING:
    import jinja2

# Every pupil document, in the order a pack holds them.
ALL_DOCUMENTS: tuple[str, ...] = (
    "innkalling",
    "referat",
    "samarbeidsavtale",
    "trivselssamtale",
    "tiltaksplan",
    "kartlegging",
    "fravaersoversikt",
)
# A setting's pack. The samarbeidsavtale is the school's tool (innsatsplan SKOLE, NIVÅ 1); the
# barnehage's NIVÅ 1 names the trivsels- og utviklingssamtale and the tiltaksplan ved uro.
DOCUMENTS_BY_SETTING: dict[Setting, tuple[str, ...]] = {
    "skole": ("innkalling", "referat", "samarbeidsavtale", "kartlegging", "fravaersoversikt"),
    "barnehage": (
        "innkalling",
        "referat",
        "trivselssamtale",
        "tiltaksplan",
        "kartlegging",
        "fravaersoversikt",
    ),
}
# Documents a setting gets only when asked for by name: the samarbeidsavtale has barnehage
# wording, for a barnehage that wants one. The barnehage tools have no school wording.
ON_REQUEST: dict[Setting, tuple[str, ...]] = {"skole": (), "barnehage": ("samarbeidsavtale",)}
DOCUMENTS: tuple[str, ...] = DOCUMENTS_BY_SETTING["skole"]
DOCUMENT_TITLES: dict[str, str] = {
    "innkalling": "Møteinnkalling",
    "referat": "Møtereferat",
    "samarbeidsavtale": "Samarbeidsavtale",
    "trivselssamtale": "Trivsels- og utviklingssamtale",
    "tiltaksplan": "Tiltaksplan ved uro",
    "kartlegging": "Kartlegging",
    "fravaersoversikt": "Fraværsoversikt",
    "ressursteam": "Ressursteam",
}
# The word for one child in file names and file titles, which never carry a name.
PERSON_WORD: dict[Setting, str] = {"skole": "elev", "barnehage": "barn"}
TEAM_TEMPLATE = "ressursteam.html.j2"
PAGE_TEMPLATE = "page.html.j2"


class Format(StrEnum):
    HTML = "html"
    DOCX = "docx"
    MD = "md"


def check_documents(names: Sequence[str], setting: Setting | None = None) -> tuple[str, ...]:
    """The requested documents in pack order; none requested means the setting's pack.

    Without a setting (before the data is read) any known name passes; with one, a name that
    does not fit the setting is a usage error that says which documents do.
    """
    if setting is None:
        known = ALL_DOCUMENTS
    else:
        fits = {*DOCUMENTS_BY_SETTING[setting], *ON_REQUEST[setting]}
        known = tuple(n for n in ALL_DOCUMENTS if n in fits)
    unknown = [n for n in names if n not in known]
    if unknown:
        what = (
            f"Dokumentet «{unknown[0]}» hører ikke til i {setting}n"
            if unknown[0] in ALL_DOCUMENTS
            else f"Ukjent dokument «{unknown[0]}»"
        )
        raise UsageError(f"{what}. Velg blant: {', '.join(known)}.")
    if not names:
        return DOCUMENTS_BY_SETTING[setting or "skole"]
    return tuple(n for n in known if n in names)


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
    env: jinja2.Environment, ctx: PupilContext, documents: Sequence[str] = ()
) -> list[str]:
    """Each requested document for one pupil (default: the setting's set) as an HTML `<section>`."""
    from markupsafe import Markup

    figures = chart_set(ctx)
    return [
        Markup(render(env, f"{name}.html.j2", doc=ctx, charts=figures))
        for name in check_documents(documents, ctx.setting)
    ]


def team_sections(
    env: jinja2.Environment, team: TeamContext, documents: Sequence[str] = ()
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


def convert(html: str, fmt: Format, title: str, footer: str = "") -> bytes:
    """A rendered page in the requested format, as bytes to write.

    `footer` is the NB line Word repeats at the foot of every page (default: the guide's).
    """
    match fmt:
        case Format.HTML:
            return html.encode("utf-8")
        case Format.DOCX:
            from naervaer_cli.documents.docx import to_docx

            return (
                to_docx(html, title=title, footer=f"NB – {footer}")
                if footer
                else to_docx(html, title=title)
            )
        case Format.MD:
            from naervaer_cli.documents.markdown import to_markdown

            return to_markdown(html).encode("utf-8")


def pupil_pack(
    env: jinja2.Environment,
    ctx: PupilContext,
    fmt: Format,
    documents: Sequence[str] = (),
) -> bytes:
    """One file's content with the requested documents (default: the setting's) for one pupil."""
    # The title ends up in file metadata: the pupil number, never the name.
    title = f"Nærvær – {PERSON_WORD[ctx.setting]} {ctx.pupil.pupil_id}"
    return convert(
        page(env, pupil_sections(env, ctx, documents), title), fmt, title, ctx.talk_to_child
    )


def team_pack(
    env: jinja2.Environment,
    team: TeamContext,
    fmt: Format,
    documents: Sequence[str] = (),
) -> bytes:
    """One file's content: the ressursteam agenda and every pupil's documents."""
    title = f"Ressursteam {team.meeting.isoformat()}"
    return convert(
        page(env, team_sections(env, team, documents), title), fmt, title, team.talk_to_child
    )


def safe_id(pupil_id: str) -> str:
    """A file-name-safe form of a pupil id; a short hash keeps changed ids apart."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", pupil_id)[:40] or "elev"
    if cleaned != pupil_id:
        cleaned += "-" + hashlib.sha256(pupil_id.encode("utf-8")).hexdigest()[:6]
    return cleaned


def pupil_file(pupil_id: str, fmt: Format, setting: Setting = "skole") -> str:
    """`elev-10234.docx` (`barn-….docx` in a barnehage): from the id, never from the name."""
    return f"{PERSON_WORD[setting]}-{safe_id(pupil_id)}.{fmt.value}"


def team_file(meeting_iso: str, fmt: Format) -> str:
    return f"ressursteam-{meeting_iso}.{fmt.value}"


def write(out_dir: Path, name: str, data: bytes) -> Path:
    """Write a pack file with mode 0600 (it holds personal data)."""
    return write_private(out_dir / name, data)
