"""Disk full, read-only, permission denied and locked each say what they are (issue 15, item 6).

The full disk is real where the tests run as root: a small tmpfs mounted for the test. Without
root the write is made to fail with ENOSPC instead.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.errors import RuntimeFailure, os_failure
from naervaer_cli.history import RECORDS_FILE, history_dir, load_history

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "ist_fravaer.csv"
D = date(2026, 11, 2)
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def full_message(path: object) -> str:
    return (
        f"Disken er full: {path} kunne ikke skrives. Frigjør plass og prøv igjen; det som var "
        "lagret fra før, er urørt."
    )


def read_only_message(path: object) -> str:
    return (
        f"Filsystemet er skrivebeskyttet: {path} kan ikke skrives. Velg en annen plass, eller "
        "få filsystemet montert med skrivetilgang."
    )


def _mount(point: Path, options: str) -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of its own (root only)."""
    if not ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root; the patched-write test covers this case")
    point = tmp_path / "disk"
    point.mkdir(mode=0o700)
    if not _mount(point, "size=4m,mode=0700"):
        pytest.skip("this machine does not let the tests mount a tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> Path:
    """Write until the file system is full; return the filler to delete later."""
    filler = folder / "fyll"
    with open(filler, "wb", buffering=0) as fh:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_disk_says_so_and_loses_no_committed_event(
    cli, known, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAERVAER_HOME", str(small_disk))
    known("p1")  # case open finds the pupil in the stored history
    log = small_disk / "caselog.sqlite"
    assert cli("case", "open", "p1", "--date", "2026-11-02", "--by", "Kari").code == 0
    for n in range(3):
        assert (
            cli("case", "note", "p1", f"notat {n}", "--date", "2026-11-03", "--by", "K").code == 0
        )
    filler = fill(small_disk)

    run = cli("case", "note", "p1", "stort notat " * 50_000, "--date", "2026-11-04", "--by", "K")
    assert run.code == 1
    assert run.err == f"Feil: {full_message(log)}\n"
    assert "ikke en sakslogg" not in run.err

    filler.unlink()
    with CaseStore(log) as store:
        notes = [e.text for e in store.timeline("p1") if e.type == "note"]
    assert notes == ["notat 0", "notat 1", "notat 2"]


def test_a_full_disk_during_import_keeps_the_history(
    cli, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAERVAER_HOME", str(small_disk))
    assert cli("import", SAMPLE).code == 0
    target = history_dir(small_disk) / RECORDS_FILE
    before = target.read_bytes()
    extra = small_disk / "uke48.csv"
    lines = SAMPLE.read_text("utf-8").splitlines(keepends=True)
    extra.write_text(lines[0] + "".join(row.replace("2026", "2025") for row in lines[1:]), "utf-8")
    filler = fill(small_disk)

    run = cli("import", extra)
    assert run.code == 1
    assert run.err == f"Feil: {full_message(target)}\n"
    filler.unlink()
    assert target.read_bytes() == before
    assert [p.name for p in history_dir(small_disk).iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_write_gives_the_disk_full_message(
    cli, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same without root: the history's fsync fails with ENOSPC."""
    assert cli("import", SAMPLE).code == 0
    target = history_dir(naervaer_home) / RECORDS_FILE
    before = load_history(naervaer_home)
    real = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    run = cli("purge", "--before", "2026-11-10")
    monkeypatch.setattr(os, "fsync", real)
    assert run.code == 1
    assert run.err == f"Feil: {full_message(target)}\n"
    assert load_history(naervaer_home).equals(before)


def test_a_read_only_file_system_says_so(
    cli, known, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAERVAER_HOME", str(small_disk))
    known("p1")  # case open finds the pupil in the stored history
    assert cli("case", "open", "p1", "--date", "2026-11-02", "--by", "Kari").code == 0
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if remounted.returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only here")
    run = cli("case", "note", "p1", "notat", "--date", "2026-11-03", "--by", "K")
    assert run.code == 1
    assert run.err == f"Feil: {read_only_message(small_disk / 'caselog.sqlite')}\n"


def test_a_locked_log_says_so(naervaer_home: Path) -> None:
    path = naervaer_home / "caselog.sqlite"
    with CaseStore(path) as store:
        store.open_case("p1", setting="skole", day=D, by="Kari")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with CaseStore(path, timeout=0.1) as store, pytest.raises(RuntimeFailure) as err:
            store.add_note("p1", day=D, by="Kari", text="notat")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(err.value) == (
        f"{path} er låst av en annen kjøring av naervaer (database is locked). Vent til den "
        "er ferdig, og prøv igjen."
    )


def test_not_a_caselog_only_when_it_is_not_one(naervaer_home: Path) -> None:
    text = naervaer_home / "notater.txt"
    text.write_text("dette er ingen database, men en lang nok tekstfil\n" * 20)
    with pytest.raises(RuntimeFailure) as err:
        CaseStore(text)
    assert str(err.value) == (
        f"{text}: filen er ikke en sakslogg naervaer kan lese (ikke en SQLite-database). "
        "Sjekk «caselog.path» i konfigurasjonen."
    )

    other = naervaer_home / "annen.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE bilder (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeFailure) as err:
        CaseStore(other)
    assert str(err.value) == (
        f"{other}: filen er ikke en sakslogg naervaer kan lese (en annen database). "
        "Sjekk «caselog.path» i konfigurasjonen."
    )
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("bilder",)
    ]


@pytest.mark.skipif(ROOT or os.name == "nt", reason="root reads anything; modes need POSIX")
def test_permission_denied_says_so(naervaer_home: Path) -> None:
    path = naervaer_home / "caselog.sqlite"
    CaseStore(path).close()
    path.chmod(0o000)
    try:
        with pytest.raises(RuntimeFailure) as err:
            CaseStore(path)
    finally:
        path.chmod(0o600)
    assert str(err.value).startswith(f"Ingen tilgang til {path}: rettighetene hindrer det.")


@pytest.mark.parametrize(
    ("code", "start"),
    [
        (errno.ENOSPC, "Disken er full: /x/fil kunne ikke skrives."),
        (errno.EROFS, "Filsystemet er skrivebeskyttet: /x/fil kan ikke skrives."),
        (errno.EACCES, "Ingen tilgang til /x/fil: rettighetene hindrer det."),
        (errno.EPERM, "Ingen tilgang til /x/fil: rettighetene hindrer det."),
    ],
)
def test_os_errors_each_have_their_message(code: int, start: str) -> None:
    failure = os_failure(OSError(code, os.strerror(code), "/x/fil"))
    assert failure is not None and str(failure).startswith(start)
    assert os_failure(OSError(errno.EIO, "I/O error", "/x/fil")) is None
