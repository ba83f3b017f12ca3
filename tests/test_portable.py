"""Runs on Windows and macOS too: no POSIX-only import, portable paths, private state, Excel CSV.

We cannot run Windows here, so these tests simulate what can be simulated: a process in which
the POSIX-only modules cannot be imported (as on Windows), paths with spaces and æøå, the
Windows rules for a NAERVAER_HOME on a network share (pure functions of the path string), and
a source scan for paths built with a literal "/".
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from naervaer_cli import portable
from naervaer_cli.portable import modes_apply, network_location, read_mounts

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "naervaer_cli"
SAMPLES = REPO / "sample_data"
POSIX_ONLY = ("fcntl", "pwd", "grp", "termios", "resource")
TODAY = date(2026, 11, 20)  # after the samples' last date

# Runs in a fresh interpreter: block the POSIX-only modules before anything else is imported,
# import every naervaer_cli module, then run the commands a teacher runs, in-process.
WITHOUT_POSIX = """
import contextlib, importlib, io, json, pkgutil, sys, warnings

BLOCKED = set(sys.argv[1].split(","))
for name in BLOCKED:
    sys.modules.pop(name, None)


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r} (blocked: not on Windows)", name=name)
        return None


sys.meta_path.insert(0, Blocker())
# On Windows filelock locks with LockFileEx; on Linux without fcntl it falls back to its soft
# lock and warns once, which is this simulation talking, not naervaer.
warnings.filterwarnings("ignore", "only soft file lock is available")

blocked_ok = []
for name in sorted(BLOCKED):
    try:
        importlib.import_module(name)
    except ImportError:
        blocked_ok.append(name)

import naervaer_cli

modules = []
for info in pkgutil.walk_packages(naervaer_cli.__path__, "naervaer_cli."):
    if info.name == "naervaer_cli.__main__":  # importing it runs the CLI; main() runs below
        continue
    importlib.import_module(info.name)
    modules.append(info.name)

from naervaer_cli.cli.app import main


def run(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return {"args": args, "code": code, "out": out.getvalue(), "err": err.getvalue()}


results = [run(args) for args in json.loads(sys.argv[2])]

from pathlib import Path
from naervaer_cli.mail.lock import notify_lock

busy_args = json.loads(sys.argv[3])
with notify_lock(Path(sys.argv[4])):
    results.append(run(busy_args))

loaded = sorted(name for name in BLOCKED if name in sys.modules)
print(json.dumps({"blocked_ok": blocked_ok, "modules": modules, "loaded": loaded,
                  "results": results}))
"""

# The sample schools' høstferie (sample_data/README.md): without it the scans note a school
# week without records.
SAMPLE_CALENDAR = (
    '[calendar]\nbreaks = [{from = 2026-09-28, to = 2026-10-02, name = "Høstferie"}]\n'
)
MAIL_CONFIG = (
    """school = "Åsgård skole"
[mail]
from = "Nærvær <naervaer@skole.no>"
leadership = ["rektor@skole.no"]
host = "smtp.skole.no"
[mail.staff]
"Terje Nygård" = "terje@skole.no"
"""
    + SAMPLE_CALENDAR
)


def test_every_module_and_the_teachers_commands_run_without_posix_only_modules(
    tmp_path: Path, naervaer_home: Path
) -> None:
    folder = tmp_path / "Mine dokumenter" / "Fravær æøå"
    folder.mkdir(parents=True)
    home = folder / "naervaer hjem"
    config = folder / "naervær.toml"
    config.write_text(MAIL_CONFIG, encoding="utf-8")
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(SAMPLE_CALENDAR, encoding="utf-8")
    export = str(SAMPLES / "ist_fravaer.xlsx")
    commands = [
        ["scan", export],
        ["import", "-v", export],
        ["scan"],
        ["case", "open", "-v", "10229", "--date", "2026-11-20", "--by", "Kari Lærer"],
        ["case", "list", "--as-of", "2026-11-20"],
        [
            "pack",
            "-v",
            "10229",
            "-i",
            export,
            "--out",
            str(folder / "møte"),
            "--meeting",
            "01.12.2026",
        ],
        ["--config", str(config), "notify", export, "--dry-run", str(folder / "utkast")],
    ]
    busy = ["--config", str(config), "notify", export]
    env = {**os.environ, "NAERVAER_HOME": str(home)}

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_POSIX,
            ",".join(POSIX_ONLY),
            json.dumps(commands),
            json.dumps(busy),
            str(home),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=300,
    )

    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["blocked_ok"] == sorted(POSIX_ONLY)  # the blocker works
    assert report["loaded"] == []
    on_disk = {
        "naervaer_cli." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for p in SRC.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    }
    assert on_disk <= set(report["modules"])
    scan, imported, history_scan, opened, listed, pack, dry_run, busy_run = report["results"]
    for run in (scan, imported, history_scan, opened, listed, pack, dry_run):
        assert (run["args"], run["code"]) == (run["args"], 0), run["err"]
        assert run["err"] == ""
    assert "Bakke, Jonas" in scan["out"] and "Bakke, Jonas" in history_scan["out"]
    assert imported["out"] == (
        "Importerte 1 fil(er): 338 nye fraværsposter, 0 var lagret fra før. "
        "Historikken har nå 338 poster.\n"
    )
    assert opened["out"] == "Åpnet sak for elev 10229 (skole) på NIVÅ 0, 20.11.2026.\n"
    assert "  10229  Bakke, Jonas  7A      0     20.11.2026  Ingenting forfaller" in listed["out"]
    assert pack["out"] == f"{folder / 'møte' / 'elev-10229.html'}\n"
    assert (folder / "møte" / "elev-10229.html").is_file()
    assert sorted(p.name for p in (folder / "utkast").iterdir()) == [
        "01-terje@skole.no.eml",
        "02-rektor@skole.no.eml",
    ]
    # Two notify runs at once: the second stops with its message and exit 1.
    assert busy_run["code"] == 1
    assert busy_run["err"] == (
        f"Feil: naervaer notify kjører allerede (låsefil {home / 'notify.lock'}). Denne "
        "kjøringen avsluttes uten å sende noe; neste kjøring tar det som gjenstår.\n"
    )


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (top level, also inside if/try blocks)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    stack.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    return found


def test_no_module_in_src_imports_a_posix_only_module_at_module_level() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for node in _module_level_imports(ast.parse(path.read_text("utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            offenders += [
                f"{path.relative_to(SRC)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in POSIX_ONLY
            ]
    assert offenders == []


def test_windows_unc_paths_are_network_shares() -> None:
    for path in (
        r"\\skole-fil01\felles\naervaer",
        "//skole-fil01/felles/naervaer",
        r"\\?\UNC\skole-fil01\felles\naervaer",
    ):
        assert network_location(path, "nt") == r"nettverksdelingen \\skole-fil01\felles", path
    assert network_location(r"\\skole-fil01", "nt") == r"nettverket (\\skole-fil01)"


def test_windows_mapped_network_drive_is_a_network_share() -> None:
    assert network_location(r"H:\naervaer", "nt", remote_drives={"H:"}) == ("nettverksstasjonen H:")
    assert network_location(r"h:\naervaer", "nt", remote_drives={"H:"}) == ("nettverksstasjonen H:")
    assert network_location(r"\\?\H:\naervaer", "nt", remote_drives={"H:"}) == (
        "nettverksstasjonen H:"
    )


def test_windows_local_folders_are_not_network_shares() -> None:
    local = r"C:\Users\kari\AppData\Local\naervaer"
    assert network_location(local, "nt") is None
    assert network_location(local, "nt", remote_drives={"H:"}) is None
    assert network_location(r"\\?\C:\Users\kari\Mine dokumenter\fravær", "nt") is None
    assert network_location(r"\\.\C:\naervaer", "nt") is None
    # A UNC-looking string means nothing special on POSIX: there it is a local path.
    assert network_location("//skole-fil01/felles", "posix") is None


MOUNTS = [("/", "ext4"), ("/home", "nfs4"), ("/home/kari/lokal disk", "ext4"), ("/mnt", "cifs")]


def test_posix_network_mounts_by_the_longest_mount_point() -> None:
    assert network_location("/home/kari/naervaer", "posix", mounts=MOUNTS) == (
        "en nettverksdisk (nfs4 montert på /home)"
    )
    assert network_location("/home/kari/lokal disk/naervaer", "posix", mounts=MOUNTS) is None
    assert network_location("/mnt", "posix", mounts=MOUNTS) == (
        "en nettverksdisk (cifs montert på /mnt)"
    )
    assert network_location("/mntx/naervaer", "posix", mounts=MOUNTS) is None
    assert network_location("/var/lib/naervaer", "posix", mounts=MOUNTS) is None


def test_mount_table_is_read_with_escaped_spaces(tmp_path: Path) -> None:
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "fil01:/felles /mnt/felles\\040mappe nfs4 rw 0 0\n"
        "//fil01/delt /mnt/delt cifs rw 0 0\n",
        encoding="utf-8",
    )
    assert read_mounts(table) == [
        ("/", "ext4"),
        ("/mnt/felles mappe", "nfs4"),
        ("/mnt/delt", "cifs"),
    ]
    assert read_mounts(tmp_path / "missing") == []


def test_file_modes_are_access_control_only_off_windows() -> None:
    assert modes_apply("posix") is True
    assert modes_apply("nt") is False


def test_a_home_on_a_network_share_gets_a_warning_and_the_command_still_runs(
    cli, tmp_path: Path, naervaer_home: Path, monkeypatch
) -> None:
    # No NFS server here: a real mount table in /proc's format says the home is on one.
    table = tmp_path / "mounts"
    table.write_text(f"/dev/sda1 / ext4 rw 0 0\nfil01:/h {naervaer_home} nfs4 rw 0 0\n")
    monkeypatch.setattr(portable, "read_mounts", lambda: read_mounts(table))

    run = cli("case", "list")

    assert run.code == 0
    assert run.err == (
        f"Advarsel: NAERVAER_HOME ({naervaer_home}) ligger på en nettverksdisk (nfs4 montert "
        f"på {naervaer_home}). Saksloggen og historikken har personopplysninger som andre med "
        "tilgang dit kan lese, og låsing over nettverket er ikke til å stole på. Bruk en mappe "
        "på denne maskinen (uten NAERVAER_HOME brukes datamappen i din egen brukerprofil).\n"
    )


def test_a_local_home_gets_no_warning(cli) -> None:
    run = cli("case", "list")
    assert (run.code, run.err) == (0, "")


# Every place in src/ where a "/" sits right beside an interpolated value, reviewed: none of
# them builds a file path. A new one fails the test until it is added here with its reason.
NOT_PATHS = {
    ("mail/compose.py", "f'mail/{name}.txt.j2'"): "a Jinja template name: always '/'",
    ("mail/compose.py", "f'mail/{name}.html.j2'"): "a Jinja template name: always '/'",
    ("mail/templates.py", "f'mail/{name}.{ext}.j2'"): "a Jinja template name: always '/'",
    ("portable.py", "point.rstrip('/') + '/'"): "POSIX mount points, only read off Windows",
}


def _slash_beside_a_value(tree: ast.Module) -> list[ast.expr]:
    """f-strings and `+` with a "/" next to a value, and "/".join(...): how paths get hand-built."""
    found: list[ast.expr] = []

    def slashed(node: ast.expr, at_start: bool) -> bool:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return False
        return node.value.startswith("/") if at_start else node.value.endswith("/")

    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for i, part in enumerate(parts):
                after_value = i > 0 and isinstance(parts[i - 1], ast.FormattedValue)
                before_value = i + 1 < len(parts) and isinstance(parts[i + 1], ast.FormattedValue)
                if (after_value and slashed(part, True)) or (before_value and slashed(part, False)):
                    found.append(node)
                    break
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if slashed(node.left, False) or slashed(node.right, True):
                found.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
            and node.func.value.value == "/"
        ):
            found.append(node)
    return found


def test_no_path_is_built_with_a_hard_coded_slash() -> None:
    seen = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in _slash_beside_a_value(ast.parse(path.read_text("utf-8"))):
            seen.add((path.relative_to(SRC).as_posix(), ast.unparse(node)))
    assert seen - NOT_PATHS.keys() == set()
    assert NOT_PATHS.keys() - seen == set()  # a stale entry would hide a new one


def test_the_slash_check_finds_hand_built_paths() -> None:
    code = (
        "out = f'{folder}/elev-{pupil}.html'\n"
        "lock = str(home) + '/notify.lock'\n"
        "key = '/'.join([str(home), 'pseudonym.key'])\n"
        "fine = folder / f'elev-{pupil}.html'\n"
        "url = 'https://example.org/'\n"
    )
    found = [ast.unparse(node) for node in _slash_beside_a_value(ast.parse(code))]
    assert found == [
        "f'{folder}/elev-{pupil}.html'",
        "str(home) + '/notify.lock'",
        "'/'.join([str(home), 'pseudonym.key'])",
    ]


def test_paths_with_spaces_and_norwegian_letters_in_files_and_messages(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    folder = tmp_path / "Mine dokumenter" / "Fravær på Åsgård"
    folder.mkdir(parents=True)
    export = folder / "IST fravær uke 47.csv"
    export.write_bytes((SAMPLES / "ist_fravaer.csv").read_bytes())
    out = folder / "Oversikt for 7A – høst.csv"

    run = cli("scan", export, "--format", "csv", "--output", out)
    assert (run.code, run.out, run.err) == (0, "", "")
    assert "Bakke, Jonas" in out.read_text(encoding="utf-8-sig")

    missing = folder / "ikke her.xlsx"
    run = cli("scan", missing)
    assert run.code == 2
    # The path as the OS writes it (str(Path): «\» on Windows), whole, with its spaces.
    assert f"{missing}" in run.err and run.err.startswith("Feil: ")

    run = cli("pack", "-v", "10229", "-i", export, "--out", folder / "møte mappe")
    assert run.code == 0, run.err
    assert run.out == f"{folder / 'møte mappe' / 'elev-10229.html'}\n"


def test_csv_output_opens_in_excel_utf8_bom_semicolons_crlf(cli, tmp_path: Path) -> None:
    out = tmp_path / "fravær.csv"
    run = cli("scan", SAMPLES / "ist_fravaer.xlsx", "--format", "csv", "--output", out)
    assert run.code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfElevnr;Elev;")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert "Bråten, Lykke" in data.decode("utf-8-sig")


def test_csv_to_a_windows_style_stdout_keeps_bom_and_single_crlf() -> None:
    """Redirected stdout on Windows: cp1252 text stream that turns "\\n" into "\\r\\n"."""
    import io

    from naervaer_cli.config import load_config
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.output import Format, render, write

    result = run_scan(load_inputs(load_config(), [SAMPLES / "ist_fravaer.xlsx"], today=TODAY))
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="cp1252", newline="\r\n")

    write(result, Format.csv, stdout=stdout)

    stdout.flush()
    assert raw.getvalue() == render(result, Format.csv).encode("utf-8")
    assert b"\r\r\n" not in raw.getvalue()


def test_redirected_output_in_a_windows_code_page_is_utf8_not_a_crash(tmp_path: Path) -> None:
    # PYTHONIOENCODING=cp1252 is what a redirected stdout on a Norwegian Windows PC gets.
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "NAERVAER_HOME": str(tmp_path)}
    (tmp_path / "config.toml").write_text(SAMPLE_CALENDAR, encoding="utf-8")
    export = str(SAMPLES / "ist_fravaer.xlsx")
    for args, expected in (
        (["scan", export, "--format", "csv"], "\ufeffElevnr;Elev;"),
        (["policy", "show"], "≥ 240 fraværsminutter"),
        (["scan", export], "Bråten, Lykke"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "naervaer_cli", *args], capture_output=True, env=env
        )
        assert (proc.returncode, proc.stderr) == (0, b""), args
        assert expected in proc.stdout.decode("utf-8"), args


def test_readme_keeps_its_first_two_commands_and_has_the_windows_ones() -> None:
    import re

    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)
    assert blocks[:2] == [
        (
            "sh",
            "python3 -m venv .venv && .venv/bin/pip install . && "
            ".venv/bin/naervaer scan sample_data/ist_fravaer.xlsx\n",
        ),
        (
            "sh",
            "python3 -m venv .venv && .venv/bin/pip install '.[test]' && "
            ".venv/bin/python -m pytest\n",
        ),
    ]
    powershell = [body for lang, body in blocks if lang == "powershell"]
    assert (
        "py -m venv .venv; .venv\\Scripts\\pip install .; "
        ".venv\\Scripts\\naervaer scan sample_data\\ist_fravaer.xlsx\n"
    ) in powershell
    assert any("pipx install" in b and "uv tool install" in b for b in powershell)
    assert any(b.startswith("schtasks /Create ") for b in powershell)
