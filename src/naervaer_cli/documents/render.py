"""Render the documents for a pupil or a ressursteam meeting as HTML, DOCX or Markdown.

The templates are HTML; DOCX and Markdown are made from the rendered HTML, so a
municipality's changed template shows up in every format.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from naervaer_cli.documents import charts
from naervaer_cli.documents.context import PupilContext, TeamContext
from naervaer_cli.documents.papers import MeetingPaper, css_string, page_name, running_header
from naervaer_cli.documents.referral import anonymise, build_referral
from naervaer_cli.documents.teampack import TeamCase, team_cases
from naervaer_cli.documents.tools import ALL_DOCUMENTS, FITS, TITLES, level_documents
from naervaer_cli.errors import UsageError
from naervaer_cli.privacy import write_private
from naervaer_cli.result import Setting
from naervaer_cli.templating import render

if TYPE_CHECKING:
    import jinja2

    from naervaer_cli.caselog.events import Event

# The documents, what fits each setting and each level's set: see documents/tools.py.
DOCUMENTS_BY_SETTING: dict[Setting, tuple[str, ...]] = FITS
DOCUMENTS: tuple[str, ...] = FITS["skole"]
DOCUMENT_TITLES: dict[str, str] = {**TITLES, "ressursteam": "Ressursteam"}
# The word for one child in file names and file titles, which never carry a name.
PERSON_WORD: dict[Setting, str] = {"skole": "elev", "barnehage": "barn"}
TEAM_TEMPLATE = "ressursteam.html.j2"
TEAM_REFERAT_TEMPLATE = "ressursteam-referat.html.j2"
# What the ressursteam gets for each case: the referral and the absence, no parent papers.
TEAM_CASE_DOCUMENTS: tuple[str, ...] = ("melding", "fravaersoversikt")
PAGE_TEMPLATE = "page.html.j2"


class Format(StrEnum):
    HTML = "html"
    DOCX = "docx"
    MD = "md"


def check_documents(names: Sequence[str], setting: Setting | None = None) -> tuple[str, ...]:
    """The requested documents in pack order; none requested means each pupil's level set.

    Without a setting (before the data is read) any known name passes; with one, a name that
    does not fit the setting is a usage error that says which documents do.
    """
    known = ALL_DOCUMENTS if setting is None else FITS[setting]
    unknown = [n for n in names if n not in known]
    if unknown:
        what = (
            f"Dokumentet «{unknown[0]}» hører ikke til i {setting}n"
            if unknown[0] in ALL_DOCUMENTS
            else f"Ukjent dokument «{unknown[0]}»"
        )
        raise UsageError(f"{what}. Velg blant: {', '.join(known)}.")
    return tuple(n for n in known if n in names)


def pack_documents(ctx: PupilContext, documents: Sequence[str] = ()) -> tuple[str, ...]:
    """The requested documents, or the tools the innsatsplan names for the pupil's level."""
    if documents:
        return check_documents(documents, ctx.setting)
    return level_documents(ctx.setting, ctx.plan.tools)


def chart_set(ctx: PupilContext) -> dict[str, object]:
    """The pupil's charts as safe markup for the templates."""
    from markupsafe import Markup

    return {
        "heatmap": Markup(charts.heatmap(ctx.weeks)),
        "weekdays": Markup(charts.bars(ctx.weekdays, "dates", "d", "Dager med fravær per ukedag")),
        "subjects": Markup(charts.bars(ctx.subjects, "lessons", "t", "Timer borte per fag")),
        "trend": Markup(charts.trend(ctx.trend, ctx.summary.share)),
    }


def page_values(running: str) -> dict[str, object]:
    """What the frame needs for the running header: its text, a CSS page name, the CSS string."""
    from markupsafe import Markup

    # css_string escapes everything but letters, digits and spaces: safe inside <style>.
    return {
        "running": running,
        "page": page_name(running),
        "running_css": Markup(css_string(running)),
    }


def default_paper(meeting: date) -> MeetingPaper:
    return MeetingPaper(letter_date=meeting, reply_by=None)


def pupil_sections(
    env: jinja2.Environment,
    ctx: PupilContext,
    documents: Sequence[str] = (),
    *,
    paper: MeetingPaper | None = None,
    events: Sequence[Event] = (),
    number: int = 1,
) -> list[str]:
    """Each requested document for one pupil (default: the level's set) as an HTML `<section>`.

    The referral is anonymised, running header included, unless the parents have consented.
    """
    from markupsafe import Markup

    paper = paper or default_paper(ctx.meeting)
    referral = build_referral(ctx, events, number)
    hidden = anonymise(ctx, referral)
    out: list[str] = []
    for name in pack_documents(ctx, documents):
        doc = hidden if name == "melding" else ctx
        running = running_header(doc.pupil.display_name, doc.meeting)
        out.append(
            Markup(
                render(
                    env,
                    f"{name}.html.j2",
                    doc=doc,
                    charts=chart_set(doc),
                    paper=paper,
                    ref=referral,
                    **page_values(running),
                )
            )
        )
    return out


def team_sections(
    env: jinja2.Environment,
    team: TeamContext,
    documents: Sequence[str] = (),
    *,
    paper: MeetingPaper | None = None,
    events: Mapping[str, Sequence[Event]] | None = None,
) -> list[str]:
    """The agenda with room for minutes, each case's referral and absence overview, and the
    team's referat. A case without the parents' consent is anonymous throughout."""
    from markupsafe import Markup

    paper = paper or default_paper(team.meeting)
    cases = team_cases(team, events or {})
    values = {"team": team, "cases": cases, "paper": paper}
    running = running_header("Ressursteam", team.meeting)
    parts: list[str] = [Markup(render(env, TEAM_TEMPLATE, **values, **page_values(running)))]
    wanted = [d for d in TEAM_CASE_DOCUMENTS if not documents or d in documents]
    for case in cases:
        parts.extend(case_sections(env, case, wanted, paper))
    parts.append(Markup(render(env, TEAM_REFERAT_TEMPLATE, **values, **page_values(running))))
    return parts


def case_sections(
    env: jinja2.Environment, case: TeamCase, documents: Sequence[str], paper: MeetingPaper
) -> list[str]:
    """One case's documents, all from its (anonymised unless consented) context."""
    from markupsafe import Markup

    running = running_header(
        f"Sak {case.number}: {case.doc.pupil.display_name}"
        if not case.ref.anonymous
        else case.ref.label,
        case.doc.meeting,
    )
    return [
        Markup(
            render(
                env,
                f"{name}.html.j2",
                doc=case.doc,
                charts=chart_set(case.doc),
                paper=paper,
                ref=case.ref,
                **page_values(running),
            )
        )
        for name in documents
    ]


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
    *,
    paper: MeetingPaper | None = None,
    events: Sequence[Event] = (),
) -> bytes:
    """One file's content with the requested documents (default: the level's) for one pupil."""
    # The title ends up in file metadata: the pupil number, never the name; an anonymous
    # referral on its own carries neither.
    title = f"Nærvær – {PERSON_WORD[ctx.setting]} {ctx.pupil.shown_number}"
    if pack_documents(ctx, documents) == ("melding",) and build_referral(ctx, events).anonymous:
        title = f"Melding til ressursteam {ctx.meeting.isoformat()}"
    sections = pupil_sections(env, ctx, documents, paper=paper, events=events)
    return convert(page(env, sections, title), fmt, title, ctx.talk_to_child)


def team_pack(
    env: jinja2.Environment,
    team: TeamContext,
    fmt: Format,
    documents: Sequence[str] = (),
    *,
    paper: MeetingPaper | None = None,
    events: Mapping[str, Sequence[Event]] | None = None,
) -> bytes:
    """One file's content: the ressursteam's agenda, each case's referral and absence
    overview, and the team's referat."""
    title = f"Ressursteam {team.meeting.isoformat()}"
    sections = team_sections(env, team, documents, paper=paper, events=events)
    return convert(page(env, sections, title), fmt, title, team.talk_to_child)


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
