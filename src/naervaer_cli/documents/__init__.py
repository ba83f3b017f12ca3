"""Meeting packs: contexts, the Jinja environment and the HTML, DOCX and Markdown writers."""

from naervaer_cli.documents.context import (
    PupilContext,
    TeamContext,
    build_pupil_context,
    build_team_context,
)
from naervaer_cli.documents.render import (
    DOCUMENTS,
    DOCUMENTS_BY_SETTING,
    Format,
    pupil_pack,
    team_pack,
)

__all__ = [
    "DOCUMENTS",
    "DOCUMENTS_BY_SETTING",
    "Format",
    "PupilContext",
    "TeamContext",
    "build_pupil_context",
    "build_team_context",
    "pupil_pack",
    "team_pack",
]
