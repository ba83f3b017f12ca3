"""`pack` as a library call: read inputs, pick the pupils, render and write the files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from naervaer_cli.config import Config
from naervaer_cli.documents.assemble import (
    PackSettings,
    pupil_contexts,
    team_context,
    team_pupils,
)
from naervaer_cli.documents.loader import environment
from naervaer_cli.documents.papers import paper_from_config
from naervaer_cli.documents.render import (
    Format,
    check_documents,
    pupil_file,
    pupil_pack,
    team_file,
    team_pack,
    write,
)
from naervaer_cli.errors import UsageError
from naervaer_cli.templating import override_dir


@dataclass(frozen=True)
class PackRequest:
    pupils: tuple[str, ...] = ()  # ids or unique name parts
    resource_team: bool = False
    min_level: int = 1
    include_flagged: bool = False
    fmt: Format = Format.HTML
    out_dir: Path = Path(".")
    meeting: date | None = None  # default: `today`
    documents: tuple[str, ...] = ()  # none: the level's set (each pupil's innsatsplan tools)
    time: str = ""  # the meeting's time (--time); "" = a line to fill in
    place: str = ""  # the meeting's place (--place)

    def check(self) -> None:
        """Pupils or --resource-team, not both and not neither; known document names."""
        if self.resource_team == bool(self.pupils):
            raise UsageError("Oppgi enten ett eller flere elevnummer, eller --resource-team.")
        check_documents(self.documents)


def settings_from(config: Config) -> PackSettings:
    """`[documents] school` and `term_start` from the config."""
    school = config.get("documents.school", config.get("school", ""))
    return PackSettings(school=str(school or ""), first_day=config.get("documents.term_start"))


def caselog_timeline(config: Config) -> Callable[[str], Sequence[Any]]:
    """A pupil's case events from the case log; nothing when there is no case log yet."""
    from naervaer_cli.caselog.store import CaseStore, caselog_exists

    if not caselog_exists(config):
        return lambda pupil_id: ()

    def timeline(pupil_id: str) -> Sequence[Any]:
        with CaseStore.from_config(config) as store:
            return store.timeline(pupil_id)

    return timeline


def run_pack(config: Config, inputs: Any, request: PackRequest, today: date) -> list[Path]:
    """Write the requested packs and return the files written.

    `inputs` are the loaded scan inputs (:class:`naervaer_cli.inputs.ScanInputs`).
    """
    from naervaer_cli.inputs import run_scan
    from naervaer_cli.pupil_view import find_pupil

    request.check()
    scanned = run_scan(inputs)
    # The setting comes from the data, so the document set is only known now.
    documents = check_documents(request.documents, scanned.setting)
    if request.resource_team:
        ids = team_pupils(
            scanned,
            inputs.cases,
            min_level=request.min_level,
            include_flagged=request.include_flagged,
        )
    else:
        ids = list(
            dict.fromkeys(
                find_pupil(inputs.records, q, scanned.setting, config.home) for q in request.pupils
            )
        )
    meeting = request.meeting or today
    settings = settings_from(config)
    contexts = pupil_contexts(
        ids,
        scanned=scanned,
        records=inputs.records,
        policy=inputs.policy,
        calendar=inputs.calendar,
        cases=inputs.cases,
        timeline=caselog_timeline(config),
        meeting=meeting,
        settings=settings,
    )
    env = environment(override_dir(config))
    # The consent, measures and evaluations of each case, for the referral.
    events = {pid: tuple(caselog_timeline(config)(pid)) for pid in ids}
    paper = paper_from_config(
        config,
        letter=today,
        meeting=meeting,
        time=request.time,
        place=request.place,
        archive=inputs.policy.plans[scanned.setting].archive,
        calendar=inputs.calendar,
    )
    if request.resource_team:
        attendees = config.get("documents.resource_team", [])
        team = team_context(
            contexts,
            scanned,
            meeting,
            settings,
            [str(a) for a in attendees] if isinstance(attendees, list) else [],
        )
        data = team_pack(env, team, request.fmt, documents, paper=paper, events=events)
        return [write(request.out_dir, team_file(meeting.isoformat(), request.fmt), data)]
    return [
        write(
            request.out_dir,
            pupil_file(ctx.pupil.pupil_id, request.fmt, ctx.setting),
            pupil_pack(
                env, ctx, request.fmt, documents, paper=paper, events=events[ctx.pupil.pupil_id]
            ),
        )
        for ctx in contexts
    ]
