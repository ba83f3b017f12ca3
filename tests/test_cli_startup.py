"""The CLI stays fast: importing it pulls in no heavy library; the installed entry point works."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("polars", "openpyxl", "jinja2", "rich.table", "fastexcel", "docx")


def test_cli_module_imports_no_heavy_library():
    code = (
        "import sys, naervaer_cli.cli.app\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_has_bokmal_help():
    from typer.main import get_command

    from naervaer_cli.cli.app import app

    root = get_command(app)
    stack = [root]
    while stack:
        command = stack.pop()
        assert command.help or command.short_help, command.name
        stack.extend(getattr(command, "commands", {}).values())


def test_installed_entry_point_runs(tmp_path):
    env = {**os.environ, "NAERVAER_HOME": str(tmp_path)}
    exe = os.path.join(os.path.dirname(sys.executable), "naervaer")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env)
    assert (out.returncode, out.stdout) == (0, "naervaer 0.1.0\n")
    module = subprocess.run(
        [sys.executable, "-m", "naervaer_cli", "--version"], capture_output=True, text=True, env=env
    )
    assert module.stdout == "naervaer 0.1.0\n"


def test_usage_errors_are_one_bokmal_line_with_exit_2(cli):
    run = cli("check", "--bogus")
    assert (run.code, run.out) == (2, "")
    assert (
        run.err == "Feil: Ukjent valg: --bogus. Mente du --verbose? Se «naervaer check --help».\n"
    )
    run = cli("scann")
    assert run.err == "Feil: Ukjent kommando «scann». Mente du «scan»? Se «naervaer --help».\n"
