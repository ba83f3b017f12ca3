"""`naervaer case`, `import` and `purge` through the real entry point, with exact output."""

from __future__ import annotations

import getpass
import json
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from caselog_backends import Backend

from naervaer_cli.cli import case

HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")


def _export(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _whole_day(pupil: str, day: str) -> str:
    return f"{pupil};Nordmann, Ola;7A;Kari Lærer;{day};;;;Ikke dokumentert;Ja\n"


def test_a_case_from_open_to_close(cli, known, caselog: Backend) -> None:
    known("10234")
    r = cli("case", "open", "-v", "10234", "--date", "02.11.2026", "-t", "7 dager fravær")
    assert (r.code, r.out, r.err) == (
        0,
        "Åpnet sak for elev 10234 (skole) på NIVÅ 0, 02.11.2026.\n",
        "",
    )
    assert cli("case", "note", "-v", "10234", "Ringte mor", "--date", "2026-11-03").out == (
        "Notat registrert for elev 10234 (03.11.2026).\n"
    )
    assert cli(
        "case", "level", "-v", "10234", "1", "--date", "2026-11-04", "--by", "Rektor"
    ).out == ("Elev 10234: NIVÅ 0 → NIVÅ 1.\n")
    assert cli(
        "case",
        "measure",
        "-v",
        "10234",
        "Fast oppmøte kl 8",
        "-r",
        "Kontaktlærer",
        "--date",
        "2026-11-04",
    ).out == ("Tiltak registrert for elev 10234; evalueres 25.11.2026.\n")
    assert cli(
        "case",
        "meeting",
        "-v",
        "10234",
        "--date",
        "2026-11-04",
        "--next",
        "25.11.2026",
        "-t",
        "Møte med hjemmet",
    ).out == ("Møte registrert for elev 10234; neste møte 25.11.2026.\n")

    r = cli("case", "list", "--as-of", "2026-11-26")
    assert r.out == (
        "Åpne saker per 26.11.2026:\n"
        "   Nr.    Navn        Gruppe  NIVÅ  Åpnet       Hva forfaller\n"
        "!  10234  Elev 10234  7A      1     02.11.2026  Evaluering forfalt 25.11.2026; "
        "Møte forfalt 25.11.2026\n"
        "(! = forfalt, * = denne uken)\n"
    )
    r = cli("case", "evaluate", "-v", "10234", "--not-improved", "--date", "2026-11-26")
    assert r.out == "26.11.2026  Evaluering – nærværet har ikke økt (Kari Lærer)\n"
    assert cli("case", "close", "-v", "10234", "--date", "2026-12-18").out == (
        "Saken til elev 10234 er avsluttet.\n"
    )

    r = cli("case", "show", "10234")
    assert (r.code, r.out) == (
        0,
        (
            "Sak for elev 10234 (skole), åpnet 02.11.2026, avsluttet 18.12.2026\n"
            "  02.11.2026  Uro registrert – NIVÅ 0 – 7 dager fravær (Kari Lærer)\n"
            "  03.11.2026  Notat – Ringte mor (Kari Lærer)\n"
            "  04.11.2026  Nivå endret – NIVÅ 0 → 1 (Rektor)\n"
            "  04.11.2026  Tiltak besluttet – ansvarlig Kontaktlærer, evaluering 25.11.2026 – "
            "Fast oppmøte kl 8 (Kari Lærer)\n"
            "  04.11.2026  Møte holdt – neste møte 25.11.2026 – Møte med hjemmet (Kari Lærer)\n"
            "  26.11.2026  Evaluering – nærværet har ikke økt (Kari Lærer)\n"
            "  18.12.2026  Sak avsluttet (Kari Lærer)\n"
        ),
    )
    assert cli("case", "list", "--as-of", "2026-12-18").out == "Ingen åpne saker per 18.12.2026.\n"


def test_evaluate_from_imported_history(cli, caselog: Backend, tmp_path: Path) -> None:
    # The school's exports: another pupil's absence keeps every school week in the data (a
    # week without any record would be a hole: coverage.py).
    before = [_whole_day("10234", d) for d in ("26.10.2026", "27.10.2026", "28.10.2026")]
    before.append(_whole_day("10999", "30.10.2026"))
    after = [_whole_day("10999", "03.11.2026"), _whole_day("10234", "06.11.2026")]
    r = cli(
        "import",
        "-v",
        _export(tmp_path / "uke44.csv", before),
        _export(tmp_path / "uke45.csv", after),
    )
    assert (r.code, r.out) == (
        0,
        "Importerte 2 fil(er): 6 nye fraværsposter, 0 var lagret fra "
        "før. Historikken har nå 6 poster.\n",
    )
    cli("case", "open", "10234", "--date", "2026-10-26")
    cli("case", "measure", "10234", "Tiltak", "-r", "Kari", "--date", "2026-10-30")
    # After: 2, 3, 4, 5, 6 Nov (one absent); before: 26–29 Oct (three absent) and Fri 23 Oct.
    r = cli("case", "evaluate", "-v", "10234", "--date", "2026-11-06")
    assert (r.code, r.out) == (
        0,
        (
            "Har nærværet økt? Ja.\n"
            "  Før tiltaket:   40,0 % nærvær, 5 skoledager (23.10.2026–29.10.2026)\n"
            "  Etter tiltaket: 80,0 % nærvær, 5 skoledager (02.11.2026–06.11.2026)\n"
            "  Endring: +40,0 prosentpoeng\n"
        ),
    )
    assert "Evaluering – nærværet har økt: 40,0 % → 80,0 %" in cli("case", "show", "10234").out


def test_evaluate_refuses_a_history_with_a_school_week_missing(
    cli, caselog: Backend, tmp_path: Path
) -> None:
    """No record at all 29.10–6.11: an export left out (or a break the calendar does not know),
    not a week of full presence."""
    rows = [_whole_day("10234", d) for d in ("26.10.2026", "27.10.2026", "28.10.2026")]
    rows.append(_whole_day("10234", "09.11.2026"))
    cli("import", _export(tmp_path / "uker.csv", rows))
    cli("case", "open", "10234", "--date", "2026-10-26")
    cli("case", "measure", "10234", "Tiltak", "-r", "Kari", "--date", "2026-10-30")
    r = cli("case", "evaluate", "10234", "--date", "2026-11-09")
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        "Feil: Fraværshistorikken har ingen registreringer 29.10.2026–06.11.2026 (7 "
        "skoledager), i periodene før og etter tiltaket (22.10.2026–09.11.2026). Er det en "
        "ferie, legg den inn i [calendar] breaks i konfigurasjonen; ellers importer eksportene "
        "for de dagene og evaluer igjen.\n"
    )


def test_import_again_adds_nothing(cli, tmp_path: Path) -> None:
    path = _export(tmp_path / "uke45.csv", [_whole_day("1", "02.11.2026")])
    cli("import", path)
    assert cli("import", "-v", path).out == (
        "Importerte 1 fil(er): 0 nye fraværsposter, 1 var lagret fra før. "
        "Historikken har nå 1 poster.\n"
    )


def test_purge_says_what_it_deleted(cli, caselog: Backend, tmp_path: Path) -> None:
    cli(
        "import",
        _export(
            tmp_path / "x.csv",
            [
                _whole_day("1", "02.11.2026"),
                _whole_day("1", "10.11.2026"),
                _whole_day("2", "10.11.2026"),
            ],
        ),
    )
    cli("case", "open", "1", "--date", "2026-11-02")
    cli("case", "dismiss", "1", "--date", "2026-11-03", "-t", "Var syk")
    cli("case", "open", "2", "--date", "2026-11-02")
    r = cli("purge", "-v", "--before", "09.11.2026")
    assert (r.code, r.out) == (
        0,
        "Slettet 1 fraværsposter datert før 09.11.2026 og 1 avsluttede "
        "saker avsluttet før 09.11.2026.\n",
    )
    assert cli("case", "show", "1").code == 2
    assert cli("case", "show", "2").code == 0


def test_export_to_stdout_and_to_a_private_file(
    cli, known, caselog: Backend, tmp_path: Path
) -> None:
    known("1")
    cli("case", "open", "1", "--date", "2026-11-02")
    data = json.loads(cli("case", "export", "-v").out)
    assert [c["pupil_id"] for c in data["cases"]] == ["1"]
    target = tmp_path / "backup.json"
    r = cli("case", "export", "-v", "-o", target)
    assert r.out == f"Saksloggen er eksportert til {target}.\n"
    assert json.loads(target.read_text())["cases"] == data["cases"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_errors_are_one_norwegian_line(
    cli, known, caselog: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    known("1")
    cli("case", "open", "1", "--date", "2026-11-02")
    r = cli("case", "open", "-v", "1")
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        "Feil: Elev 1 har allerede en åpen sak (åpnet 02.11.2026, NIVÅ 0). "
        "Bruk «naervaer case show 1».\n"
    )
    r = cli("case", "note", "-v", "9", "hei")
    assert (r.code, r.err) == (
        2,
        "Feil: Elev 9 har ingen åpen sak. Åpne en med «naervaer case open 9».\n",
    )
    r = cli("case", "note", "-v", "1", "hei", "--date", "31.02.2026")
    assert r.code == 2
    assert r.err == (
        "Feil: --date: «31.02.2026» er ikke en dato. Bruk ÅÅÅÅ-MM-DD eller "
        "dd.mm.åååå, f.eks. 2026-11-20 eller 20.11.2026.\n"
    )
    r = cli(
        "case",
        "measure",
        "-v",
        "1",
        "x",
        "-r",
        "K",
        "--date",
        "2026-11-03",
        "--evaluation-date",
        "2026-11-03",
    )
    assert r.code == 2 and "må være etter datoen tiltaket ble besluttet" in r.err
    monkeypatch.delenv("NAERVAER_BY")
    r = cli("case", "note", "-v", "1", "hei")
    assert (r.code, r.err) == (
        2,
        "Feil: Oppgi hvem som registrerer med --by, miljøvariabelen "
        "NAERVAER_BY eller «case.by» i konfigurasjonen.\n",
    )


def test_by_and_setting_come_from_the_config(
    cli, known, caselog: Backend, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known("b7")
    monkeypatch.delenv("NAERVAER_BY")
    (naervaer_home / "config.toml").write_text(
        caselog.config('setting = "barnehage"\n[case]\nby = "Per Ped.leder"\n'), encoding="utf-8"
    )
    assert cli("case", "open", "-v", "b7", "--date", "2026-11-02").out == (
        "Åpnet sak for barn b7 (barnehage) på NIVÅ 0, 02.11.2026.\n"
    )
    r = cli(
        "case", "measure", "-v", "b7", "Levering før 9", "-r", "Foreldre", "--date", "2026-11-02"
    )
    assert r.code == 2 and "avtales tidspunktet for evalueringen med foreldrene" in r.err
    assert "(Per Ped.leder)" in cli("case", "show", "b7").out


def test_caselog_path_from_config(cli, known, naervaer_home: Path, tmp_path: Path) -> None:
    known("1")
    target = tmp_path / "annet" / "saker.sqlite"
    (naervaer_home / "config.toml").write_text(f'[caselog]\npath = "{target}"\n', encoding="utf-8")
    cli("case", "open", "1", "--date", "2026-11-02")
    assert target.exists() and not (naervaer_home / "caselog.sqlite").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["case"],
        *[
            ["case", name]
            for name in (
                "open",
                "note",
                "measure",
                "evaluate",
                "level",
                "meeting",
                "dismiss",
                "close",
                "list",
                "show",
                "export",
                "restore",
                "migrate",
                "grant",
                "revoke",
                "access-log",
            )
        ],
        ["import"],
        ["purge"],
    ],
)
def test_every_command_has_help(cli, args: list[str]) -> None:
    r = cli(*args, "--help")
    assert r.code == 0
    assert "Bruk:" in r.out and len(r.out.splitlines()) > 3


def test_cli_modules_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys; import naervaer_cli.cli.case, naervaer_cli.cli.importcmd, "
        "naervaer_cli.cli.purge; "
        "print(sorted(m for m in ('polars', 'openpyxl', 'jinja2', 'rich.table', 'sqlite3') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_dates_in_both_forms() -> None:
    assert case.parse_date("2026-11-20") == case.parse_date("20.11.2026") == date(2026, 11, 20)
    assert case.parse_date("5.1.26") == date(2026, 1, 5)


def test_export_then_restore_on_another_machine(
    cli, known, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known("1")
    cli("case", "open", "1", "--date", "2026-11-02")
    cli("case", "measure", "1", "Tiltak", "-r", "Kari", "--date", "2026-11-03")
    backup = tmp_path / "backup.json"
    cli("case", "export", "-o", backup)
    shown = cli("case", "show", "1").out

    other = tmp_path / "ny-maskin"
    monkeypatch.setenv("NAERVAER_HOME", str(other))
    r = cli("case", "restore", "-v", backup)
    assert (r.code, r.out) == (
        0,
        f"Gjenopprettet 1 saker fra {backup} til {other / 'caselog.sqlite'}.\n",
    )
    assert cli("case", "show", "1").out == shown
    r = cli("case", "restore", "-v", backup)
    assert r.code == 2 and "saksloggen er ikke tom" in r.err


def test_restore_refuses_a_bad_file(cli, caselog: Backend, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "naervaer-caselog", "cases": [{"id": 1}]}', encoding="utf-8")
    r = cli("case", "restore", "-v", bad)
    assert (r.code, r.err) == (
        2,
        "Feil: Eksporten av saksloggen er ufullstendig eller skadet "
        "(feltet «closed» mangler); ingenting er gjenopprettet.\n",
    )
    bad.write_text("[1, 2", encoding="utf-8")
    r = cli("case", "restore", "-v", bad)
    assert (r.code, r.err) == (2, f"Feil: {bad}: er ikke en JSON-eksport av saksloggen.\n")
    assert cli("case", "list", "--as-of", "2026-11-02").out == "Ingen åpne saker per 02.11.2026.\n"


def test_the_access_log_records_who_read_the_case(cli, known, caselog: Backend) -> None:
    known("1")
    cli("case", "open", "1", "--date", "2026-11-02")
    assert cli("case", "access-log", "1").out == "Ingen har lest saken til elev 1.\n"
    cli("case", "show", "1")
    r = cli("case", "access-log")
    assert r.code == 0
    header, line = r.out.splitlines()
    assert header == "Tilgangslogg (eldste først, tid i UTC):"
    role = "naervaer_eier" if caselog.is_postgres else getpass.getuser()
    school = "  Testskolen" if caselog.is_postgres else ""
    # «dd.mm.åååå tt:mm  rolle (navn)  elev 1  skole  viste saken»; the time is the clock's.
    assert line[16:] == f"  {role} (Kari Lærer)  elev 1{school}  viste saken"


def test_case_list_names_groups_and_what_the_evaluation_calls_for(
    cli, caselog: Backend, tmp_path: Path
) -> None:
    export = _export(
        tmp_path / "uke47.csv",
        [
            _whole_day("10234", "02.11.2026"),
            "10301;Berg, Jonas;7B;Per Lærer;03.11.2026;;;;Ikke dokumentert;Ja\n",
            "10402;Dahl, Siri;7C;Per Lærer;03.11.2026;;;;Ikke dokumentert;Ja\n",
        ],
    )
    cli("case", "open", "10234", "-i", export, "--date", "2026-11-02")
    cli("case", "level", "10234", "1", "--date", "2026-11-02")
    cli("case", "measure", "10234", "Fast oppmøte", "-r", "Kontaktlærer", "--date", "2026-11-02")
    cli("case", "evaluate", "10234", "--not-improved", "--date", "2026-11-20")
    cli("case", "open", "10301", "-i", export, "--date", "2026-11-03")
    cli("case", "level", "10301", "1", "--date", "2026-11-03")
    cli("case", "measure", "10301", "Samtale", "-r", "Kontaktlærer", "--date", "2026-11-03")
    r = cli("case", "list", "--as-of", "2026-11-26", "-i", export)
    assert (r.code, r.err) == (0, "")
    assert r.out == (
        "Åpne saker per 26.11.2026:\n"
        "   Nr.    Navn           Gruppe  NIVÅ  Åpnet       Hva forfaller\n"
        "!  10301  Berg, Jonas    7B      1     03.11.2026  Evaluering forfalt 24.11.2026\n"
        "   10234  Nordmann, Ola  7A      1     02.11.2026  "
        "Evalueringen viste ikke økt nærvær – vurder NIVÅ 2\n"
        "(! = forfalt, * = denne uken)\n"
    )
    r = cli("case", "list", "--as-of", "2026-11-26", "-i", export, "--group", "7a")
    assert r.out.splitlines()[0] == "Åpne saker i 7a per 26.11.2026:"
    assert [line.split()[0] for line in r.out.splitlines()[2:-1]] == ["10234"]
    assert "Ingenting forfaller" not in r.out
    r = cli("case", "list", "--as-of", "2026-11-26", "-i", export, "--group", "7C")
    assert r.out == "Ingen åpne saker i 7C per 26.11.2026.\n"
