"""The case log: one SQLite file of pupils' cases and the events in them (product.md §6).

A case belongs to a pupil by pupil id (never a fødselsnummer), has a setting ("skole" or
"barnehage"), a level (NIVÅ 0–2), the date it was opened, and a history of events. Every event
has a date and who recorded it (`by`). :meth:`CaseStore.timeline` hands them out as frozen
:class:`~naervaer_cli.caselog.events.Event` values; `Event.label` is the bokmål label:

- ``concern_registered`` «Uro registrert»: `level` (int), `setting` ("skole"/"barnehage").
- ``concern_dismissed`` «Uro avkreftet»: `{}`; the case is closed on that date.
- ``level_changed`` «Nivå endret»: `from`, `to` (int).
- ``measure_decided`` «Tiltak besluttet»: `responsible` (str), `evaluation_date` (date).
- ``evaluation`` «Evaluering»: `improved` (bool); when computed from the history also
  `presence_before`, `presence_after`, `difference` (rates 0–1, or None), `days_before`,
  `days_after` (school days), `measure_date`, `before_first`, `before_last`, `after_first`,
  `after_last` (dates or None).
- ``meeting`` «Møte holdt»: `next_meeting` (date or None).
- ``note`` «Notat»: `{}`.
- ``closed`` «Sak avsluttet»: `{}`.
- ``deleted`` «Sak slettet (åpnet ved en feil)»: `{}`, the reason in `text`; the case is
  closed and hidden from `cases`, `timeline`, `list_open` and `summaries` (kept in `export`).

Each child also gets a short stable number on request (`pupil_number`, table
``pupil_numbers``): file names use it (`barn-0007`) rather than a code made from the name.

The event's own words (the measure, the note, the meeting's summary) are in `Event.text`.

A pupil's requirement that absence is left off the vitnemål («Krav: fravær føres ikke på
vitnemålet», :class:`~naervaer_cli.caselog.events.LeaveOff`) belongs to the pupil, not to a
case, and is kept in its own table: `first`, `last`, `reason` (helse, kronisk, permisjon).

Durability: WAL mode with ``synchronous = FULL`` (a committed event survives a killed process
and a power cut), every write one ``BEGIN IMMEDIATE`` transaction, and a busy timeout so two
runs writing at once wait for each other instead of failing. The file is created 0600 in a
0700 folder; SQLite gives its ``-wal`` and ``-shm`` files the database file's mode.
``secure_delete`` is on so purged cases do not linger in free pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naervaer_cli.caselog.events import (
    DATE_KEYS,
    LEAVE_OFF_REASONS,
    Case,
    Event,
    EventType,
    LeaveOff,
    OpenCase,
)
from naervaer_cli.caselog.migrations import MIGRATIONS, applied, migrate
from naervaer_cli.errors import InputError, RuntimeFailure, UsageError
from naervaer_cli.privacy import contains_fnr, ensure_private_dir, id_fnr
from naervaer_cli.result import CaseSummary
from naervaer_cli.words import date_text

if TYPE_CHECKING:
    from naervaer_cli.config import Config

DEFAULT_NAME = "caselog.sqlite"
SETTINGS = ("skole", "barnehage")
LEVELS = (0, 1, 2)
# The guide, skole NIVÅ 1: "Tiltak evalueres etter 3 uker."
SKOLE_EVALUATION_AFTER = timedelta(weeks=3)
EXPORT_FORMAT = "naervaer-caselog"
EXPORT_VERSION = 1


def caselog_path(config: Config) -> Path:
    """`caselog.path` from the config, else `$NAERVAER_HOME/caselog.sqlite`."""
    configured = config.get("caselog.path")
    return Path(configured).expanduser() if configured else config.home / DEFAULT_NAME


def norwegian(day: date) -> str:
    return date_text(day)


class CaseStore:
    """The case log in one SQLite file. Open it, use it, close it (or use `with`)."""

    def __init__(
        self,
        path: Path,
        *,
        timeout: float = 30.0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = Path(path)
        self._now = now or (lambda: datetime.now(UTC))
        self._conn = _connect(self.path, timeout)
        try:
            _check_known_migrations(self._conn, self.path)
            migrate(self._conn)
        except sqlite3.Error as exc:
            self._conn.close()
            raise RuntimeFailure(f"{self.path}: saksloggen kan ikke oppgraderes ({exc}).") from None

    @classmethod
    def from_config(cls, config: Config, path: Path | None = None) -> CaseStore:
        return cls(path or caselog_path(config))

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        conn = self._conn
        try:
            conn.execute(begin)
        except sqlite3.OperationalError as exc:
            raise RuntimeFailure(
                f"{self.path}: saksloggen er opptatt eller låst ({exc}). Prøv igjen om litt."
            ) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise RuntimeFailure(
                f"{self.path}: saksloggen kunne ikke leses eller oppdateres ({exc}); ingenting "
                "er endret."
            ) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk); do not mask them.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        # A deferred transaction gives every read in it one consistent snapshot.
        return self._transaction("BEGIN")

    # -- writing -----------------------------------------------------------------------------

    def open_case(
        self,
        pupil_id: str,
        *,
        setting: str,
        day: date,
        by: str,
        text: str = "",
        level: int = 0,
    ) -> Case:
        """Open a case at `level` with the event "Uro registrert"."""
        _check_pupil(pupil_id)
        _check_by(by)
        _check_text(text)
        if setting not in SETTINGS:
            raise UsageError(f"Ukjent type «{setting}»; bruk «skole» eller «barnehage».")
        _check_level(level)
        with self._transaction() as conn:
            current = _open_row(conn, pupil_id)
            if current is not None:
                raise _already_open(_case(current))
            try:
                cursor = conn.execute(
                    "INSERT INTO cases (pupil_id, setting, level, opened, opened_by)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (pupil_id, setting, level, day.isoformat(), by.strip()),
                )
            except sqlite3.IntegrityError:  # another run opened one since the check
                other = _open_row(conn, pupil_id)
                if other is None:  # ... and closed it again: nothing to point to
                    raise RuntimeFailure(
                        f"{self.path}: en annen kjøring endret saken til elev {pupil_id} "
                        "samtidig; ingenting er endret. Prøv igjen."
                    ) from None
                raise _already_open(_case(other)) from None
            case = _case(
                conn.execute("SELECT * FROM cases WHERE id = ?", (cursor.lastrowid,)).fetchone()
            )
            self._insert(
                conn,
                case,
                day,
                EventType.CONCERN_REGISTERED,
                text,
                by,
                {"level": level, "setting": setting},
            )
        return case

    def add_note(self, pupil_id: str, *, day: date, by: str, text: str) -> Event:
        if not text.strip():
            raise UsageError("Notatet er tomt; skriv hva som skal noteres.")
        return self._event(pupil_id, day, by, EventType.NOTE, text, {})

    def add_measure(
        self,
        pupil_id: str,
        *,
        day: date,
        by: str,
        text: str,
        responsible: str,
        evaluation_date: date | None = None,
    ) -> Event:
        """Record a measure decided; skole evaluates 3 weeks later unless another date is given.

        In barnehage the guide has the evaluation date agreed with the parents, so it is
        required there.
        """
        if not text.strip():
            raise UsageError("Beskriv tiltaket som ble besluttet.")
        if not responsible.strip():
            raise UsageError("Oppgi hvem som er ansvarlig for tiltaket (--responsible).")
        _check_text(responsible, "--responsible")
        case = self._require_open(pupil_id)
        if evaluation_date is None:
            if case.setting == "barnehage":
                raise UsageError(
                    "I barnehagen avtales tidspunktet for evalueringen med foreldrene; "
                    "oppgi datoen med --evaluation-date."
                )
            evaluation_date = day + SKOLE_EVALUATION_AFTER
        if evaluation_date <= day:
            raise UsageError(
                f"Evalueringsdatoen {norwegian(evaluation_date)} må være etter datoen tiltaket "
                f"ble besluttet ({norwegian(day)})."
            )
        return self._event(
            pupil_id,
            day,
            by,
            EventType.MEASURE_DECIDED,
            text,
            {"responsible": responsible.strip(), "evaluation_date": evaluation_date},
        )

    def record_evaluation(
        self,
        pupil_id: str,
        *,
        day: date,
        by: str,
        improved: bool,
        text: str = "",
        figures: Mapping[str, Any] | None = None,
    ) -> Event:
        """Record the answer to "Har nærværet økt?", with the presence figures if computed."""
        case = self._require_open(pupil_id)
        with self._read() as conn:
            events = self._events(conn, case.id, pupil_id)
        if _latest(events, EventType.MEASURE_DECIDED) is None:
            raise UsageError(
                f"Elev {pupil_id} har ingen tiltak å evaluere; registrer tiltaket først med "
                "«naervaer case measure»."
            )
        data = dict(figures or {})
        data["improved"] = bool(improved)
        return self._event(pupil_id, day, by, EventType.EVALUATION, text, data)

    def change_level(
        self, pupil_id: str, *, day: date, by: str, level: int, text: str = ""
    ) -> Event:
        _check_level(level)
        case = self._require_open(pupil_id)
        if case.level == level:
            raise UsageError(f"Saken til elev {pupil_id} er allerede på NIVÅ {level}.")
        return self._event(
            pupil_id,
            day,
            by,
            EventType.LEVEL_CHANGED,
            text,
            {"from": case.level, "to": level},
            set_level=level,
        )

    def record_meeting(
        self, pupil_id: str, *, day: date, by: str, text: str = "", next_meeting: date | None = None
    ) -> Event:
        if next_meeting is not None and next_meeting <= day:
            raise UsageError(
                f"Neste møte ({norwegian(next_meeting)}) må være etter møtet ({norwegian(day)})."
            )
        return self._event(
            pupil_id, day, by, EventType.MEETING, text, {"next_meeting": next_meeting}
        )

    def dismiss(self, pupil_id: str, *, day: date, by: str, text: str = "") -> Event:
        """The concern is not confirmed ("uro avkreftet"): record it and close the case."""
        return self._event(pupil_id, day, by, EventType.CONCERN_DISMISSED, text, {}, close=True)

    def close_case(self, pupil_id: str, *, day: date, by: str, text: str = "") -> Event:
        return self._event(pupil_id, day, by, EventType.CLOSED, text, {}, close=True)

    def delete_case(self, pupil_id: str, *, day: date, by: str, reason: str) -> Event:
        """A case opened by mistake: record why, close it and hide it from every reading."""
        if not reason.strip():
            raise UsageError("Oppgi hvorfor saken slettes med --reason, f.eks. «feil elev».")
        case = self._require_open(pupil_id)
        # The deletion may be dated the day the case was opened, whatever today is.
        return self._event(
            pupil_id, max(day, case.opened), by, EventType.DELETED, reason, {}, close=True
        )

    def pupil_number(self, pupil_id: str, setting: str) -> int:
        """The child's short stable number (1, 2, …), handed out the first time it is asked."""
        _check_pupil(pupil_id)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT number FROM pupil_numbers WHERE pupil_id = ?", (pupil_id,)
            ).fetchone()
            if row is not None:
                return int(row[0])
            number = int(
                conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM pupil_numbers").fetchone()[0]
            )
            conn.execute(
                "INSERT INTO pupil_numbers (number, pupil_id, setting) VALUES (?, ?, ?)",
                (number, pupil_id, setting),
            )
        return number

    def purge_closed(self, before: date) -> int:
        """Delete the cases closed before `before` with all their events; return how many."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM cases WHERE closed IS NOT NULL AND closed < ?", (before.isoformat(),)
            )
            deleted = cursor.rowcount
            _purge_leave_offs(conn, before)
        # Move the deletion out of the WAL file too, so old pages do not linger there.
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def restore(self, exported: Mapping[str, Any]) -> int:
        """Load an :meth:`export` into this log, which must be empty; return the cases loaded."""
        if exported.get("format") != EXPORT_FORMAT:
            raise UsageError("Filen er ikke en eksport av saksloggen fra naervaer.")
        cases = exported.get("cases", [])
        with self._transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM cases UNION ALL SELECT 1 FROM certificate_leave_off LIMIT 1"
            ).fetchone():
                raise UsageError(
                    f"{self.path}: saksloggen er ikke tom; gjenopprett bare til en ny sakslogg."
                )
            try:
                for item in cases:
                    _check_restore(item)
                    _restore_case(conn, item)
                for item in exported.get("certificate_leave_off", []):
                    _restore_leave_off(conn, item)
                for item in exported.get("pupil_numbers", []):
                    conn.execute(
                        "INSERT INTO pupil_numbers (number, pupil_id, setting) VALUES (?, ?, ?)",
                        (int(item["number"]), str(item["pupil_id"]), str(item["setting"])),
                    )
            except (KeyError, TypeError, ValueError, sqlite3.IntegrityError) as exc:
                problem = f"feltet «{exc.args[0]}» mangler" if isinstance(exc, KeyError) else exc
                raise InputError(
                    f"Eksporten av saksloggen er ufullstendig eller skadet ({problem}); "
                    "ingenting er gjenopprettet."
                ) from None
        return len(cases)

    # -- reading -----------------------------------------------------------------------------

    def current_case(self, pupil_id: str) -> Case | None:
        """The pupil's open case, or None."""
        with self._read() as conn:
            row = _open_row(conn, pupil_id)
        return _case(row) if row else None

    def status(self, pupil_id: str, as_of: date) -> OpenCase:
        """The pupil's open case with what is next; an error when there is none."""
        with self._read() as conn:
            row = _open_row(conn, pupil_id)
            if row is None:
                raise _no_open_case(pupil_id)
            case = _case(row)
            events = self._events(conn, case.id, pupil_id)
        return _open_case(case, events, as_of)

    def cases(self, pupil_id: str | None = None) -> tuple[Case, ...]:
        """All cases, or one pupil's, oldest first."""
        with self._read() as conn:
            if pupil_id is None:
                rows = conn.execute(
                    f"SELECT * FROM cases c WHERE {_NOT_DELETED} ORDER BY opened, id"
                ).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT * FROM cases c WHERE pupil_id = ? AND {_NOT_DELETED}"
                    " ORDER BY opened, id",
                    (pupil_id,),
                ).fetchall()
        return tuple(_case(row) for row in rows)

    def timeline(self, pupil_id: str) -> tuple[Event, ...]:
        """Every event of every case of the pupil, in the order they happened."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT e.*, c.pupil_id FROM events e JOIN cases c ON c.id = e.case_id"
                f" WHERE c.pupil_id = ? AND {_NOT_DELETED} ORDER BY c.opened, c.id, e.date, e.id",
                (pupil_id,),
            ).fetchall()
        return tuple(_event(row) for row in rows)

    def count_events(self) -> int:
        with self._read() as conn:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def list_open(self, as_of: date, setting: str | None = None) -> tuple[OpenCase, ...]:
        """Open cases (of `setting`, or all) with what is next; overdue first, then by the
        date due, then pupil."""
        items = [
            _open_case(case, events, as_of)
            for case, events in self._open_with_events()
            if setting is None or case.setting == setting
        ]
        far = date.max
        items.sort(key=lambda o: (not o.overdue, min(_due_dates(o), default=far), o.case.pupil_id))
        return tuple(items)

    def summaries(self, as_of: date, setting: str | None = None) -> dict[str, CaseSummary]:
        """What the level suggestion needs about each open case (of `setting`, or all)."""
        result = {}
        for case, events in self._open_with_events():
            if setting is not None and case.setting != setting:
                continue
            item = _open_case(case, events, as_of)
            measure = _latest(events, EventType.MEASURE_DECIDED)
            evaluation = _evaluation_since(events, measure)
            state = f"Åpen, NIVÅ {case.level}" + (f"; {item.due}" if item.due else "")
            result[case.pupil_id] = CaseSummary(
                pupil_id=case.pupil_id,
                level=case.level,
                opened=case.opened,
                evaluation_due=measure.data["evaluation_date"] if measure else None,
                next_meeting=item.next_meeting,
                last_evaluation_improved=evaluation.data["improved"] if evaluation else None,
                state=state,
                measure_date=measure.date if measure else None,
            )
        return result

    def export(self) -> dict[str, Any]:
        """The whole log as JSON-ready data, for backup or moving to another machine."""
        with self._read() as conn:
            cases = [_case(row) for row in conn.execute("SELECT * FROM cases ORDER BY id")]
            names = applied(conn)
            events = {case.id: self._events(conn, case.id, case.pupil_id) for case in cases}
            leave_offs = _leave_offs(conn, None)
            numbers = conn.execute(
                "SELECT number, pupil_id, setting FROM pupil_numbers ORDER BY number"
            ).fetchall()
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": self._now().isoformat(timespec="seconds"),
            "migrations": names,
            "cases": [
                {
                    "id": case.id,
                    "pupil_id": case.pupil_id,
                    "setting": case.setting,
                    "level": case.level,
                    "opened": case.opened.isoformat(),
                    "opened_by": case.opened_by,
                    "closed": case.closed.isoformat() if case.closed else None,
                    "events": [
                        {
                            "id": ev.id,
                            "date": ev.date.isoformat(),
                            "type": str(ev.type),
                            "label": ev.label,
                            "text": ev.text,
                            "by": ev.by,
                            "data": json.loads(_encode(ev.data)),
                            "recorded_at": ev.recorded_at,
                        }
                        for ev in events[case.id]
                    ],
                }
                for case in cases
            ],
            "certificate_leave_off": [_leave_off_json(item) for item in leave_offs],
            "pupil_numbers": [
                {"number": row[0], "pupil_id": row[1], "setting": row[2]} for row in numbers
            ],
        }

    def export_json(self) -> str:
        return json.dumps(self.export(), ensure_ascii=False, indent=2) + "\n"

    # -- internals ---------------------------------------------------------------------------

    def _require_open(self, pupil_id: str) -> Case:
        case = self.current_case(pupil_id)
        if case is None:
            raise _no_open_case(pupil_id)
        return case

    def _event(
        self,
        pupil_id: str,
        day: date,
        by: str,
        type_: EventType,
        text: str,
        data: dict[str, Any],
        *,
        set_level: int | None = None,
        close: bool = False,
    ) -> Event:
        _check_by(by)
        _check_text(text)
        with self._transaction() as conn:
            row = _open_row(conn, pupil_id)
            if row is None:
                raise _no_open_case(pupil_id)
            case = _case(row)
            if day < case.opened:
                raise UsageError(
                    f"Datoen {norwegian(day)} er før saken til elev {pupil_id} ble åpnet "
                    f"({norwegian(case.opened)})."
                )
            event = self._insert(conn, case, day, type_, text, by, data)
            if set_level is not None:
                conn.execute("UPDATE cases SET level = ? WHERE id = ?", (set_level, case.id))
            if close:
                conn.execute("UPDATE cases SET closed = ? WHERE id = ?", (day.isoformat(), case.id))
        return event

    def _insert(
        self,
        conn: sqlite3.Connection,
        case: Case,
        day: date,
        type_: EventType,
        text: str,
        by: str,
        data: dict[str, Any],
    ) -> Event:
        recorded_at = self._now().isoformat(timespec="seconds")
        cursor = conn.execute(
            "INSERT INTO events (case_id, date, type, text, by, data, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                case.id,
                day.isoformat(),
                type_.value,
                text.strip(),
                by.strip(),
                _encode(data),
                recorded_at,
            ),
        )
        return Event(
            id=cursor.lastrowid or 0,
            case_id=case.id,
            pupil_id=case.pupil_id,
            date=day,
            type=type_,
            text=text.strip(),
            by=by.strip(),
            data=_decode(_encode(data)),
            recorded_at=recorded_at,
        )

    def _events(self, conn: sqlite3.Connection, case_id: int, pupil_id: str) -> list[Event]:
        rows = conn.execute(
            "SELECT e.*, ? AS pupil_id FROM events e WHERE case_id = ? ORDER BY date, id",
            (pupil_id, case_id),
        ).fetchall()
        return [_event(row) for row in rows]

    def _open_with_events(self) -> list[tuple[Case, list[Event]]]:
        with self._read() as conn:
            cases = [
                _case(row)
                for row in conn.execute(
                    "SELECT * FROM cases WHERE closed IS NULL ORDER BY pupil_id"
                )
            ]
            return [(case, self._events(conn, case.id, case.pupil_id)) for case in cases]

    # -- the vitnemål ------------------------------------------------------------------------

    def record_leave_off(
        self,
        pupil_id: str,
        *,
        first: date,
        last: date,
        reason: str,
        day: date,
        by: str,
        text: str = "",
    ) -> LeaveOff:
        """Record that the pupil requires absence from `first` to `last` left off the vitnemål.

        What may actually be left off (the days of a health run from the fourth on, or from the
        first with `kronisk`, permisjon days, at most 10 a school year) is `naervaer vitnemal`'s
        to count; this keeps only the requirement.
        """
        from naervaer_cli.certificate import school_year_of

        _check_pupil(pupil_id)
        _check_by(by)
        _check_text(text)
        if reason not in LEAVE_OFF_REASONS:
            raise UsageError(
                f"Ukjent grunn «{reason}»; bruk {', '.join(LEAVE_OFF_REASONS[:-1])} eller "
                f"{LEAVE_OFF_REASONS[-1]}."
            )
        if last < first:
            raise UsageError(
                f"Perioden slutter ({norwegian(last)}) før den begynner ({norwegian(first)})."
            )
        if school_year_of(first) != school_year_of(last):
            raise UsageError(
                f"Perioden {norwegian(first)}–{norwegian(last)} går over to skoleår (skoleåret "
                "slutter 31. juli); registrer ett krav for hvert skoleår."
            )
        recorded_at = self._now().isoformat(timespec="seconds")
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO certificate_leave_off"
                " (pupil_id, first, last, reason, date, by, text, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pupil_id.strip(),
                    first.isoformat(),
                    last.isoformat(),
                    reason,
                    day.isoformat(),
                    by.strip(),
                    text.strip(),
                    recorded_at,
                ),
            )
        return LeaveOff(
            id=cursor.lastrowid or 0,
            pupil_id=pupil_id.strip(),
            first=first,
            last=last,
            reason=reason,
            date=day,
            by=by.strip(),
            text=text.strip(),
            recorded_at=recorded_at,
        )

    def leave_offs(self, pupil_id: str | None = None) -> tuple[LeaveOff, ...]:
        """Every vitnemål requirement, or one pupil's, by pupil and first date."""
        with self._read() as conn:
            return tuple(_leave_offs(conn, pupil_id))


# A case deleted as opened by mistake is hidden from every reading (alias `c` for cases).
_NOT_DELETED = "NOT EXISTS (SELECT 1 FROM events d WHERE d.case_id = c.id AND d.type = 'deleted')"


def leave_offs_at(path: Path) -> tuple[LeaveOff, ...]:
    """The vitnemål requirements in the log at `path`; none, without creating a log, if absent."""
    if not path.exists():
        return ()
    with CaseStore(path) as store:
        return store.leave_offs()


def _leave_offs(conn: sqlite3.Connection, pupil_id: str | None) -> list[LeaveOff]:
    where, args = ("WHERE pupil_id = ?", (pupil_id,)) if pupil_id is not None else ("", ())
    rows = conn.execute(
        f"SELECT * FROM certificate_leave_off {where} ORDER BY pupil_id, first, id", args
    ).fetchall()
    return [
        LeaveOff(
            id=row["id"],
            pupil_id=row["pupil_id"],
            first=date.fromisoformat(row["first"]),
            last=date.fromisoformat(row["last"]),
            reason=row["reason"],
            date=date.fromisoformat(row["date"]),
            by=row["by"],
            text=row["text"],
            recorded_at=row["recorded_at"],
        )
        for row in rows
    ]


def _leave_off_json(item: LeaveOff) -> dict[str, Any]:
    return {
        "id": item.id,
        "pupil_id": item.pupil_id,
        "first": item.first.isoformat(),
        "last": item.last.isoformat(),
        "reason": item.reason,
        "date": item.date.isoformat(),
        "by": item.by,
        "text": item.text,
        "recorded_at": item.recorded_at,
    }


def _restore_leave_off(conn: sqlite3.Connection, item: Mapping[str, Any]) -> None:
    if item["reason"] not in LEAVE_OFF_REASONS:
        raise ValueError(f"ukjent grunn {item['reason']!r}")
    conn.execute(
        "INSERT INTO certificate_leave_off"
        " (id, pupil_id, first, last, reason, date, by, text, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            int(item["id"]),
            str(item["pupil_id"]),
            date.fromisoformat(item["first"]).isoformat(),
            date.fromisoformat(item["last"]).isoformat(),
            item["reason"],
            date.fromisoformat(item["date"]).isoformat(),
            str(item["by"]),
            str(item["text"]),
            str(item["recorded_at"]),
        ),
    )


def _purge_leave_offs(conn: sqlite3.Connection, before: date) -> None:
    # A requirement ends with its period; after that only a vitnemål already issued needs it.
    conn.execute("DELETE FROM certificate_leave_off WHERE last < ?", (before.isoformat(),))


def read_export(path: Path) -> dict[str, Any]:
    """Read a file written by `case export`; a bad file is an InputError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: kan ikke leses ({exc.strerror}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"{path}: er ikke en JSON-eksport av saksloggen.") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise InputError(f"{path}: er ikke en eksport av saksloggen fra naervaer.")
    return data


def purge_closed_cases(path: Path, before: date) -> int:
    """Purge closed cases from the log at `path` without creating a log that is not there."""
    if not path.exists():
        return 0
    with CaseStore(path) as store:
        return store.purge_closed(before)


# -- connection and rows ---------------------------------------------------------------------


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    ensure_private_dir(path.parent)
    try:
        # Create the file ourselves so it is born 0600; SQLite copies this mode to -wal/-shm.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise RuntimeFailure(f"{path}: saksloggen kan ikke opprettes ({exc.strerror}).") from None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise RuntimeFailure(f"{path}: saksloggen kan ikke åpnes ({exc}).") from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise RuntimeFailure(
            f"{path}: filen er ikke en sakslogg naervaer kan lese ({exc}). Sjekk "
            "«caselog.path» i konfigurasjonen."
        ) from None
    return conn


def _restore_case(conn: sqlite3.Connection, item: Mapping[str, Any]) -> None:
    closed = item["closed"]
    conn.execute(
        "INSERT INTO cases (id, pupil_id, setting, level, opened, opened_by, closed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            int(item["id"]),
            str(item["pupil_id"]),
            item["setting"],
            int(item["level"]),
            date.fromisoformat(item["opened"]).isoformat(),
            str(item["opened_by"]),
            date.fromisoformat(closed).isoformat() if closed else None,
        ),
    )
    for ev in item["events"]:
        conn.execute(
            "INSERT INTO events (id, case_id, date, type, text, by, data, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(ev["id"]),
                int(item["id"]),
                date.fromisoformat(ev["date"]).isoformat(),
                EventType(ev["type"]).value,
                str(ev["text"]),
                str(ev["by"]),
                _encode(_decode(json.dumps(ev["data"]))),
                str(ev["recorded_at"]),
            ),
        )


def _check_known_migrations(conn: sqlite3.Connection, path: Path) -> None:
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in applied(conn) if name not in known]
    if unknown:
        raise RuntimeFailure(
            f"{path}: saksloggen er laget av en nyere versjon av naervaer "
            f"(ukjent migrering {unknown[0]}). Oppgrader naervaer."
        )


def _open_row(conn: sqlite3.Connection, pupil_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM cases WHERE pupil_id = ? AND closed IS NULL", (pupil_id,)
    ).fetchone()


def _case(row: sqlite3.Row) -> Case:
    return Case(
        id=row["id"],
        pupil_id=row["pupil_id"],
        setting=row["setting"],
        level=row["level"],
        opened=date.fromisoformat(row["opened"]),
        opened_by=row["opened_by"],
        closed=date.fromisoformat(row["closed"]) if row["closed"] else None,
    )


def _event(row: sqlite3.Row) -> Event:
    return Event(
        id=row["id"],
        case_id=row["case_id"],
        pupil_id=row["pupil_id"],
        date=date.fromisoformat(row["date"]),
        type=EventType(row["type"]),
        text=row["text"],
        by=row["by"],
        data=_decode(row["data"]),
        recorded_at=row["recorded_at"],
    )


def _encode(data: Mapping[str, Any]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot store {type(value).__name__} in an event")

    return json.dumps(dict(data), default=default, ensure_ascii=False, sort_keys=True)


def _decode(text: str) -> dict[str, Any]:
    data = json.loads(text)
    for key in DATE_KEYS & data.keys():
        if isinstance(data[key], str):
            data[key] = date.fromisoformat(data[key])
    return data


# -- progress of an open case ----------------------------------------------------------------


def _latest(events: list[Event], type_: EventType) -> Event | None:
    found = [ev for ev in events if ev.type == type_]
    return found[-1] if found else None


def _evaluation_since(events: list[Event], measure: Event | None) -> Event | None:
    if measure is None:
        return None
    later = events[events.index(measure) + 1 :]
    return _latest(later, EventType.EVALUATION)


def _open_case(case: Case, events: list[Event], as_of: date) -> OpenCase:
    measure = _latest(events, EventType.MEASURE_DECIDED)
    pending = None
    if measure is not None and _evaluation_since(events, measure) is None:
        pending = measure.data["evaluation_date"]
    meeting = _latest(events, EventType.MEETING)
    next_meeting = meeting.data.get("next_meeting") if meeting else None
    week_end = as_of + timedelta(days=6 - as_of.weekday())
    parts, overdue, this_week = [], False, False
    for label, due in (("Evaluering", pending), ("Møte", next_meeting)):
        if due is None:
            continue
        if due < as_of:
            overdue = True
            parts.append(f"{label} forfalt {norwegian(due)}")
        elif due <= week_end:
            this_week = True
            parts.append(f"{label} {norwegian(due)} (denne uken)")
        else:
            parts.append(f"{label} {norwegian(due)}")
    return OpenCase(
        case=case,
        measure_date=measure.date if measure else None,
        evaluation_due=pending,
        next_meeting=next_meeting,
        overdue=overdue,
        due_this_week=this_week,
        due="; ".join(parts),
    )


def _due_dates(item: OpenCase) -> list[date]:
    return [d for d in (item.evaluation_due, item.next_meeting) if d is not None]


# -- checks ----------------------------------------------------------------------------------


def _check_pupil(pupil_id: str) -> None:
    if not pupil_id.strip():
        raise UsageError("Oppgi elevnummeret.")
    # The CLI hashes a fødselsnummer typed as the pupil; a library caller must do the same.
    if id_fnr(pupil_id) is not None or contains_fnr(pupil_id):
        raise UsageError(
            "Saksloggen bruker elevnummeret, aldri fødselsnummer. Oppgi elevnummeret fra "
            "eksporten (det som står i «naervaer scan»)."
        )


def _check_by(by: str) -> None:
    if not by or not by.strip():
        raise UsageError(
            "Oppgi hvem som registrerer med --by, miljøvariabelen NAERVAER_BY eller "
            "«case.by» i konfigurasjonen."
        )
    _check_text(by, "--by")


NO_FNR = "Skriv ikke fødselsnummer i saksloggen"


def _check_text(text: str, where: str = "teksten") -> None:
    """Free text in the case log never holds a fødselsnummer: refused, not masked, since
    the person writing it is there to take it out."""
    if contains_fnr(text):
        raise UsageError(f"{NO_FNR} ({where}). Fjern det og prøv igjen.")


def _check_restore(item: Mapping[str, Any]) -> None:
    """Every string of a case in an export (its pupil, events and their data), as typed."""

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str | int):
            yield str(value)
        elif isinstance(value, Mapping):
            for part in value.values():
                yield from strings(part)
        elif isinstance(value, list):
            for part in value:
                yield from strings(part)

    if not isinstance(item, Mapping):
        return  # _restore_case says what is wrong with it
    if any(contains_fnr(text) or id_fnr(text) for text in strings(item)):
        raise UsageError(
            f"{NO_FNR} (sak {item.get('id', '?')} i eksporten). Ingenting er gjenopprettet."
        )


def _check_level(level: int) -> None:
    if level not in LEVELS:
        raise UsageError(f"Nivået må være 0, 1 eller 2, ikke {level}.")


def _already_open(case: Case) -> UsageError:
    return UsageError(
        f"Elev {case.pupil_id} har allerede en åpen sak (åpnet {norwegian(case.opened)}, "
        f"NIVÅ {case.level}). Bruk «naervaer case show {case.pupil_id}»."
    )


def _no_open_case(pupil_id: str) -> UsageError:
    return UsageError(
        f"Elev {pupil_id} har ingen åpen sak. Åpne en med «naervaer case open {pupil_id}»."
    )
