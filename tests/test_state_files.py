"""The pseudonym key, atomic state files, leftovers of killed writes, private folders
(issue 15, items 3 and 5)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.errors import ConfigError
from naervaer_cli.history import RECORDS_FILE, history_dir, load_history
from naervaer_cli.privacy import (
    KEY_BYTES,
    KEY_FILE,
    leftover_temp_files,
    pseudonym_key,
    write_atomic,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "ist_fravaer.csv"
POSIX = pytest.mark.skipif(os.name == "nt", reason="file modes are not access control on Windows")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _restore_advice(path: Path) -> str:
    return (
        "Den gjør fødselsnummer om til elev-id-er, og en ny nøkkel ville gitt alle elever nye "
        f"id-er, så naervaer lager ikke en ny. Kopier {KEY_FILE} fra sikkerhetskopien til "
        f"{path}, kjør «chmod 600 {path}» og prøv igjen."
    )


# --- the key -----------------------------------------------------------------------------


def test_a_new_key_is_32_private_random_bytes(tmp_path: Path) -> None:
    key = pseudonym_key(tmp_path)
    path = tmp_path / KEY_FILE
    assert len(key) == KEY_BYTES and any(key)
    assert path.read_bytes() == key
    assert pseudonym_key(tmp_path) == key  # read back, not made again
    if os.name != "nt":
        assert _mode(path) == 0o600
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "er tom"),
        (b"k" * 16, "har 16 byte, ikke 32"),
        (b"k" * 33, "har 33 byte, ikke 32"),
        (bytes(32), "inneholder bare nuller"),
    ],
)
def test_a_bad_key_is_refused_and_kept(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / KEY_FILE
    path.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        pseudonym_key(tmp_path)
    assert str(err.value) == f"Nøkkelfilen {path} {problem}. {_restore_advice(path)}"
    assert err.value.exit_code == 2
    assert path.read_bytes() == content  # never silently replaced


@pytest.mark.parametrize("content", [b"", b"short", bytes(32)])
def test_a_bad_key_stops_every_command_with_exit_2(
    cli, naervaer_home: Path, content: bytes
) -> None:
    path = naervaer_home / KEY_FILE
    path.write_bytes(content)
    for args in (("scan", SAMPLE), ("case", "list"), ("purge", "--before", "2020-01-01")):
        run = cli(*args)
        assert run.code == 2, args
        assert run.err.startswith(f"Feil: Nøkkelfilen {path} "), args
        assert run.err.endswith(f"{_restore_advice(path)}\n")
    assert path.read_bytes() == content


def test_a_full_disk_while_making_the_key_leaves_no_key(tmp_path: Path, monkeypatch) -> None:
    """The bug: a 0-byte key after a full disk. Now the key appears whole or not at all."""
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        pseudonym_key(tmp_path)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(tmp_path.iterdir()) == []
    assert len(pseudonym_key(tmp_path)) == KEY_BYTES


# --- atomic writes -----------------------------------------------------------------------


def test_a_failed_write_keeps_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "eksport.csv"
    write_atomic(path, "gammel\n")

    def half(fh) -> None:
        fh.write(b"halv")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(path, half)
    assert path.read_text() == "gammel\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eksport.csv"]


@POSIX
def test_missing_parent_folders_are_made_0700(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b" / "fil.txt", "x")
    assert _mode(tmp_path / "a") == 0o700
    assert _mode(tmp_path / "a" / "b") == 0o700
    assert _mode(tmp_path / "a" / "b" / "fil.txt") == 0o600


@POSIX
def test_pack_out_and_scan_output_make_private_folders(cli, tmp_path: Path) -> None:
    assert cli("pack", "10229", "-i", SAMPLE, "--out", tmp_path / "møte" / "uke47").code == 0
    assert _mode(tmp_path / "møte") == 0o700 and _mode(tmp_path / "møte" / "uke47") == 0o700
    assert cli("scan", SAMPLE, "-f", "csv", "--output", tmp_path / "ut" / "scan.csv").code == 0
    assert _mode(tmp_path / "ut") == 0o700


@POSIX
def test_a_loose_state_folder_gets_a_warning(cli, naervaer_home: Path) -> None:
    naervaer_home.chmod(0o755)
    run = cli("case", "list")
    assert run.code == 0
    assert run.err == (
        f"Advarsel: NAERVAER_HOME ({naervaer_home}) har rettigheter 0755: andre brukere kan "
        f"komme til saksloggen, historikken og nøkkelen. Kjør «chmod 700 {naervaer_home}».\n"
    )
    naervaer_home.chmod(0o700)
    assert cli("case", "list").err == ""


# --- leftovers of killed writes ------------------------------------------------------------

# A child that starts a history write and is killed in the middle of it: the parquet writer
# blocks in a pipe nobody reads, after the temporary file is made.
KILLED = """
import os, sys, signal
from pathlib import Path
from naervaer_cli import privacy
def stuck(fh):
    fh.write(b"PAR1 personopplysninger")
    fh.flush()
    print("writing", flush=True)
    signal.pause()
privacy.write_atomic(Path(sys.argv[1]), stuck)
"""


@POSIX
def test_a_killed_write_leaves_a_temp_file_that_the_next_start_removes(
    cli, naervaer_home: Path
) -> None:
    assert cli("import", SAMPLE).code == 0
    target = history_dir(naervaer_home) / RECORDS_FILE
    before = target.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    leftover = target.with_name(f".{RECORDS_FILE}.{proc.pid}.tmp")
    assert leftover.exists()
    assert leftover_temp_files(naervaer_home) == []  # its writer is alive: not touched
    proc.kill()
    proc.wait()

    assert leftover_temp_files(naervaer_home) == [leftover]
    unrelated = naervaer_home / "notater.tmp"  # not our pattern: never touched
    unrelated.write_text("mine\n")
    run = cli("scan", "-f", "json")
    assert run.code == 0, run.err
    assert not leftover.exists() and unrelated.exists()
    assert target.read_bytes() == before
    assert load_history(naervaer_home).height > 0


def test_purge_removes_leftovers_and_says_so(cli, naervaer_home: Path) -> None:
    assert cli("import", SAMPLE).code == 0
    dead = history_dir(naervaer_home) / f".{RECORDS_FILE}.999999999.tmp"
    dead.write_bytes(b"PAR1 personopplysninger")
    run = cli("purge", "-v", "--before", "2000-01-01", today=date(2026, 11, 20))
    assert run.code == 0
    assert run.out.endswith("Slettet 1 midlertidige filer etter avbrutte skrivinger.\n")
    assert not dead.exists()


def test_leftovers_outside_home_are_left_alone(tmp_path: Path, naervaer_home: Path) -> None:
    elsewhere = tmp_path / ".rapport.csv.999999999.tmp"
    elsewhere.write_text("x")
    assert leftover_temp_files(naervaer_home) == []
    assert elsewhere.exists()
