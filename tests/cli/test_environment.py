"""The CLI's environment reaches the commands: today, terminals and width come from the `cli`
fixture, not from patching `date` or `isatty`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from naervaer_cli.environment import Environment

IST = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"


def test_today_is_the_environments(cli, known) -> None:
    known("10234")
    run = cli("case", "open", "-v", "10234", "--by", "Kari", today=date(2026, 11, 20))
    assert (run.code, run.err) == (0, "")
    assert run.out == "Åpnet sak for elev 10234 (skole) på NIVÅ 0, 20.11.2026.\n"
    listed = cli("case", "list", today=date(2026, 11, 23))
    assert "20.11.2026" in listed.out


def test_a_terminal_gets_the_rich_table_at_its_width_and_a_pipe_plain_text(cli) -> None:
    piped = cli("scan", IST, "--as-of", "2026-11-20")
    terminal = cli("scan", IST, "--as-of", "2026-11-20", tty=True, width=120)
    assert piped.code == terminal.code == 0
    assert "\x1b[" not in piped.out
    assert "\x1b[1;31mBekymring\x1b[0m" in terminal.out
    narrow = cli("scan", IST, "--as-of", "2026-11-20", tty=True, width=70)
    assert narrow.out != terminal.out  # the width reaches Rich


def test_a_file_written_on_a_terminal_is_reported_on_stderr(cli, tmp_path: Path) -> None:
    out = tmp_path / "flagget.csv"
    quiet = cli("scan", IST, "-f", "csv", "-o", out)
    said = cli("scan", IST, "-f", "csv", "-o", out, tty=True)
    assert (quiet.code, quiet.err) == (0, "")
    assert said.code == 0 and said.err.startswith("Skrev ") and said.err.endswith(f" til {out}.\n")


def test_from_system_reads_naervaer_home(naervaer_home: Path) -> None:
    assert Environment.from_system().home == naervaer_home
