"""From loaded inputs to document contexts: which pupils a pack holds and what each one shows.

Pure over its arguments: the case log's summaries and timelines are handed in, so tests can
build packs without a database and the CLI decides where they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.caselog.events import Event
from naervaer_cli.documents.context import (
    PupilContext,
    TeamContext,
    build_pupil_context,
    build_team_context,
)
from naervaer_cli.errors import UsageError
from naervaer_cli.policy import Policy
from naervaer_cli.result import CaseSummary, PupilResult, ScanResult, Setting
from naervaer_cli.words import capital, words


@dataclass(frozen=True)
class PackSettings:
    """What the documents need from config and policy besides the pupil's data."""

    school: str = ""
    first_day: date | None = None  # start of the overview; default: the term's start


def result_for(
    pupil_id: str,
    scanned: ScanResult,
    records: pl.DataFrame,
    policy: Policy,
    cases: Mapping[str, CaseSummary] | None,
) -> PupilResult:
    """The pupil's scan result; a pupil nothing fired for gets one with no flags.

    A pack may be asked for a pupil whose case is open but who is no longer flagged; the
    suggestion then comes from the same level logic the scan uses.
    """
    for pupil in scanned.pupils:
        if pupil.pupil_id == pupil_id:
            return pupil
    from naervaer_cli.levels import suggest

    mine = records.filter(
        (pl.col("pupil_id") == pupil_id) & (pl.col("date") <= scanned.as_of)
    ).sort("date", "source_row")
    if mine.is_empty():
        mine = records.filter(pl.col("pupil_id") == pupil_id).sort("date", "source_row")
    if mine.is_empty():
        number = capital(words(scanned.setting).pupil_number)
        raise UsageError(f"{number} «{pupil_id}» finnes ikke i dataene.")
    last = mine.row(mine.height - 1, named=True)
    case = (cases or {}).get(pupil_id)
    return PupilResult(
        pupil_id=pupil_id,
        name=last["name"] or "",
        group=last["group"] or "",
        contact=last["contact"],
        status="watch",
        flags=(),
        suggestion=suggest((), case, policy, scanned.setting, scanned.as_of),
        case=case,
    )


def team_pupils(
    scanned: ScanResult,
    cases: Mapping[str, CaseSummary] | None,
    *,
    min_level: int = 1,
    include_flagged: bool = False,
) -> list[str]:
    """Pupil ids for the ressursteam: open cases at `min_level` or above, and on request the
    flagged pupils who have no case yet."""
    chosen = [pid for pid, case in (cases or {}).items() if case.level >= min_level]
    if include_flagged:
        chosen += [
            p.pupil_id for p in scanned.pupils if p.flags and p.pupil_id not in (cases or {})
        ]
    return list(dict.fromkeys(chosen))


def pupil_contexts(
    pupil_ids: Sequence[str],
    *,
    scanned: ScanResult,
    records: pl.DataFrame,
    policy: Policy,
    calendar: SchoolCalendar,
    cases: Mapping[str, CaseSummary] | None,
    timeline: Callable[[str], Sequence[Event]],
    meeting: date,
    settings: PackSettings = PackSettings(),
    reference: Callable[[str], str] = lambda pupil_id: "",
    skip_missing: Callable[[str], None] | None = None,
) -> list[PupilContext]:
    """One context per pupil; the policy gives its plan, day length and counting kinds.

    `reference` gives the number a reader may see (a barnehage child's short number). With
    `skip_missing`, a pupil not in the data is handed to it and left out instead of stopping
    the pack (the ressursteam pack: one stale case must not hold up the meeting).
    """
    setting: Setting = scanned.setting
    contexts = []
    for pid in pupil_ids:
        try:
            result = result_for(pid, scanned, records, policy, cases)
        except UsageError:
            if skip_missing is None:
                raise
            skip_missing(pid)
            continue
        contexts.append(
            build_pupil_context(
                result,
                records,
                as_of=scanned.as_of,
                meeting=meeting,
                policy=policy,
                events=timeline(pid),
                setting=setting,
                school=settings.school,
                calendar=calendar,
                first_day=settings.first_day,
                reference=reference(pid),
            )
        )
    return contexts


def team_context(
    contexts: Sequence[PupilContext],
    scanned: ScanResult,
    meeting: date,
    settings: PackSettings = PackSettings(),
    attendees: Sequence[str] = (),
) -> TeamContext:
    return build_team_context(
        contexts,
        meeting=meeting,
        as_of=scanned.as_of,
        talk_to_child=scanned.talk_to_child,
        setting=scanned.setting,
        school=settings.school,
        attendees=attendees,
    )
