"""--output, --out, --rejects and --dry-run: a regular file, a folder or a new path, or `-`;
never a device, FIFO or socket (issue 15, item 4)."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on Windows")

FIFO = "en FIFO (navngitt rør)"


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "rør"
    os.mkfifo(path)
    return path


def _file_refused(option: str, path: Path, kind: str) -> str:
    return (
        f"Feil: {option}: {path} er {kind}, ikke en vanlig fil, og blir ikke skrevet over. "
        "Oppgi en vanlig fil eller en ny sti.\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("scan", SAMPLE, "--output"),
        ("scan", SAMPLE, "-f", "xlsx", "-o"),
        ("vitnemal", SAMPLE, "--output"),
        ("case", "export", "--output"),
    ],
)
def test_output_at_a_fifo_is_refused_and_stays_a_fifo(cli, tmp_path: Path, args) -> None:
    fifo = _fifo(tmp_path)
    run = cli(*args, fifo)
    assert run.code == 2
    assert run.err == _file_refused("--output", fifo, FIFO)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_rejects_at_a_fifo_is_refused(cli, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    run = cli("import", SAMPLE, "--rejects", fifo)
    assert run.code == 2
    assert run.err == _file_refused("--rejects", fifo, FIFO)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_at_dev_null_is_refused(cli) -> None:
    run = cli("scan", SAMPLE, "-f", "json", "--output", "/dev/null")
    assert run.code == 2
    assert run.err == _file_refused("--output", Path("/dev/null"), "en enhetsfil")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_at_a_symlink_to_a_fifo_is_refused(cli, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    link = tmp_path / "lenke.json"
    link.symlink_to(fifo)
    run = cli("scan", SAMPLE, "-f", "json", "--output", link)
    assert run.code == 2 and "er en FIFO" in run.err
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


def test_output_at_a_socket_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        run = cli("scan", SAMPLE, "--output", path)
    finally:
        server.close()
    assert run.code == 2
    assert run.err == _file_refused("--output", path, "en socket")


@pytest.mark.parametrize(("option", "command"), [("--out", "pack"), ("--dry-run", "notify")])
def test_folder_options_refuse_a_fifo_and_a_device(cli, tmp_path: Path, option, command) -> None:
    fifo = _fifo(tmp_path)
    args = ("pack", "10229", "-i", SAMPLE) if command == "pack" else ("notify", SAMPLE)
    for target, kind in ((fifo, FIFO), (Path("/dev/null"), "en enhetsfil")):
        run = cli(*args, option, target)
        assert run.code == 2
        assert run.err == (
            f"Feil: {option}: {target} er {kind}, ikke en mappe. Oppgi en mappe eller en ny sti.\n"
        )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_regular_file_and_a_new_path_are_accepted(cli, tmp_path: Path) -> None:
    old = tmp_path / "gammel.json"
    old.write_text("gammelt innhold")
    assert cli("scan", SAMPLE, "-f", "json", "--output", old).code == 0
    assert json.loads(old.read_text())["pupils"]
    assert cli("scan", SAMPLE, "-f", "json", "--output", tmp_path / "ny.json").code == 0
    assert (tmp_path / "ny.json").is_file()


def test_a_dash_is_standard_output(cli, tmp_path: Path) -> None:
    run = cli("scan", SAMPLE, "-f", "json", "--output", "-")
    assert run.code == 0 and json.loads(run.out)["pupils"]
    assert not Path("-").exists()
    run = cli("case", "export", "-o", "-")
    assert run.code == 0 and json.loads(run.out)["format"] == "naervaer-caselog"


def test_a_dash_is_no_folder_and_no_rejects_file(cli) -> None:
    run = cli("pack", "10229", "-i", SAMPLE, "--out", "-")
    assert (run.code, run.err) == (
        2,
        "Feil: --out -: standard ut kan ikke brukes her; oppgi en mappe.\n",
    )
    run = cli("import", SAMPLE, "--rejects", "-")
    assert (run.code, run.err) == (
        2,
        "Feil: --rejects -: standard ut kan ikke brukes her; oppgi en fil.\n",
    )
