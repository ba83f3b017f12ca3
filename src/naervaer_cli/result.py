"""Values that cross module borders: flags, case summaries and the scan result.

These are the shapes the rules and levels produce, the case log hands to the level
suggestion, and every output format (table, JSON §10, CSV, XLSX, Markdown, mail, documents)
renders. Frozen dataclasses only; no I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Severity = Literal["concern", "watch"]
Setting = Literal["skole", "barnehage"]


@dataclass(frozen=True)
class Flag:
    """One rule that fired for one pupil, with the evidence that made it fire."""

    rule: str  # rule id, e.g. "absence_days"
    severity: Severity
    count: int
    threshold: int  # the threshold of `severity` that was reached
    dates: tuple[date, ...]  # the dates that counted, sorted
    subject: str | None = None  # subject_absence: the watched subject's display name
    lessons: tuple[str, ...] = ()  # human-readable lesson evidence, e.g. "27.10 09:15–10:00 Matte"
    signal: bool = False  # an extra watch signal, not one of the guide's rules


@dataclass(frozen=True)
class CaseSummary:
    """What the level suggestion needs to know about a pupil's open case (from the case log)."""

    pupil_id: str
    level: int
    opened: date
    evaluation_due: date | None = None  # next evaluation date of the latest measure
    next_meeting: date | None = None
    last_evaluation_improved: bool | None = None  # None: not evaluated since the last measure
    state: str = ""  # short bokmål text, e.g. "Åpen, NIVÅ 1"
    measure_date: date | None = None  # latest measure decided; "Har nærværet økt?" since
    # "Har nærværet økt?" answered from the data by the scan when an evaluation is due and
    # none is recorded: presence (0–1) in the school days since the measure and as many before.
    presence_before: float | None = None
    presence_after: float | None = None

    @property
    def improved(self) -> bool | None:
        """The recorded evaluation's answer, else the data's, else None (not known yet)."""
        if self.last_evaluation_improved is not None:
            return self.last_evaluation_improved
        if self.presence_before is None or self.presence_after is None:
            return None
        return self.presence_after > self.presence_before


@dataclass(frozen=True)
class Suggestion:
    """The suggested level for a pupil and what the innsatsplan says to do there."""

    level: int
    responsible: tuple[str, ...]
    next_step: str
    tools: tuple[str, ...]
    due: str = ""  # what is due in the case log, bokmål, or ""


@dataclass(frozen=True)
class PupilResult:
    pupil_id: str
    name: str
    group: str
    contact: str | None
    status: Severity
    flags: tuple[Flag, ...]
    suggestion: Suggestion
    case: CaseSummary | None = None


@dataclass(frozen=True)
class ScanResult:
    as_of: date
    window_days: int
    policy: str
    setting: Setting
    pupils: tuple[PupilResult, ...]  # sorted by group, then name
    pupils_scanned: int = 0
    talk_to_child: str = "Snakk med barnet/eleven under hele prosessen."
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Rule id → the policy's label (Policy.labels), for every output that names a rule.
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
