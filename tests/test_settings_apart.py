"""Issue 13, items 3 and 4: school and barnehage cases kept apart in one case log, pupils
found before a case is opened, a case opened by mistake deleted, and a case whose pupil is
not in the scanned files listed apart by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IST = REPO / "sample_data" / "ist_fravaer.csv"
BARNEHAGE = REPO / "sample_data" / "barnehage_tilstede.csv"
HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")


def _elsewhere(tmp_path: Path) -> Path:
    """An export from another school: pupil 77777, who is not in the IST sample."""
    path = tmp_path / "annen.csv"
    row = "77777;Flyttet, Frida;6B;Ola Lærer;02.11.2026;;;;Ikke dokumentert;Ja\n"
    path.write_text(HEADER + row, encoding="utf-8")
    return path


def _agenda(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n")[0]


def test_school_and_barnehage_cases_in_one_log_each_pack_lists_its_own(cli, tmp_path: Path) -> None:
    school = cli(
        "case", "open", "-v", "Jonas Bakke", "-i", IST, "--level", "1", "--date", "2026-11-02"
    )
    assert (school.code, school.err) == (0, "")
    assert school.out == "Åpnet sak for elev 10229 (skole) på NIVÅ 1, 02.11.2026.\n"
    child = cli(
        "case",
        "open",
        "-v",
        "Ingrid Amundsen",
        "-i",
        BARNEHAGE,
        "--level",
        "1",
        "--date",
        "2026-11-02",
    )
    assert (child.code, child.err) == (0, "")
    assert child.out.startswith("Åpnet sak for barn ") and "(barnehage) på NIVÅ 1" in child.out
    code = child.out.split()[4]
    # With the parents' consent the ressursteam sees the names (else each case is anonymous).
    assert cli("case", "consent", "10229", "ja").code == 0
    assert cli("case", "consent", code, "ja").code == 0

    team = tmp_path / "skole"
    run = cli(
        "pack",
        "-v",
        "--resource-team",
        "-i",
        IST,
        "-o",
        team,
        "-f",
        "md",
        "--meeting",
        "2026-11-23",
    )
    assert (run.code, run.err) == (0, "")
    assert run.out == f"{team / 'ressursteam-2026-11-23.md'}\n"
    agenda = _agenda(team / "ressursteam-2026-11-23.md")
    assert "| Sak | Elev | Nivå |" in agenda and "Jonas Bakke" in agenda
    assert "Ingrid" not in agenda and code not in agenda

    team = tmp_path / "barnehage"
    run = cli(
        "pack",
        "-v",
        "--resource-team",
        "-i",
        BARNEHAGE,
        "-o",
        team,
        "-f",
        "md",
        "--meeting",
        "2026-11-23",
        "--time",
        "14.30",
    )
    assert (run.code, run.err) == (0, "")
    assert run.out == f"{team / 'ressursteam-2026-11-23-kl1430.md'}\n"
    text = (team / "ressursteam-2026-11-23-kl1430.md").read_text(encoding="utf-8")
    agenda = _agenda(team / "ressursteam-2026-11-23-kl1430.md")
    assert "| Sak | Barn | Nivå |" in agenda and "Ingrid Amundsen" in agenda
    assert "Jonas" not in text and "10229" not in text and code not in text

    # The school scan and `case list` see only the school's case, and the other way round.
    scanned = json.loads(cli("scan", IST, "-f", "json", "--as-of", "2026-12-20").out)
    assert code not in json.dumps(scanned)
    assert cli("case", "list", "--as-of", "2026-11-20", "-i", IST).out == (
        "Åpne saker per 20.11.2026:\n"
        "  Nr.    Navn          Gruppe  NIVÅ  Åpnet       Hva forfaller\n"
        "  10229  Bakke, Jonas  7A      1     02.11.2026  Beslutt tiltak og avtal evalueringsdato\n"
        "(! = forfalt, * = denne uken)\n"
    )
    listed = cli(
        "case", "list", "--as-of", "2026-11-20", "--setting", "barnehage", "-i", BARNEHAGE
    ).out
    assert f"  {code}  Amundsen, Ingrid" in listed and "10229" not in listed


def test_a_team_pack_skips_a_case_whose_pupil_is_not_in_the_data(cli, tmp_path: Path) -> None:
    assert cli("case", "open", "77777", "-i", _elsewhere(tmp_path), "--level", "1").code == 0
    assert cli("case", "open", "10229", "-i", IST, "--level", "1").code == 0
    assert cli("case", "consent", "10229", "ja").code == 0
    out = tmp_path / "ut"
    run = cli(
        "pack", "-v", "--resource-team", "-i", IST, "-o", out, "-f", "md", "--meeting", "2026-11-23"
    )
    assert run.code == 0
    assert run.err == (
        "Merk: Elevnummer 77777 har en åpen sak, men finnes ikke i dataene; saken er ikke tatt "
        "med. Importer en nyere eksport, eller slett saken med «naervaer case delete».\n"
    )
    agenda = _agenda(out / "ressursteam-2026-11-23.md")
    assert "Jonas Bakke" in agenda and "77777" not in agenda


def test_an_overdue_case_not_in_the_export_is_listed_apart(cli, tmp_path: Path) -> None:
    assert (
        cli("case", "open", "77777", "-i", _elsewhere(tmp_path), "--date", "2026-11-02").code == 0
    )
    assert (
        cli(
            "case",
            "measure",
            "77777",
            "Daglig oppfølging",
            "-r",
            "Kontaktlærer",
            "--date",
            "2026-11-02",
            "--evaluate",
            "2026-11-16",
        ).code
        == 0
    )
    table = cli("scan", IST, "--as-of", "2026-11-20", tty=True, width=120)
    assert table.code == 0
    assert (
        "Forfalt i saksloggen, ikke i eksporten (elevnummer):\n"
        "  77777  Åpen, NIVÅ 0; Evaluering forfalt 16.11.2026\n"
    ) in table.out
    # Never a nameless row among the flagged.
    assert [line for line in table.out.splitlines() if "77777" in line] == [
        "  77777  Åpen, NIVÅ 0; Evaluering forfalt 16.11.2026"
    ]
    data = json.loads(cli("scan", IST, "-f", "json", "--as-of", "2026-11-20").out)
    assert [p for p in data["pupils"] if not p["name"]] == []
    assert [(p["pupil_id"], p["case"]["evaluation_due"]) for p in data["not_in_export"]] == [
        ("77777", "2026-11-16")
    ]


def test_case_open_finds_real_pupils_only(cli) -> None:
    assert cli("import", IST).code == 0
    run = cli("case", "open", "-v", "Jonas", today=_friday())
    assert (run.code, run.out) == (0, "Åpnet sak for elev 10229 (skole) på NIVÅ 0, 20.11.2026.\n")
    run = cli("case", "open", "-v", "Bakke, Jonas")  # found all the same, and already open
    assert (run.code, run.err) == (
        2,
        "Feil: Elev 10229 har allerede en åpen sak (åpnet 20.11.2026, NIVÅ 0). Bruk "
        "«naervaer case show 10229».\n",
    )
    run = cli("case", "open", "-v", "10239")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(
        "Feil: Fant ingen elev med elevnummer eller navn som inneholder «10239». Sjekk "
        "stavemåten, eller bruk elevnummeret. Nærmeste: "
    )
    assert "10229 (7A)" in run.err
    run = cli("case", "open", "-v", "Jonsa Bakke")
    assert (run.code, run.out) == (2, "")
    assert run.err.endswith("Nærmeste: 10229 (7A).\n")


def test_no_history_and_no_file_is_a_clear_error(cli) -> None:
    run = cli("case", "open", "-v", "10229")
    assert (run.code, run.out, run.err) == (
        2,
        "",
        "Feil: Ingen lagret fraværshistorikk å finne eleven i. Importer eksportene først med "
        "«naervaer import FIL ...», eller oppgi eksporten med -i FIL.\n",
    )


def test_a_case_opened_by_mistake_is_deleted_and_hidden(cli) -> None:
    assert cli("import", IST).code == 0
    assert cli("case", "open", "10229", "--date", "2026-11-02").code == 0
    run = cli("case", "delete", "-v", "10229", "--reason", "Feil elev", "--date", "2026-11-03")
    assert (run.code, run.out, run.err) == (0, "Saken til elev 10229 er slettet.\n", "")
    shown = cli("case", "show", "10229")
    assert (shown.code, shown.err) == (2, "Feil: Ingen sak er registrert for elev 10229.\n")
    assert cli("case", "list", "--as-of", "2026-11-20").out.startswith("Ingen åpne saker")
    data = json.loads(cli("scan", "-f", "json", "--as-of", "2026-11-20").out)
    assert "case" not in next(p for p in data["pupils"] if p["pupil_id"] == "10229")
    # A new case may be opened, and the deleted one stays out of its timeline.
    assert cli("case", "open", "10229", "--date", "2026-11-04").code == 0
    assert "Feil elev" not in cli("case", "show", "10229").out
    run = cli("case", "delete", "-v", "10229", "--reason", " ")
    assert (run.code, run.err) == (
        2,
        "Feil: Oppgi hvorfor saken slettes med --reason, f.eks. «feil elev».\n",
    )


def test_planned_dates_are_school_days(cli, tmp_path: Path) -> None:
    assert cli("import", IST).code == 0
    assert cli("case", "open", "10229", "--date", "2026-11-02").code == 0
    run = cli("case", "measure", "-v", "10229", "x", "-r", "Foresatte", "--evaluate", "2026-11-28")
    assert (run.code, run.err) == (
        2,
        "Feil: Evalueringsdatoen 28.11.2026 er en lørdag, ikke en skoledag. Velg en skoledag, "
        "f.eks. 30.11.2026.\n",
    )
    run = cli("case", "meeting", "-v", "10229", "--next", "2026-12-25")
    assert (run.code, run.err) == (
        2,
        "Feil: Neste møte 25.12.2026 er en helligdag, ikke en skoledag. Velg en skoledag, "
        "f.eks. 28.12.2026.\n",
    )
    run = cli("pack", "-v", "10229", "-o", tmp_path, "--meeting", "2026-11-29")
    assert (run.code, run.err) == (
        2,
        "Feil: Møtedatoen 29.11.2026 er en søndag, ikke en skoledag. Velg en skoledag, "
        "f.eks. 30.11.2026.\n",
    )
    run = cli("pack", "-v", "10229", "-o", tmp_path, "--meeting", "2026-02-30")
    assert run.code == 2 and "«2026-02-30» er ikke en dato" in run.err
    # Without --meeting: the next school day after today (Friday → Monday).
    run = cli(
        "pack", "-v", "10229", "-o", tmp_path, "-f", "md", "-d", "innkalling", today=_friday()
    )
    assert run.code == 0, run.err
    assert "mandag 23. november 2026" in (tmp_path / "elev-10229.md").read_text(encoding="utf-8")


def _friday():
    from datetime import date

    return date(2026, 11, 20)


def test_a_barnehage_measure_needs_the_agreed_date(cli) -> None:
    code = cli("case", "open", "-v", "Ingrid Amundsen", "-i", BARNEHAGE).out.split()[4]
    run = cli("case", "measure", "-v", code, "Levering før 9", "-r", "Foreldre")
    assert (run.code, run.out, run.err) == (
        2,
        "",
        "Feil: I barnehagen avtales tidspunktet for evalueringen med foreldrene; oppgi datoen "
        "med --evaluate DATO.\n",
    )
