"""The sent-log: which facts about which pupil each recipient has already been mailed.

A pupil's *facts* are what fired: per flag its rule (and subject) at a severity, each date
that counted, and the suggested level. A pupil is new to a recipient when some current fact
is not covered by what that recipient was mailed: a rule that had not fired, a higher
severity, an absence date not mailed before, or a higher suggested level. Dates that only
slid out of the window are not news. Facts are recorded only after the server accepted the
mail, so a failed send is retried on the next run.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from naervaer_cli.errors import RuntimeFailure, os_failure, sqlite_failure
from naervaer_cli.portable import modes_apply
from naervaer_cli.privacy import create_private_file
from naervaer_cli.result import Flag, PupilResult

SENT_LOG_NAME = "sent-mail.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailed_fact (
    recipient  TEXT NOT NULL,
    pupil_id   TEXT NOT NULL,
    fact       TEXT NOT NULL,
    first_sent TEXT NOT NULL,
    PRIMARY KEY (recipient, pupil_id, fact)
);
CREATE TABLE IF NOT EXISTS sent_mail (
    id         INTEGER PRIMARY KEY,
    sent_at    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    pupils     INTEGER NOT NULL,
    message_id TEXT NOT NULL
);
"""

_SEVERITY_RANK = {"watch": 1, "concern": 2}


def flag_key(flag: Flag) -> str:
    return f"{flag.rule}|{flag.subject or ''}"


def flag_facts(flag: Flag) -> frozenset[str]:
    key = flag_key(flag)
    days = {f"day:{key}:{d.isoformat()}" for d in flag.dates}
    return frozenset({f"sev:{key}:{flag.severity}"} | days)


def pupil_facts(pupil: PupilResult) -> frozenset[str]:
    facts: set[str] = {f"level:{pupil.suggestion.level}"}
    for flag in pupil.flags:
        facts |= flag_facts(flag)
    return frozenset(facts)


def _covered(fact: str, known: frozenset[str]) -> bool:
    """Whether `known` already tells the recipient `fact` (or something at least as serious)."""
    if fact in known:
        return True
    kind, _, rest = fact.partition(":")
    if kind == "sev":
        key, _, severity = rest.rpartition(":")
        rank = _SEVERITY_RANK.get(severity, 0)
        stronger = [other for other, r in _SEVERITY_RANK.items() if r >= rank]
        return any(f"sev:{key}:{other}" in known for other in stronger)
    if kind == "level":
        level = int(rest)
        return any(
            k.startswith("level:") and k[6:].lstrip("-").isdigit() and int(k[6:]) >= level
            for k in known
        )
    return False


def is_flag_new(flag: Flag, known: frozenset[str]) -> bool:
    return not all(_covered(f, known) for f in flag_facts(flag))


def is_pupil_new(pupil: PupilResult, known: frozenset[str]) -> bool:
    return not all(_covered(f, known) for f in pupil_facts(pupil))


@dataclass(frozen=True)
class SentRecord:
    recipient: str
    kind: str
    pupils: tuple[PupilResult, ...]
    message_id: str


class SentLog:
    """SQLite in NAERVAER_HOME, mode 0600; each successful send is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            create_private_file(path)
        except OSError as exc:
            raise os_failure(exc, path) or RuntimeFailure(
                f"{path}: utsendelsesloggen kan ikke opprettes ({exc.strerror})."
            ) from None
        if modes_apply():
            os.chmod(path, 0o600)
        try:
            self._db = sqlite3.connect(path, timeout=30)
            # Each record() is one transaction; FULL makes a committed one survive a power cut.
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise sqlite_failure(exc, path) or RuntimeFailure(
                f"{path}: utsendelsesloggen kan ikke åpnes ({exc})."
            ) from None

    @classmethod
    def in_home(cls, home: Path) -> SentLog:
        return cls(home / SENT_LOG_NAME)

    def known(self, recipient: str, pupil_id: str) -> frozenset[str]:
        rows = self._db.execute(
            "SELECT fact FROM mailed_fact WHERE recipient = ? AND pupil_id = ?",
            (recipient.casefold(), pupil_id),
        )
        return frozenset(row[0] for row in rows)

    def record(self, record: SentRecord, as_of: str, now: datetime) -> None:
        stamp = now.isoformat(timespec="seconds")
        recipient = record.recipient.casefold()
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO mailed_fact VALUES (?, ?, ?, ?)",
                    _fact_rows(recipient, record.pupils, stamp),
                )
                self._db.execute(
                    "INSERT INTO sent_mail (sent_at, recipient, kind, as_of, pupils, message_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (stamp, recipient, record.kind, as_of, len(record.pupils), record.message_id),
                )
        except sqlite3.Error as exc:
            known = sqlite_failure(exc, self.path)
            what = (
                str(known)
                if known
                else (f"{self.path}: kunne ikke skrive til utsendelsesloggen ({exc}).")
            )
            raise RuntimeFailure(
                f"{what} E-posten til {record.recipient} er sendt, men kan bli sendt på nytt "
                "ved neste kjøring."
            ) from None

    def mails(self) -> list[tuple[str, str, int]]:
        """(recipient, kind, pupils) of every logged mail, oldest first."""
        rows = self._db.execute("SELECT recipient, kind, pupils FROM sent_mail ORDER BY id")
        return [(r[0], r[1], int(r[2])) for r in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SentLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fact_rows(
    recipient: str, pupils: Iterable[PupilResult], stamp: str
) -> Iterable[tuple[str, str, str, str]]:
    for pupil in pupils:
        for fact in sorted(pupil_facts(pupil)):
            yield (recipient, pupil.pupil_id, fact, stamp)
