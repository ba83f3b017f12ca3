"""Shared fixtures: an isolated NAERVAER_HOME and a way to run the CLI in-process."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def naervaer_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own NAERVAER_HOME and runs outside the repo (no stray config)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NAERVAER_HOME", str(home))
    monkeypatch.delenv("NAERVAER_CONFIG", raising=False)
    monkeypatch.delenv("NAERVAER_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    return home


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `naervaer ARGS...` through the real entry point and its error boundary.

    The run's environment is the captured streams and this test's NAERVAER_HOME; `tty=True`
    makes stdout and stderr terminals (`width` columns), `today` replaces the clock. Set them
    here rather than patching `date` or `isatty`.
    """
    from naervaer_cli.cli.app import main
    from naervaer_cli.environment import Environment

    def run(*args: object, tty: bool = False, today: date | None = None, width: int = 100) -> Run:
        capsys.readouterr()
        real = Environment.from_system()  # the captured streams, NAERVAER_HOME as now set
        env = replace(
            real,
            stdout_isatty=tty,
            stderr_isatty=tty,
            today=today or real.today,
            width=width if tty else None,
        )
        try:
            main([str(a) for a in args], env=env)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


KNOWN_HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"


@pytest.fixture
def known(cli, tmp_path_factory: pytest.TempPathFactory):
    """Import a whole day absent for each pupil id, so `case open` finds them in the history."""

    def run(*ids: str, day: str = "02.11.2026", group: str = "7A") -> None:
        path = tmp_path_factory.mktemp("known") / "kjente.csv"
        rows = "".join(
            f"{pid};Elev {pid};{group};Kari Lærer;{day};;;;Ikke dokumentert;Ja\n" for pid in ids
        )
        path.write_text(KNOWN_HEADER + rows, encoding="utf-8")
        result = run_cli("import", path)
        assert result.code == 0, result.err

    run_cli = cli
    return run
