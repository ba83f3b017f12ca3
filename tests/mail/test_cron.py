"""The README's crontab line run as cron runs it (no terminal): silent on success, not on error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from smtp_fixtures import PASSWORD, Server
from test_mail_cli import SAMPLE, write_config

NAERVAER = Path(sys.executable).parent / "naervaer"


def run(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """The installed entry point with pipes for stdout and stderr, as under cron."""
    env = {**os.environ, "NAERVAER_HOME": str(home), "NAERVAER_SMTP_PASSWORD": PASSWORD}
    return subprocess.run(
        [str(NAERVAER), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_the_readme_crontab_line_prints_nothing_on_success(
    tmp_path: Path, naervaer_home: Path, smtp_server: Server
) -> None:
    config = write_config(tmp_path, smtp_server)

    imported = run(naervaer_home, "import", SAMPLE)
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "", "")
    notified = run(naervaer_home, "--config", config, "notify")
    assert (notified.returncode, notified.stdout, notified.stderr) == (0, "", "")

    # Silent, and still done: the history holds the export and every mail went out.
    assert sorted(m.to for m in smtp_server.handler.received) == [
        "hilde@skole.no",
        "rektor@skole.no",
        "terje@skole.no",
    ]
    again = run(naervaer_home, "--config", config, "notify")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_verbose_prints_the_summary_without_a_terminal(tmp_path: Path, naervaer_home: Path) -> None:
    imported = run(naervaer_home, "import", "-v", SAMPLE)
    assert imported.returncode == 0 and imported.stderr == ""
    assert imported.stdout.startswith("Importerte 1 fil(er): ")
    config = write_config(tmp_path)
    notified = run(naervaer_home, "--config", config, "notify", "--verbose", "--dry-run", "eml")
    assert (notified.returncode, notified.stdout) == (0, "")
    assert notified.stderr.startswith("Skrev 3 e-poster til eml ")


def test_quiet_and_verbose_together_is_a_usage_error(naervaer_home: Path) -> None:
    both = run(naervaer_home, "import", "-q", "-v", SAMPLE)
    assert (both.returncode, both.stdout) == (2, "")
    assert both.stderr == "Feil: Velg enten --quiet eller --verbose, ikke begge.\n"


def test_errors_still_reach_stderr_without_a_terminal(tmp_path: Path, naervaer_home: Path) -> None:
    missing = run(naervaer_home, "import", "-q", tmp_path / "borte.csv")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == (
        f"Feil: Fant ikke filen {tmp_path / 'borte.csv'}. Sjekk navnet og mappen.\n"
    )
    config = write_config(tmp_path)  # no SMTP host: notify cannot send
    failed = run(naervaer_home, "--config", config, "notify", "-q", SAMPLE)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.startswith("Feil: ")
