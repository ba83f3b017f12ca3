"""`naervaer scan` end to end on the committed sample data: exact output and exit codes."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from golden_files import check_golden
from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.output import Format, render
from naervaer_cli.policy import load_policy
from naervaer_cli.result import to_json
from naervaer_cli.scan import scan
from naervaer_cli.subjects import with_subject_names

GOLDEN = Path(__file__).parent / "golden"

REPO = Path(__file__).resolve().parents[2]
IST = REPO / "sample_data" / "ist_fravaer.csv"
IST_XLSX = REPO / "sample_data" / "ist_fravaer.xlsx"

TODAY = date(2026, 11, 20)  # the sample data's last day
# Without sample_data/README.md's config the calendar does not know the sample schools'
# høstferie (week 40, no rows in it): the scan says so, when piped on stderr.
BREAK_NOTE = (
    "Merk: Dataene har ingen registreringer 28.09.2026–02.10.2026 (5 skoledager). Er det en "
    "ferie, legg den inn i [calendar] breaks i konfigurasjonen; ellers mangler data der, og "
    "«Fraværsandel i terminen» kan være for lav og «Økende fravær» slå ut for lett.\n"
)


def core_result(*, group: str | None = None, as_of=None):
    config = load_config()
    policy = load_policy("aas")
    # Loading names the subjects as the policy does («KRØ» → Kroppsøving), as the CLI does.
    records = with_subject_names(load_exports([IST], config, today=TODAY).records, policy.school)
    return scan(records, policy, as_of=as_of, group=group)


def test_table_piped_is_plain_text(cli) -> None:
    run = cli("scan", IST)
    assert (run.code, run.err) == (0, BREAK_NOTE)
    check_golden(GOLDEN / "scan_ist.txt", run.out)


def test_table_for_one_group(cli) -> None:
    run = cli("scan", IST, "--group", "7A", "--as-of", "20.11.2026")
    assert (run.code, run.err) == (0, BREAK_NOTE)
    check_golden(GOLDEN / "scan_ist_7a.txt", run.out)
    assert [line.split("\t")[:3] for line in run.out.splitlines()] == [
        ["Elevnr", "Elev", "Gruppe"],
        ["10229", "Bakke, Jonas", "7A"],
        ["10235", "Fjeld, Oskar", "7A"],
    ]


def test_json_is_exactly_the_core(cli) -> None:
    run = cli("scan", IST, "--format", "json", "--as-of", "2026-11-20")
    assert (run.code, run.err) == (0, "")
    assert json.loads(run.out) == to_json(core_result())
    assert run.out.encode("utf-8") == render(core_result(), Format.json)


def test_csv_and_md_match_the_renderers(cli) -> None:
    for fmt in ("csv", "md"):
        run = cli("scan", IST, "-f", fmt, "-g", "9C")
        assert (run.code, run.err) == (0, BREAK_NOTE if fmt == "csv" else "")  # md has it inside
        assert run.out == render(core_result(group="9C"), Format(fmt), group="9C")


def test_xlsx_and_csv_inputs_agree(cli) -> None:
    assert cli("scan", IST_XLSX, "-f", "json").out == cli("scan", IST, "-f", "json").out


def test_output_file_is_private_and_stdout_stays_empty(cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "oppfølging.xlsx"
    run = cli("scan", IST, "--format", "xlsx", "--output", out)
    assert (run.code, run.out, run.err) == (0, "", "")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sheet = load_workbook(out)["Oppfølging"]
    assert sheet.max_row == 1 + len(core_result().pupils)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 0),
        (("--fail-on", "concern"), 1),
        (("--fail-on", "watch"), 1),
        # 9C on 30.10.2026 has only «følg med» pupils
        (("--group", "9C", "--as-of", "30.10.2026", "--fail-on", "concern"), 0),
        (("--group", "9C", "--as-of", "30.10.2026", "--fail-on", "watch"), 1),
        # nobody flagged in 7B on 30.10.2026
        (("--group", "7B", "--as-of", "30.10.2026", "--fail-on", "watch"), 0),
    ],
)
def test_fail_on(cli, args: tuple[str, ...], code: int) -> None:
    run = cli("scan", IST, "-f", "json", *args)
    assert run.code == code
    assert json.loads(run.out)["pupils"] is not None  # the data is written either way


@pytest.mark.parametrize("bad", ["20.13.2026", "2026-11-31", "i går", "2026/11/20"])
def test_bad_date_is_exit_2(cli, bad: str) -> None:
    run = cli("scan", IST, "--as-of", bad)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"Feil: --as-of: «{bad}» er ikke en dato. Bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå, "
        "f.eks. 2026-11-20 eller 20.11.2026.\n"
    )


def test_unknown_format_is_exit_2(cli) -> None:
    run = cli("scan", IST, "--format", "pdf")
    assert run.code == 2 and run.out == ""


def test_no_files_and_no_history_is_exit_2(cli, naervaer_home: Path) -> None:
    run = cli("scan")
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"Feil: Ingen eksportfiler oppgitt, og ingen lagret fraværshistorikk i {naervaer_home}. "
        "Oppgi én eller flere fraværseksporter (CSV eller XLSX).\n"
    )


def test_no_files_reads_the_stored_history(cli, naervaer_home: Path) -> None:
    from naervaer_cli.history import store_records

    store_records(naervaer_home, load_exports([IST], load_config(), today=TODAY).records)
    assert cli("scan", "-f", "json").out == cli("scan", IST, "-f", "json").out


def test_unknown_policy_is_exit_2(cli) -> None:
    run = cli("scan", IST, "--policy", "oslo")
    assert run.code == 2
    assert run.err.startswith("Feil: Ukjent policy «oslo».")


def test_help_is_bokmal(cli) -> None:
    run = cli("scan", "--help")
    assert run.code == 0
    assert "Finn elever med bekymringsfullt fravær" in run.out
    assert "--fail-on" in run.out and "Referansedato" in run.out


def test_command_modules_import_no_heavy_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, naervaer_cli.cli.scan, naervaer_cli.cli.show\n"
        "print(','.join(m for m in ('polars', 'openpyxl', 'jinja2', 'rich.table', 'rich')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_group_lists_the_known_groups_closest_first(cli) -> None:
    run = cli("scan", IST, "--group", "7Z")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Gruppen «7Z» finnes ikke i dataene. Kjente grupper (nærmest først): "
        "7A, 7B, 5A, 9C.\n"
    )


def test_group_is_matched_without_regard_to_case(cli) -> None:
    run = cli("scan", IST, "--group", " 7a ")
    assert (run.code, run.err) == (0, BREAK_NOTE)
    assert run.out.splitlines()[1].split("\t")[:3] == ["10229", "Bakke, Jonas", "7A"]


def test_reference_date_after_the_data_warns(cli) -> None:
    run = cli("scan", IST, "--as-of", "2027-01-01")
    assert run.code == 0
    assert run.err == (
        "Advarsel: referansedatoen 01.01.2027 er etter siste dato i dataene (20.11.2026); "
        "dagene etter den har ingen føringer.\n" + BREAK_NOTE
    )


def test_reference_date_before_the_data_warns(cli) -> None:
    run = cli("scan", IST, "--as-of", "2026-07-15")
    assert run.code == 0
    assert run.err == (
        "Advarsel: referansedatoen 15.07.2026 er før første dato i dataene (17.08.2026); "
        "vinduet har ingen føringer.\n"
    )


def test_window_without_school_days_warns(cli, naervaer_home: Path) -> None:
    (naervaer_home / "config.toml").write_text(
        '[calendar]\nbreaks = [{from = 2026-10-20, to = 2026-11-20, name = "Prøve"}]\n',
        encoding="utf-8",
    )
    run = cli("scan", IST, "--as-of", "2026-11-20")
    assert run.code == 0
    assert run.err == (
        "Advarsel: vinduet 24.10.–20.11.2026 har ingen skoledager (ferie eller fridager), "
        "så ingen regel kan slå ut.\n" + BREAK_NOTE
    )
