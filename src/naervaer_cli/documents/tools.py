"""The guide's VERKTØY as documents: which template a tool in the innsatsplan is, and each
setting's and level's set of documents.

The innsatsplan in the policy names the tools in the guide's words («Samtale foreldre»,
«Melde sak til ressursteam på skolen»); a municipality may word them its own way, so a tool is
matched to its template by a pattern, and a tool with no template (a local action plan, «IST
dokumentflyt») is left to the school.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from naervaer_cli.result import Setting

# Every pupil document, in the order a pack holds them: the meeting papers, the conversation
# guides and tools, then the mapping and the absence overview.
ALL_DOCUMENTS: tuple[str, ...] = (
    "innkalling",
    "referat",
    "elevsamtale",
    "bli-kjent-samtale",
    "foreldresamtale",
    "trivselssamtale",
    "samarbeidsavtale",
    "tiltaksplan",
    "skaleringsmodell",
    "melding",
    "kartlegging",
    "fravaersoversikt",
)

# What every pack for a meeting holds, whatever the level.
MEETING_PAPERS: tuple[str, ...] = ("innkalling", "referat")
ATTACHMENTS: tuple[str, ...] = ("kartlegging", "fravaersoversikt")

# The documents that fit a setting. The barnehage's tools (innsatsplan BARNEHAGE, NIVÅ 1) have
# no school wording, and the school's conversation guides and scaling model talk to a pupil.
FITS: dict[Setting, tuple[str, ...]] = {
    "skole": (
        "innkalling",
        "referat",
        "elevsamtale",
        "bli-kjent-samtale",
        "foreldresamtale",
        "samarbeidsavtale",
        "skaleringsmodell",
        "melding",
        "kartlegging",
        "fravaersoversikt",
    ),
    "barnehage": (
        "innkalling",
        "referat",
        "trivselssamtale",
        "samarbeidsavtale",
        "tiltaksplan",
        "melding",
        "kartlegging",
        "fravaersoversikt",
    ),
}

# A tool's words in the innsatsplan → its document. Matched on the lower-cased text with
# hyphens as spaces; the first pattern that matches wins.
TOOL_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\belevsamtale", "elevsamtale"),
    (r"\bbli kjent", "bli-kjent-samtale"),
    (r"\bsamtale (med )?foreldre|\bforeldresamtale|\bsamtale (med )?foresatte", "foreldresamtale"),
    (r"\btrivsels", "trivselssamtale"),
    (r"\bsamarbeidsavtale", "samarbeidsavtale"),
    (r"\btiltaksplan ved uro", "tiltaksplan"),
    (r"\bskalering", "skaleringsmodell"),
    (r"\bressursteam", "melding"),
)

TITLES: dict[str, str] = {
    "innkalling": "Møteinnkalling",
    "referat": "Møtereferat",
    "elevsamtale": "Elevsamtale",
    "bli-kjent-samtale": "Bli kjent-samtale",
    "foreldresamtale": "Samtale med foreldre",
    "trivselssamtale": "Trivsels- og utviklingssamtale",
    "samarbeidsavtale": "Samarbeidsavtale",
    "tiltaksplan": "Tiltaksplan ved uro",
    "skaleringsmodell": "Skaleringsmodell",
    "melding": "Melding til ressursteam",
    "kartlegging": "Kartlegging",
    "fravaersoversikt": "Fraværsoversikt",
}


def tool_document(tool: str) -> str | None:
    """The document for a tool named in the innsatsplan, or None when there is no template."""
    text = " ".join(tool.lower().replace("-", " ").split())
    for pattern, document in TOOL_PATTERNS:
        if re.search(pattern, text):
            return document
    return None


def level_documents(setting: Setting, tools: Sequence[str]) -> tuple[str, ...]:
    """A level's pack: the meeting papers, the tools the innsatsplan names, the attachments.

    In pack order; a tool that has no template or does not fit the setting is left out.
    """
    named = {tool_document(t) for t in tools} - {None}
    chosen = {*MEETING_PAPERS, *named, *ATTACHMENTS}
    return tuple(d for d in ALL_DOCUMENTS if d in chosen and d in FITS[setting])
