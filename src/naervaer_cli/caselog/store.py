"""The case log: pupils' cases and the events in them (product.md §6), in one SQLite file
(the default) or a shared PostgreSQL database (`caselog.url`, issue 17).

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
- ``consent`` «Samtykke fra foresatte»: `consent` (bool), the parents' answer to the case
  being brought to the ressursteam with the pupil's name; without it the referral is anonymous.
- ``deleted`` «Sak slettet (åpnet ved en feil)»: `{}`, the reason in `text`; the case is
  closed and hidden from `cases`, `timeline`, `list_open` and `summaries` (kept in `export`).

Each child also gets a short stable number on request (`pupil_number`, table
``pupil_numbers``): file names use it (`barn-0007`) rather than a code made from the name.

The event's own words (the measure, the note, the meeting's summary) are in `Event.text`.

A pupil's requirement that absence is left off the vitnemål («Krav: fravær føres ikke på
vitnemålet», :class:`~naervaer_cli.caselog.events.LeaveOff`) belongs to the pupil, not to a
case, and is kept in its own table: `first`, `last`, `reason` (helse, kronisk, permisjon).

Every case, event and requirement carries its school (cases and events their setting too).
Reading a pupil's case (`timeline`, `status`, `export`) writes a row to the access log: when,
which database role (the operating system user on SQLite), who (`by`), which pupil. On
PostgreSQL a role sees only the schools granted to it (`grant`/`revoke`), enforced by
row-level security in the database itself.

Durability (SQLite): WAL mode with ``synchronous = FULL`` (a committed event survives a killed
process and a power cut), every write one ``BEGIN IMMEDIATE`` transaction, and a busy timeout so two
runs writing at once wait for each other instead of failing. The file is created 0600 in a
0700 folder; SQLite gives its ``-wal`` and ``-shm`` files the database file's mode.
``secure_delete`` is on so purged cases do not linger in free pages. On PostgreSQL every
write is one transaction and the case row is locked (``FOR UPDATE``) while an event is added.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naervaer_cli.caselog.db import Db, PostgresDb, SqliteDb
from naervaer_cli.caselog.events import (
    DATE_KEYS,
    LEAVE_OFF_REASONS,
    Access,
    Case,
    Event,
    EventType,
    LeaveOff,
    OpenCase,
)
from naervaer_cli.caselog.location import caselog_path, caselog_url
from naervaer_cli.caselog.migrations import MIGRATIONS, applied, migrate, pending
from naervaer_cli.errors import InputError, RuntimeFailure, UsageError, sqlite_failure
from naervaer_cli.privacy import contains_fnr, id_fnr
from naervaer_cli.result import CaseSummary
from naervaer_cli.words import date_text

if TYPE_CHECKING:
    from naervaer_cli.config import Config

SETTINGS = ("skole", "barnehage")
LEVELS = (0, 1, 2)
# The guide, skole NIVÅ 1: "Tiltak evalueres etter 3 uker."
SKOLE_EVALUATION_AFTER = timedelta(weeks=3)
EXPORT_FORMAT = "naervaer-caselog"
EXPORT_VERSION = 2  # 2: cases carry their school


def norwegian(day: date) -> str:
    return date_text(day)


class CaseStore:
    """The case log in a SQLite file (`path`) or a PostgreSQL database (`url`). Open it, use
    it, close it (or use `with`). Pending migrations are applied on opening unless
    `auto_migrate` is false (`case migrate` applies them itself)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        url: str | None = None,
        password: str | None = None,
        school: str = "",
        reader: str = "",
        timeout: float = 30.0,
        now: Callable[[], datetime] | None = None,
        auto_migrate: bool = True,
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("give exactly one of path and url")
        self._now = now or (lambda: datetime.now(UTC))
        self.school = school.strip()  # for new cases when open_case names none
        self.reader = reader.strip()  # who reads, for the access log
        self._db: Db = (
            SqliteDb(Path(path), timeout)
            if path is not None
            else PostgresDb(str(url), password, timeout)
        )
        self.path: Path | None = self._db.path
        self.where = self._db.where  # the file or the database, for messages
        try:
            _check_known_migrations(self._db)
            if auto_migrate:
                migrate(self._db.conn)
        except self._db.Error as exc:
            self._db.close()
            raise _cannot_migrate(self._db, exc) from None

    @classmethod
    def from_config(
        cls, config: Config, path: Path | None = None, *, auto_migrate: bool = True
    ) -> CaseStore:
        """The configured log: `caselog.url` if set, else the SQLite file."""
        from naervaer_cli.caselog.db import password

        school = str(config.get("school") or "")
        reader = str(config.setting(None, "NAERVAER_BY", "case.by", "") or "")
        url = None if path is not None else caselog_url(config)
        if url is not None:
            return cls(
                url=url,
                password=password(config),
                school=school,
                reader=reader,
                auto_migrate=auto_migrate,
            )
        return cls(
            path or caselog_path(config), school=school, reader=reader, auto_migrate=auto_migrate
        )

    @property
    def backend(self) -> str:
        """«sqlite» or «postgres»."""
        return self._db.dialect

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    def _transaction(self) -> AbstractContextManager[Db]:
        return self._db.transaction(write=True)

    def _read(self) -> AbstractContextManager[Db]:
        # One transaction gives every read in it one consistent snapshot.
        return self._db.transaction(write=False)

    # -- schema and access -------------------------------------------------------------------

    def pending_migrations(self) -> list[str]:
        return pending(self._db.conn)

    def migrate(self) -> list[str]:
        """Apply the pending migrations; return their names."""
        try:
            return migrate(self._db.conn)
        except self._db.Error as exc:
            raise _cannot_migrate(self._db, exc) from None

    def grant(self, role: str, school: str) -> bool:
        """Let database role `role` see and write the cases of `school`; False if it could."""
        db = self._require_postgres()
        role, school = _check_grant(role, school)
        from psycopg import sql

        with self._transaction():
            if db.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone() is None:
                raise UsageError(f"Rollen «{role}» finnes ikke i databasen {self.where}.")
            added = db.execute(
                "INSERT INTO grants (role, school) VALUES (?, ?) ON CONFLICT DO NOTHING"
                " RETURNING role",
                (role, school),
            ).fetchone()
            name = sql.Identifier(role)
            for statement in (
                "GRANT SELECT, INSERT, UPDATE, DELETE ON cases, events, certificate_leave_off,"
                " pupil_numbers TO {}",
                "GRANT SELECT ON grants, migrations, access_log TO {}",
                # Not `at` or `role`: those are the server's clock and the role itself.
                'GRANT INSERT (pupil_id, school, setting, "by", action) ON access_log TO {}',
            ):
                db.conn.execute(sql.SQL(statement).format(name))
        return added is not None

    def revoke(self, role: str, school: str) -> bool:
        """Take `school` away from `role`; False if it had no such grant."""
        db = self._require_postgres()
        role, school = _check_grant(role, school)
        with self._transaction():
            gone = db.execute(
                "DELETE FROM grants WHERE role = ? AND school = ? RETURNING role", (role, school)
            ).fetchone()
        return gone is not None

    def grants(self) -> tuple[tuple[str, str], ...]:
        """(role, school) pairs this role can see, by role then school."""
        self._require_postgres()
        with self._read() as db:
            rows = db.execute("SELECT role, school FROM grants ORDER BY role, school").fetchall()
        return tuple((row["role"], row["school"]) for row in rows)

    def access_log(self, pupil_id: str | None = None) -> tuple[Access, ...]:
        """Who read which pupil's case and when, oldest first (only the visible schools)."""
        with self._read() as db:
            if pupil_id is None:
                rows = db.execute("SELECT * FROM access_log ORDER BY at, id").fetchall()
            else:
                rows = db.execute(
                    "SELECT * FROM access_log WHERE pupil_id = ? ORDER BY at, id", (pupil_id,)
                ).fetchall()
        return tuple(
            Access(
                at=row["at"],
                role=row["role"],
                by=row["by"],
                pupil_id=row["pupil_id"],
                school=row["school"],
                setting=row["setting"],
                action=row["action"],
            )
            for row in rows
        )

    def _log_access(self, db: Db, case: Case, action: str) -> None:
        if isinstance(db, PostgresDb):
            # `at` and `role` are the server's: the columns' defaults, not the client's word.
            db.execute(
                'INSERT INTO access_log (pupil_id, school, setting, "by", action)'
                " VALUES (?, ?, ?, ?, ?)",
                (case.pupil_id, case.school, case.setting, self.reader, action),
            )
        else:
            db.execute(
                'INSERT INTO access_log (at, role, "by", pupil_id, school, setting, action)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self._now().isoformat(timespec="seconds"),
                    db.user(),
                    self.reader,
                    case.pupil_id,
                    case.school,
                    case.setting,
                    action,
                ),
            )

    def _require_postgres(self) -> PostgresDb:
        if not isinstance(self._db, PostgresDb):
            raise UsageError(
                "Tilgang per skole styres i databasen og finnes bare når saksloggen ligger i "
                "PostgreSQL («caselog.url» i konfigurasjonen)."
            )
        return self._db

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
        school: str | None = None,
    ) -> Case:
        """Open a case at `level` with the event "Uro registrert".

        `school` defaults to the store's (the config's `school`); a shared PostgreSQL log
        needs one, since who sees a case is decided by its school.
        """
        _check_pupil(pupil_id)
        _check_by(by)
        _check_text(text)
        if setting not in SETTINGS:
            raise UsageError(f"Ukjent type «{setting}»; bruk «skole» eller «barnehage».")
        _check_level(level)
        school = (self.school if school is None else school).strip()
        if not school and self.backend == "postgres":
            raise UsageError(
                "Oppgi skolen med --school eller «school» i konfigurasjonen: i en delt sakslogg "
                "avgjør skolen hvem som ser saken."
            )
        with self._transaction() as conn:
            # One statement: the unique index lets exactly one open case per pupil through,
            # however many runs race; there is no check-then-insert window.
            row = conn.execute(
                "INSERT INTO cases (pupil_id, setting, level, opened, opened_by, school)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (pupil_id) WHERE closed IS NULL DO NOTHING RETURNING *",
                (pupil_id, setting, level, day.isoformat(), by.strip(), school),
            ).fetchone()
            if row is None:
                current = _open_row(conn, pupil_id)
                if current is None:  # open at a school this role may not see
                    raise UsageError(
                        f"Elev {pupil_id} har allerede en åpen sak ved en skole du ikke har "
                        "tilgang til."
                    )
                raise _already_open(_case(current))
            case = _case(row)
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

    def record_consent(
        self, pupil_id: str, *, day: date, by: str, consent: bool, text: str = ""
    ) -> Event:
        """Record whether the parents consent to the case going to the ressursteam by name."""
        return self._event(pupil_id, day, by, EventType.CONSENT, text, {"consent": bool(consent)})

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
        """The child's short stable number at this log's school (1, 2, …), handed out the
        first time it is asked."""
        _check_pupil(pupil_id)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT number FROM pupil_numbers WHERE school = ? AND pupil_id = ?",
                (self.school, pupil_id),
            ).fetchone()
            if row is not None:
                return int(row["number"])
            number = int(
                conn.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM pupil_numbers WHERE school = ?",
                    (self.school,),
                ).fetchone()["n"]
            )
            conn.execute(
                "INSERT INTO pupil_numbers (school, number, pupil_id, setting) VALUES (?, ?, ?, ?)",
                (self.school, number, pupil_id, setting),
            )
        return number

    def purge_closed(self, before: date) -> int:
        """Delete the cases closed before `before` with all their events; return how many."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM cases WHERE closed IS NOT NULL AND closed < ?", (before.isoformat(),)
            )
            deleted = int(cursor.rowcount)
            _purge_leave_offs(conn, before)
        self._db.after_purge()
        return deleted

    def restore(self, exported: Mapping[str, Any], school: str | None = None) -> int:
        """Load an :meth:`export` into this log, which must be empty; return the cases loaded.

        Cases and requirements without a school (an export from before schools, or from a
        log with no `school` configured) get `school`, else the store's.
        """
        if exported.get("format") != EXPORT_FORMAT:
            raise UsageError("Filen er ikke en eksport av saksloggen fra naervaer.")
        cases = exported.get("cases", [])
        fallback = (self.school if school is None else school).strip()
        with self._transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM cases UNION ALL SELECT 1 FROM certificate_leave_off LIMIT 1"
            ).fetchone():
                raise UsageError(
                    f"{self.where}: saksloggen er ikke tom; gjenopprett bare til en ny sakslogg."
                )
            try:
                for item in cases:
                    _check_restore(item)
                    _restore_case(conn, item, fallback)
                for item in exported.get("certificate_leave_off", []):
                    _restore_leave_off(conn, item, fallback)
                for item in exported.get("pupil_numbers", []):
                    conn.execute(
                        "INSERT INTO pupil_numbers (school, number, pupil_id, setting)"
                        " VALUES (?, ?, ?, ?)",
                        (
                            str(item.get("school") or fallback),
                            int(item["number"]),
                            str(item["pupil_id"]),
                            str(item["setting"]),
                        ),
                    )
            except (KeyError, TypeError, ValueError, conn.IntegrityError) as exc:
                problem = f"feltet «{exc.args[0]}» mangler" if isinstance(exc, KeyError) else exc
                raise InputError(
                    f"Eksporten av saksloggen er ufullstendig eller skadet ({problem}); "
                    "ingenting er gjenopprettet."
                ) from None
            if isinstance(conn, PostgresDb):
                # Explicit ids bypass the identity sequences; move them past what was loaded.
                for table in ("cases", "events", "certificate_leave_off"):
                    conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                        f" WHERE EXISTS (SELECT 1 FROM {table})"
                    )
        return len(cases)

    # -- reading -----------------------------------------------------------------------------

    def current_case(self, pupil_id: str) -> Case | None:
        """The pupil's open case, or None."""
        with self._read() as conn:
            row = _open_row(conn, pupil_id)
        return _case(row) if row else None

    def status(self, pupil_id: str, as_of: date) -> OpenCase:
        """The pupil's open case with what is next; an error when there is none. Logged."""
        with self._transaction() as conn:
            row = _open_row(conn, pupil_id)
            if row is None:
                raise _no_open_case(pupil_id)
            case = _case(row)
            events = self._events(conn, case.id, pupil_id)
            self._log_access(conn, case, "status")
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
        """Every event of every case of the pupil, in the order they happened. Logged."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT e.*, c.pupil_id FROM events e JOIN cases c ON c.id = e.case_id"
                f" WHERE c.pupil_id = ? AND {_NOT_DELETED} ORDER BY c.opened, c.id, e.date, e.id",
                (pupil_id,),
            ).fetchall()
            if rows:
                latest = conn.execute(
                    "SELECT * FROM cases WHERE pupil_id = ? ORDER BY opened DESC, id DESC",
                    (pupil_id,),
                ).fetchone()
                self._log_access(conn, _case(latest), "timeline")
        return tuple(_event(row) for row in rows)

    def count_events(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"])

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
        """The whole log as JSON-ready data, for backup or moving to another machine.

        Every pupil's case exported is a read of it: one access-log row per case.
        """
        with self._transaction() as conn:
            cases = [_case(row) for row in conn.execute("SELECT * FROM cases ORDER BY id")]
            names = applied(conn.conn)
            events = {case.id: self._events(conn, case.id, case.pupil_id) for case in cases}
            leave_offs = _leave_offs(conn, None)
            numbers = conn.execute(
                "SELECT school, number, pupil_id, setting FROM pupil_numbers"
                " ORDER BY school, number"
            ).fetchall()
            for case in cases:
                self._log_access(conn, case, "export")
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": self._now().isoformat(timespec="seconds"),
            "migrations": names,
            "cases": [
                {
                    "id": case.id,
                    "pupil_id": case.pupil_id,
                    "school": case.school,
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
                {
                    "school": row["school"],
                    "number": row["number"],
                    "pupil_id": row["pupil_id"],
                    "setting": row["setting"],
                }
                for row in numbers
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
            # Locked on PostgreSQL, so closing and adding to one case take turns.
            row = _open_row(conn, pupil_id, lock=True)
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
        conn: Db,
        case: Case,
        day: date,
        type_: EventType,
        text: str,
        by: str,
        data: dict[str, Any],
    ) -> Event:
        recorded_at = self._now().isoformat(timespec="seconds")
        row = conn.execute(
            'INSERT INTO events (case_id, school, setting, date, type, text, "by", data,'
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                case.id,
                case.school,
                case.setting,
                day.isoformat(),
                type_.value,
                text.strip(),
                by.strip(),
                _encode(data),
                recorded_at,
            ),
        ).fetchone()
        return Event(
            id=int(row["id"]),
            case_id=case.id,
            pupil_id=case.pupil_id,
            date=day,
            type=type_,
            text=text.strip(),
            by=by.strip(),
            data=_decode(_encode(data)),
            recorded_at=recorded_at,
            school=case.school,
            setting=case.setting,
        )

    def _events(self, conn: Db, case_id: int, pupil_id: str) -> list[Event]:
        rows = conn.execute(
            "SELECT * FROM events WHERE case_id = ? ORDER BY date, id", (case_id,)
        ).fetchall()
        return [_event(row, pupil_id) for row in rows]

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
            row = conn.execute(
                "INSERT INTO certificate_leave_off"
                ' (school, pupil_id, first, last, reason, date, "by", text, recorded_at)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    self.school,
                    pupil_id.strip(),
                    first.isoformat(),
                    last.isoformat(),
                    reason,
                    day.isoformat(),
                    by.strip(),
                    text.strip(),
                    recorded_at,
                ),
            ).fetchone()
        return LeaveOff(
            id=int(row["id"]),
            pupil_id=pupil_id.strip(),
            first=first,
            last=last,
            reason=reason,
            date=day,
            by=by.strip(),
            text=text.strip(),
            recorded_at=recorded_at,
            school=self.school,
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


def leave_offs_from_config(config: Config) -> tuple[LeaveOff, ...]:
    """The vitnemål requirements in the configured log (SQLite file or PostgreSQL)."""
    if caselog_url(config) is None:
        return leave_offs_at(caselog_path(config))
    with CaseStore.from_config(config) as store:
        return store.leave_offs()


def _leave_offs(conn: Db, pupil_id: str | None) -> list[LeaveOff]:
    where, args = ("WHERE pupil_id = ?", (pupil_id,)) if pupil_id is not None else ("", ())
    rows = conn.execute(
        f"SELECT * FROM certificate_leave_off {where} ORDER BY pupil_id, first, id", args
    ).fetchall()
    return [
        LeaveOff(
            id=row["id"],
            pupil_id=row["pupil_id"],
            first=_day(row["first"]),
            last=_day(row["last"]),
            reason=row["reason"],
            date=_day(row["date"]),
            by=row["by"],
            text=row["text"],
            recorded_at=row["recorded_at"],
            school=row["school"],
        )
        for row in rows
    ]


def _leave_off_json(item: LeaveOff) -> dict[str, Any]:
    return {
        "id": item.id,
        "pupil_id": item.pupil_id,
        "school": item.school,
        "first": item.first.isoformat(),
        "last": item.last.isoformat(),
        "reason": item.reason,
        "date": item.date.isoformat(),
        "by": item.by,
        "text": item.text,
        "recorded_at": item.recorded_at,
    }


def _restore_leave_off(conn: Db, item: Mapping[str, Any], school: str) -> None:
    if item["reason"] not in LEAVE_OFF_REASONS:
        raise ValueError(f"ukjent grunn {item['reason']!r}")
    conn.execute(
        "INSERT INTO certificate_leave_off"
        ' (id, school, pupil_id, first, last, reason, date, "by", text, recorded_at)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            int(item["id"]),
            str(item.get("school") or school),
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


def _purge_leave_offs(conn: Db, before: date) -> None:
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


def purge_from_config(config: Config, before: date) -> int:
    """Purge closed cases from the configured log (SQLite file or PostgreSQL)."""
    if caselog_url(config) is None:
        return purge_closed_cases(caselog_path(config), before)
    with CaseStore.from_config(config) as store:
        return store.purge_closed(before)


# -- rows ------------------------------------------------------------------------------------


def _restore_case(conn: Db, item: Mapping[str, Any], school: str) -> None:
    closed = item["closed"]
    case_school = str(item.get("school") or school)  # none yet: the one given to restore
    conn.execute(
        "INSERT INTO cases (id, pupil_id, school, setting, level, opened, opened_by, closed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            int(item["id"]),
            str(item["pupil_id"]),
            case_school,
            item["setting"],
            int(item["level"]),
            date.fromisoformat(item["opened"]).isoformat(),
            str(item["opened_by"]),
            date.fromisoformat(closed).isoformat() if closed else None,
        ),
    )
    for ev in item["events"]:
        conn.execute(
            'INSERT INTO events (id, case_id, school, setting, date, type, text, "by", data,'
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(ev["id"]),
                int(item["id"]),
                case_school,
                item["setting"],
                date.fromisoformat(ev["date"]).isoformat(),
                EventType(ev["type"]).value,
                str(ev["text"]),
                str(ev["by"]),
                _encode(_decode(json.dumps(ev["data"]))),
                str(ev["recorded_at"]),
            ),
        )


def _check_known_migrations(db: Db) -> None:
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in applied(db.conn) if name not in known]
    if unknown:
        raise RuntimeFailure(
            f"{db.where}: saksloggen er laget av en nyere versjon av naervaer "
            f"(ukjent migrering {unknown[0]}). Oppgrader naervaer."
        )


def _cannot_migrate(db: Db, exc: BaseException) -> RuntimeFailure:
    # A full disk or a lock is what it is, not a schema problem.
    known = sqlite_failure(exc, db.where) if isinstance(db, SqliteDb) else None
    if known is not None:
        return known
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    hint = (
        " Kjør «naervaer case migrate» som eieren av databasen."
        if isinstance(db, PostgresDb)
        else ""
    )
    return RuntimeFailure(f"{db.where}: saksloggen kan ikke oppgraderes ({text}).{hint}")


def _open_row(conn: Db, pupil_id: str, *, lock: bool = False) -> Any:
    # FOR UPDATE is PostgreSQL's; SQLite's BEGIN IMMEDIATE already serialises writers.
    suffix = " FOR UPDATE" if lock and isinstance(conn, PostgresDb) else ""
    return conn.execute(
        "SELECT * FROM cases WHERE pupil_id = ? AND closed IS NULL" + suffix, (pupil_id,)
    ).fetchone()


def _day(value: Any) -> date:
    """A date from a row: ISO text from SQLite, a `date` from PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _case(row: Mapping[str, Any]) -> Case:
    return Case(
        id=row["id"],
        pupil_id=row["pupil_id"],
        setting=row["setting"],
        level=row["level"],
        opened=_day(row["opened"]),
        opened_by=row["opened_by"],
        closed=_day(row["closed"]) if row["closed"] else None,
        school=row["school"],
    )


def _event(row: Mapping[str, Any], pupil_id: str | None = None) -> Event:
    return Event(
        id=row["id"],
        case_id=row["case_id"],
        pupil_id=pupil_id if pupil_id is not None else row["pupil_id"],
        date=_day(row["date"]),
        type=EventType(row["type"]),
        text=row["text"],
        by=row["by"],
        data=_decode(row["data"]),
        recorded_at=row["recorded_at"],
        school=row["school"],
        setting=row["setting"],
    )


def _encode(data: Mapping[str, Any]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot store {type(value).__name__} in an event")

    return json.dumps(dict(data), default=default, ensure_ascii=False, sort_keys=True)


def _decode(stored: str | dict[str, Any]) -> dict[str, Any]:
    # SQLite keeps the JSON text; psycopg hands a JSONB column out already parsed.
    data = json.loads(stored) if isinstance(stored, str) else dict(stored)
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


def _check_grant(role: str, school: str) -> tuple[str, str]:
    if not role.strip() or not school.strip():
        raise UsageError("Oppgi både rollen og skolen, f.eks. «naervaer case grant kari Ås skole».")
    return role.strip(), school.strip()


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
