"""Values of the case log: cases, their events, and open cases with what is due.

The event types, their bokmål labels and what each keeps in `Event.data` are listed in
:mod:`naervaer_cli.caselog.store`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from naervaer_cli.result import Setting

# Event has a field named `date`; its methods name the type by this alias.
Day = date


class EventType(StrEnum):
    CONCERN_REGISTERED = "concern_registered"
    CONCERN_DISMISSED = "concern_dismissed"
    LEVEL_CHANGED = "level_changed"
    MEASURE_DECIDED = "measure_decided"
    EVALUATION = "evaluation"
    MEETING = "meeting"
    NOTE = "note"
    CLOSED = "closed"
    CERTIFICATE_LEAVE_OFF = "certificate_leave_off"
    DELETED = "deleted"
    CONSENT = "consent"


# Bokmål labels for timelines, tables and documents.
EVENT_LABELS: dict[EventType, str] = {
    EventType.CONCERN_REGISTERED: "Uro registrert",
    EventType.CONCERN_DISMISSED: "Uro avkreftet",
    EventType.LEVEL_CHANGED: "Nivå endret",
    EventType.MEASURE_DECIDED: "Tiltak besluttet",
    EventType.EVALUATION: "Evaluering",
    EventType.MEETING: "Møte holdt",
    EventType.NOTE: "Notat",
    EventType.CLOSED: "Sak avsluttet",
    EventType.CERTIFICATE_LEAVE_OFF: "Krav: fravær føres ikke på vitnemålet",
    EventType.DELETED: "Sak slettet (åpnet ved en feil)",
    EventType.CONSENT: "Samtykke fra foresatte",
}

# Keys in `Event.data` that hold dates; stored as ISO text, handed out as `date`.
DATE_KEYS: frozenset[str] = frozenset(
    {
        "evaluation_date",
        "next_meeting",
        "measure_date",
        "before_first",
        "before_last",
        "after_first",
        "after_last",
    }
)


def split_roles(text: str) -> tuple[str, ...]:
    """«Foresatte, kontaktlærer og rektor» → ("Foresatte", "kontaktlærer", "rektor")."""
    parts = re.split(r",|/|\s+og\s+|\s*&\s*", text)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


@dataclass(frozen=True)
class Event:
    """One entry in a case's history. `data` holds the type's details (see the store's docs)."""

    id: int
    case_id: int
    pupil_id: str
    date: date
    type: EventType
    text: str
    by: str
    data: dict[str, Any] = field(default_factory=dict, hash=False)
    recorded_at: str = ""
    school: str = ""  # the case's school and setting, which every event carries too
    setting: str = ""

    @property
    def label(self) -> str:
        return EVENT_LABELS[self.type]

    # Typed reads of `data`, each by the one key the store writes (see the store's docs).

    @property
    def responsible(self) -> str:
        """A measure's responsible role (`case measure … -r Foresatte`); "" for other types."""
        return str(self.data.get("responsible") or "")

    @property
    def evaluation_date(self) -> Day | None:
        """A measure's evaluation date; None for other types."""
        value = self.data.get("evaluation_date")
        return value if isinstance(value, date) else None

    @property
    def roles(self) -> tuple[str, ...]:
        """The measure's responsible roles: «Foresatte og kontaktlærer» → both, as typed."""
        return split_roles(self.responsible)

    @property
    def improved(self) -> bool | None:
        """An evaluation's answer to «Har nærværet økt?»; None for other types."""
        value = self.data.get("improved")
        return value if isinstance(value, bool) else None

    def rate(self, key: str) -> float | None:
        """An evaluation's presence rate (`presence_before`, `presence_after`), 0–1, if any."""
        value = self.data.get(key)
        return float(value) if isinstance(value, int | float) else None

    @property
    def consent(self) -> bool | None:
        """The parents' answer to a referral to the ressursteam; None for other types."""
        value = self.data.get("consent")
        return value if isinstance(value, bool) else None

    @property
    def next_meeting(self) -> Day | None:
        """A meeting's next meeting date, if it named one."""
        value = self.data.get("next_meeting")
        return value if isinstance(value, date) else None


@dataclass(frozen=True)
class Case:
    """A pupil's case: opened at a level, closed or not."""

    id: int
    pupil_id: str
    setting: Setting
    level: int
    opened: date
    opened_by: str
    closed: date | None = None
    school: str = ""  # decides, on PostgreSQL, which roles see the case

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class OpenCase:
    """An open case as `case list` shows it: what is next and whether it is due."""

    case: Case
    measure_date: date | None  # the latest measure decided, if any
    evaluation_due: date | None  # the latest measure's evaluation date, if not yet evaluated
    next_meeting: date | None  # from the latest meeting, if it named one
    overdue: bool  # something above lies before the reference date
    due_this_week: bool  # something above falls in the reference date's week
    due: str = ""  # bokmål, e.g. "Evaluering forfalt 24.11.2026"


# Why a pupil requires absence left off the vitnemål: health from the fourth day of a run,
# chronic illness or disability from the first day, or granted permisjon.
LEAVE_OFF_REASONS: tuple[str, ...] = ("helse", "kronisk", "permisjon")


@dataclass(frozen=True)
class LeaveOff:
    """A pupil's requirement that absence from `first` to `last` is not on the vitnemål.

    It belongs to the pupil, not to a case: a pupil who is ill for a week has no concern case.
    """

    id: int
    pupil_id: str
    first: date
    last: date
    reason: str  # one of LEAVE_OFF_REASONS
    date: date  # when the requirement was made
    by: str
    text: str = ""
    recorded_at: str = ""
    school: str = ""  # decides, on PostgreSQL, which roles see the requirement

    @property
    def label(self) -> str:
        return EVENT_LABELS[EventType.CERTIFICATE_LEAVE_OFF]


# Bokmål for what a read in the access log was.
ACCESS_LABELS: dict[str, str] = {
    "timeline": "viste saken",
    "status": "leste status",
    "export": "eksporterte",
}


@dataclass(frozen=True)
class Access:
    """One read of a pupil's case: when, which database role, who (`by`), and what."""

    at: str  # ISO 8601, UTC
    role: str
    by: str
    pupil_id: str
    school: str
    setting: str
    action: str  # a key of ACCESS_LABELS

    @property
    def label(self) -> str:
        return ACCESS_LABELS.get(self.action, self.action)
