"""Values that cross module borders: flags, case summaries and the scan result, and their JSON.

These are the shapes the rules and levels produce, the case log hands to the level
suggestion, and every output format (table, JSON §10, CSV, XLSX, Markdown, mail, documents)
renders. Frozen dataclasses and their §10 JSON form (`to_json`) only; no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload

if TYPE_CHECKING:
    import polars as pl

from naervaer_cli.gcpause import gc_paused

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


class FlagSource(Protocol):
    """Where a scan keeps its flags (rules/flags.py FlagTable): one sorted flag frame."""

    frame: pl.DataFrame

    def flags_of(self, pupil_id: str) -> tuple[Flag, ...]: ...


class Flags(Sequence[Flag]):
    """A pupil's flags as the scan found them, built from its flag frame when first read.

    Behaves as the tuple of Flag values it stands for (equal to it, too); renderers that
    work from the frame (JSON, CSV, XLSX) never build it.
    """

    __slots__ = ("pupil_id", "source")

    def __init__(self, source: FlagSource, pupil_id: str) -> None:
        self.source = source
        self.pupil_id = pupil_id

    def values(self) -> tuple[Flag, ...]:
        return self.source.flags_of(self.pupil_id)

    @overload
    def __getitem__(self, index: int) -> Flag: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Flag, ...]: ...
    def __getitem__(self, index: int | slice) -> Flag | tuple[Flag, ...]:
        return self.values()[index]

    def __len__(self) -> int:
        return len(self.values())

    def __iter__(self) -> Iterator[Flag]:
        return iter(self.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Flags):
            other = other.values()
        return isinstance(other, tuple) and self.values() == other

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        return repr(self.values())


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
    flags: Sequence[Flag]  # a tuple, or the scan's Flags (the same values, built when read)
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
    # The notes that say the result is not complete (coverage.py: the data start late, or
    # miss a school week): written even where -q leaves the other notes out.
    incomplete: tuple[str, ...] = ()
    # Rule id → the policy's label (Policy.labels), for every output that names a rule.
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Open cases with something overdue whose pupil is not in the scanned files: listed apart
    # («ikke i eksporten») by number, never as nameless rows among the flagged.
    not_in_export: tuple[CaseSummary, ...] = ()
    # Rule id → the guide's limit (the policy's concern threshold), for «grense 7».
    limits: Mapping[str, int] = field(default_factory=dict, hash=False)
    # The scan's flags as one frame, for the renderers that work in columns (JSON, CSV,
    # XLSX: output/evidence.py); pupils whose `flags` are this source's Flags are read there.
    flag_source: FlagSource | None = field(default=None, compare=False, hash=False, repr=False)


# ------------------------------------------------------------------------------- §10 JSON


@lru_cache(maxsize=4096)
def _day_iso(value: date) -> str:
    # A scan repeats the same few dozen dates in every flag; format each once.
    return value.isoformat()


def _iso(value: date | None) -> str | None:
    return _day_iso(value) if value else None


def flag_to_json(flag: Flag) -> dict[str, Any]:
    # Two literals rather than one dict filled step by step: this runs for every flag.
    if flag.subject is None:
        return {
            "rule": flag.rule,
            "severity": flag.severity,
            "count": flag.count,
            "threshold": flag.threshold,
            "dates": list(map(_day_iso, flag.dates)),
            "lessons": list(flag.lessons),
            "signal": flag.signal,
        }
    return {
        "rule": flag.rule,
        "subject": flag.subject,
        "severity": flag.severity,
        "count": flag.count,
        "threshold": flag.threshold,
        "dates": list(map(_day_iso, flag.dates)),
        "lessons": list(flag.lessons),
        "signal": flag.signal,
    }


def case_to_json(case: CaseSummary) -> dict[str, Any]:
    return {
        "level": case.level,
        "opened": case.opened.isoformat(),
        "evaluation_due": _iso(case.evaluation_due),
        "next_meeting": _iso(case.next_meeting),
        "last_evaluation_improved": case.last_evaluation_improved,
        "presence_before": case.presence_before,
        "presence_after": case.presence_after,
        "state": case.state,
    }


def pupil_to_json(pupil: PupilResult, flags: Any = None) -> dict[str, Any]:
    """The pupil's §10 object; `flags`, when given, is its "flags" value already rendered
    (output/json_out.py writes it from the flag frame)."""
    s = pupil.suggestion
    out: dict[str, Any] = {
        "pupil_id": pupil.pupil_id,
        "name": pupil.name,
        "group": pupil.group,
        "contact": pupil.contact,
        "status": pupil.status,
        "level": s.level,
        "responsible": list(s.responsible),
        "next_step": s.next_step,
        "tools": list(s.tools),
        "due": s.due,
        "flags": list(map(flag_to_json, pupil.flags)) if flags is None else flags,
    }
    if pupil.case is not None:
        out["case"] = case_to_json(pupil.case)
    return out


@gc_paused()
def to_json(result: ScanResult, flags: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The scan as the §10 JSON contract (a dict ready for json.dumps).

    `flags` maps a pupil to its "flags" value already rendered (output/json_out.py writes
    them from the flag frame); a pupil it does not name has its Flag values rendered here.
    """
    if flags:
        pupils = [pupil_to_json(p, flags.get(p.pupil_id)) for p in result.pupils]
    else:
        pupils = list(map(pupil_to_json, result.pupils))
    return {
        "as_of": result.as_of.isoformat(),
        "window_days": result.window_days,
        "policy": result.policy,
        "setting": result.setting,
        "pupils_scanned": result.pupils_scanned,
        "talk_to_child": result.talk_to_child,
        "notes": list(result.notes),
        "pupils": pupils,
        "not_in_export": [
            {"pupil_id": case.pupil_id, "case": case_to_json(case)} for case in result.not_in_export
        ],
    }
