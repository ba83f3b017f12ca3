"""`naervaer pack` end to end on the sample export and a real SQLite case log."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.caselog.store import CaseStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"


def open_cases(home: Path) -> None:
    with CaseStore(home / "caselog.sqlite") as store:
        store.open_case(
            "10229",
            setting="skole",
            day=date(2026, 11, 2),
            by="Terje Nygård",
            text="Mange hele fraværsdager",
        )
        store.change_level("10229", day=date(2026, 11, 5), by="Terje Nygård", level=1)
        store.add_measure(
            "10229",
            day=date(2026, 11, 6),
            by="Terje Nygård",
            text="Fast samtale hver mandag morgen",
            responsible="Terje Nygård",
        )
        store.record_consent("10229", day=date(2026, 11, 9), by="Terje Nygård", consent=True)
        store.open_case(
            "10235", setting="skole", day=date(2026, 11, 10), by="Terje Nygård", level=2
        )
        store.open_case("10250", setting="skole", day=date(2026, 11, 10), by="Terje Nygård")


def test_pack_writes_one_private_file_per_pupil_named_by_id(cli, tmp_path: Path) -> None:
    out = tmp_path / "ut"
    run = cli("pack", "-v", "10229", "Fjeld", "-i", SAMPLE, "--out", out, "--meeting", "26.11.2026")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [str(out / "elev-10229.html"), str(out / "elev-10235.html")]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    html = (out / "elev-10229.html").read_text(encoding="utf-8")
    assert "Jonas Bakke" in html and "torsdag 26. november 2026" in html
    assert "Bakke" not in "".join(p.name for p in out.iterdir())


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_pack_other_formats(cli, tmp_path: Path, fmt: str) -> None:
    run = cli(
        "pack", "-v", "10229", "-i", SAMPLE, "--out", tmp_path, "-f", fmt, "-d", "samarbeidsavtale"
    )
    assert run.code == 0, run.err
    data = (tmp_path / f"elev-10229.{fmt}").read_bytes()
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert "Samarbeidsavtale" in zf.read("word/document.xml").decode("utf-8")
    else:
        text = data.decode("utf-8")
        assert text.startswith("# Samarbeidsavtale")
        assert "Kartlegging" not in text


def test_resource_team_pack_from_the_case_log(cli, tmp_path: Path, naervaer_home: Path) -> None:
    open_cases(naervaer_home)
    run = cli(
        "pack",
        "-v",
        "--resource-team",
        "-i",
        SAMPLE,
        "--out",
        tmp_path,
        "--meeting",
        "2026-11-26",
        "-f",
        "md",
    )
    assert run.code == 0, run.err
    assert run.out == f"{tmp_path / 'ressursteam-2026-11-26.md'}\n"
    md = (tmp_path / "ressursteam-2026-11-26.md").read_text(encoding="utf-8")
    parts = md.split("\n---\n")
    agenda = parts[0]
    # NIVÅ 2 first, anonymous (no consent); Jonas Bakke's parents said yes; the NIVÅ 0 case
    # is below --min-level 1.
    assert agenda.index("| 1 | Sak 1") < agenda.index("| 2 | Jonas Bakke")
    assert "Oskar" not in md and "Fjeld" not in md and "10235" not in md
    assert "Sander Solberg" not in agenda
    assert "Fast samtale hver mandag morgen" in md
    # Only what the team uses: per case the referral and the absence, then the team referat.
    titles = [re.search(r"^# (.+)$", p, re.MULTILINE).group(1) for p in parts]
    assert titles == [
        "Ressursteam – sakliste",
        "Melding til ressursteam",
        "Fraværsoversikt",
        "Melding til ressursteam",
        "Fraværsoversikt",
        "Referat fra ressursteam",
    ]
    assert "Samarbeidsavtale" not in md and "Innkalling" not in md

    run = cli(
        "pack",
        "--resource-team",
        "--min-level",
        "0",
        "--include-flagged",
        "-i",
        SAMPLE,
        "--out",
        tmp_path,
        "--meeting",
        "2026-11-26",
        "-f",
        "md",
    )
    assert run.code == 0, run.err
    agenda = (tmp_path / "ressursteam-2026-11-26.md").read_text(encoding="utf-8")
    agenda = agenda.split("\n---\n")[0]
    # More cases, and without consent none of the new ones is named.
    cases = re.findall(r"^\| (\d+) \| (.+?) \|", agenda, re.MULTILINE)
    assert len(cases) > 2 and ("2", "Jonas Bakke *7A*") in cases
    assert ("1", "Sak 1 *7. trinn*") in cases
    assert "Sander Solberg" not in agenda and "Viktor Nes" not in agenda


def test_usage_errors(cli, tmp_path: Path) -> None:
    run = cli("pack", "-i", SAMPLE, "--out", tmp_path)
    assert (run.code, run.err) == (
        2,
        "Feil: Oppgi enten ett eller flere elevnummer, eller --resource-team.\n",
    )
    run = cli("pack", "10229", "--resource-team", "-i", SAMPLE, "--out", tmp_path)
    assert run.code == 2
    run = cli("pack", "10229", "-d", "brev", "-i", SAMPLE, "--out", tmp_path)
    assert run.code == 2 and "Ukjent dokument «brev»" in run.err
    run = cli("pack", "10229", "--meeting", "i morgen", "-i", SAMPLE, "--out", tmp_path)
    assert run.code == 2 and "--meeting: «i morgen» er ikke en dato" in run.err
    assert list(tmp_path.iterdir()) == []


def test_override_with_typo_fails_with_file_and_line(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    folder = naervaer_home / "templates"
    folder.mkdir()
    (folder / "innkalling.html.j2").write_text(
        '{% extends "shipped/innkalling.html.j2" %}\n{% block title %}{{ doc.elev }}'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    run = cli("pack", "10229", "-i", SAMPLE, "--out", tmp_path / "ut", "--meeting", "01.12.2026")
    assert run.code == 2
    assert run.err.startswith(f"Feil: Malen {folder / 'innkalling.html.j2'}, linje 2: ukjent")
    assert not (tmp_path / "ut").exists()


def test_a_measures_responsible_role_reaches_ansvarlig(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    """`case measure -r Foresatte --by …`: the documents name the role, not who typed it."""
    opened = cli(
        "case", "open", "10229", "-i", SAMPLE, "--date", "2026-11-02", "--by", "Terje Nygård"
    )
    assert opened.code == 0, opened.err
    assert cli("case", "level", "10229", "1", "--date", "2026-11-05", "--by", "T N").code == 0
    run = cli(
        "case",
        "measure",
        "10229",
        "Følger Jonas til skolen hver morgen",
        "-r",
        "Foresatte",
        "--date",
        "2026-11-06",
        "--by",
        "Terje Nygård",
    )
    assert run.code == 0, run.err
    out = tmp_path / "ut"
    run = cli("pack", "10229", "-i", SAMPLE, "--out", out, "-f", "md", "--meeting", "2026-11-26")
    assert run.code == 0, run.err
    text = (out / "elev-10229.md").read_text(encoding="utf-8")
    agreement = text[text.index("# Samarbeidsavtale") :]
    agreement = agreement[agreement.index("## Tiltak vi er enige om") :]
    agreement = agreement[: agreement.index("## Hvem gjør hva")]
    assert "| Tiltak | Ansvarlig | Fra | Evalueres |" in agreement
    # The log's facts, also in the agreement of 26.11: decided 06.11, its own evaluation.
    assert "| Følger Jonas til skolen hver morgen | Foresatte | 06.11.2026 | 27.11.2026 |" in (
        agreement
    )
    assert "Terje Nygård" not in agreement
    # The referat's measures table too: Ansvarlig is the role; the timeline keeps who typed it.
    assert "| Følger Jonas til skolen hver morgen | Foresatte | 06.11.2026 | 27.11.2026 |" in text
