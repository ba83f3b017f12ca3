"""`pack` as a library call: read inputs, pick the pupils, render and write the files."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
from naervaer_cli.privacy import write_private
from naervaer_cli.templating import override_dir


@dataclass(frozen=True)
class PackRequest:
    pupils: tuple[str, ...] = ()  # ids or unique name parts
    resource_team: bool = False
    min_level: int = 1
    include_flagged: bool = False
    fmt: Format = Format.HTML
    out_dir: Path = Path(".")
    meeting: date | None = None  # none: see `meeting_date`
    documents: tuple[str, ...] = ()  # none: the level's set (each pupil's innsatsplan tools)
    time: str = ""  # the meeting's time (--time); "" = a line to fill in
    place: str = ""  # the meeting's place (--place)
    force: bool = False  # replace a file edited since naervaer wrote it

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
    from naervaer_cli.caselog.location import caselog_exists

    if not caselog_exists(config):
        return lambda pupil_id: ()
    from naervaer_cli.caselog.store import CaseStore

    def timeline(pupil_id: str) -> Sequence[Any]:
        with CaseStore.from_config(config) as store:
            return store.timeline(pupil_id)

    return timeline


# In NAERVAER_HOME: each file a pack wrote and the SHA-256 of what it wrote there, so an
# edited file (a teacher's changes in Word) is never overwritten without --force.
WRITTEN_FILE = "written.json"


def run_pack(
    config: Config,
    inputs: Any,
    request: PackRequest,
    today: date,
    warn: Callable[[str], None] = lambda text: None,
) -> list[Path]:
    """Write the requested packs and return the files written; `warn` hears what was skipped
    or written beside an edited file.

    `inputs` are the loaded scan inputs (:class:`naervaer_cli.inputs.ScanInputs`).
    """
    from naervaer_cli.calendar import check_planned
    from naervaer_cli.inputs import run_scan
    from naervaer_cli.pupil_view import find_pupil
    from naervaer_cli.words import capital, words

    request.check()
    calendar = inputs.calendar
    if request.meeting is not None:  # a wrong --meeting stops the pack before the scan
        check_planned(request.meeting, calendar, "Møtedatoen")
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
    noun = words(scanned.setting).pupil_number
    number = capital(noun)

    def skipped(pupil_id: str) -> None:
        warn(
            f"{number} {pupil_id} har en åpen sak, men finnes ikke i dataene; saken er ikke "
            "tatt med. Importer en nyere eksport, eller slett saken med «naervaer case delete»."
        )

    settings = settings_from(config)
    timeline = caselog_timeline(config)
    env = environment(override_dir(config))

    def contexts_for(pupil_ids: list[str], meeting: date) -> list[Any]:
        return pupil_contexts(
            pupil_ids,
            scanned=scanned,
            records=inputs.records,
            policy=inputs.policy,
            calendar=calendar,
            cases=inputs.cases,
            timeline=timeline,
            meeting=meeting,
            settings=settings,
            reference=short_numbers(config) if scanned.setting == "barnehage" else lambda pid: "",
            skip_missing=skipped if request.resource_team else None,
        )

    def paper_for(meeting: date) -> Any:
        return paper_from_config(
            config,
            letter=today,
            meeting=meeting,
            time=request.time,
            place=request.place,
            archive=inputs.policy.plans[scanned.setting].archive,
            calendar=calendar,
        )

    if request.resource_team:
        # The team's own meeting: the pupils' planned meetings are with their parents.
        chosen = meeting_date(request.meeting, None, calendar, today, pupil=None)
        if chosen.note:
            warn(chosen.note)
        contexts = contexts_for(ids, chosen.day)
        # The consent, measures and evaluations of each case, for the referral.
        events = {ctx.pupil.pupil_id: tuple(timeline(ctx.pupil.pupil_id)) for ctx in contexts}
        attendees = config.get("documents.resource_team", [])
        team = team_context(
            contexts,
            scanned,
            chosen.day,
            settings,
            [str(a) for a in attendees] if isinstance(attendees, list) else [],
        )
        data = team_pack(
            env, team, request.fmt, documents, paper=paper_for(chosen.day), events=events
        )
        name = team_file(chosen.day.isoformat() + _clock(request.time), request.fmt)
        return [write_kept(request.out_dir / name, data, config.home, request.force, warn)]
    written = []
    for pupil_id in ids:
        case = (inputs.cases or {}).get(pupil_id)
        planned = case.next_meeting if case else None
        chosen = meeting_date(request.meeting, planned, calendar, today, pupil=f"{noun} {pupil_id}")
        if chosen.note:
            warn(chosen.note)
        [ctx] = contexts_for([pupil_id], chosen.day)
        data = pupil_pack(
            env,
            ctx,
            request.fmt,
            documents,
            paper=paper_for(chosen.day),
            events=tuple(timeline(pupil_id)),
        )
        name = pupil_file(ctx.pupil.reference or ctx.pupil.pupil_id, request.fmt, ctx.setting)
        written.append(write_kept(request.out_dir / name, data, config.home, request.force, warn))
    return written


@dataclass(frozen=True)
class MeetingDate:
    """The date the documents are for, and the note to show when it is only a guess."""

    day: date
    note: str = ""  # bokmål; "" when --meeting or the case log named the day


def meeting_date(
    given: date | None, planned: date | None, calendar: Any, today: date, pupil: str | None
) -> MeetingDate:
    """The one rule for a pack's meeting date: `--meeting`, else the meeting the case log
    plans (`planned`, from today on), else the next school day after `today` with a note,
    because an innkalling with a guessed date is silently wrong.

    `pupil` names the pupil in the note («elevnummer 10229»); None is the ressursteam's
    meeting, which is the team's own and never a pupil's planned meeting.
    """
    from naervaer_cli.calendar import check_planned
    from naervaer_cli.words import date_long, date_text

    if given is not None:
        return MeetingDate(check_planned(given, calendar, "Møtedatoen"))
    the_plan = f"Det planlagte møtet i saksloggen for {pupil} ({date_text(planned)})"
    if pupil is not None and planned is not None and planned >= today:
        if not calendar.is_school_day(planned):  # the skolerute may have changed since
            raise UsageError(
                f"{the_plan} er {calendar.why_not(planned)}, ikke en skoledag. "
                "Oppgi møtedatoen med --meeting DATO."
            )
        return MeetingDate(planned)
    if pupil is None:
        why = "Ressursteamets møtedato er ikke oppgitt"
    elif planned is not None:
        why = f"{the_plan} er passert"
    else:
        why = f"Saksloggen har ikke noe planlagt møte for {pupil}"
    day = calendar.next_school_day(today + timedelta(days=1))
    return MeetingDate(
        day,
        f"{why}. Dokumentene bruker neste skoledag, {date_long(day)}, som møtedato; "
        "velg en annen med --meeting DATO.",
    )


def _clock(time: str) -> str:
    """«-kl1400» from the first time of day in `--time` («14:00–15:00», «kl. 14.00»), or ""."""
    found = re.search(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b", time)
    return f"-kl{int(found.group(1)):02d}{found.group(2)}" if found else ""


def short_numbers(config: Config) -> Callable[[str], str]:
    """A barnehage child's short stable number from the case log («0007»), made on first use."""
    from naervaer_cli.caselog.store import CaseStore

    def reference(pupil_id: str) -> str:
        with CaseStore.from_config(config) as store:
            return f"{store.pupil_number(pupil_id, 'barnehage'):04d}"

    return reference


def write_kept(
    target: Path, data: bytes, home: Path, force: bool, warn: Callable[[str], None]
) -> Path:
    """Write `data` to `target` (0600) unless someone edited what naervaer last wrote there:
    then beside it (`elev-10234-2.docx`), saying so; `force` replaces it anyway."""
    ledger_path = home / WRITTEN_FILE
    ledger = _ledger(ledger_path)
    digest = _digest(data)
    path = target
    if target.exists() and not force:
        current = _digest(target.read_bytes())
        if current not in (ledger.get(str(target.resolve())), digest):
            path = _beside(target)
            warn(
                f"{target} er endret etter at naervaer skrev den, og er ikke overskrevet; de nye "
                f"dokumentene står i {path}. Bruk --force for å erstatte den."
            )
    written = write(path.parent, path.name, data)
    ledger[str(written.resolve())] = digest
    write_private(ledger_path, json.dumps(ledger, ensure_ascii=False, indent=1, sort_keys=True))
    return written


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ledger(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no ledger yet, or a damaged one: every existing file counts as edited
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _beside(target: Path) -> Path:
    """The first free `name-2.ext`, `name-3.ext`, … next to `target`."""
    n = 2
    while (candidate := target.with_name(f"{target.stem}-{n}{target.suffix}")).exists():
        n += 1
    return candidate
