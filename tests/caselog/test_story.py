"""The whole story over weekly imports: flag → open at NIVÅ 0 → measure → evaluation → NIVÅ 2."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
MONDAYS = [date(2026, 10, 26) + timedelta(weeks=n) for n in range(7)]  # weeks 44–50


def _week(tmp_path: Path, monday: date) -> Path:
    """One weekly export: Ola is away Monday to Thursday from week 45 on; Siri skips a lesson."""
    rows = [
        f"20411;Hansen, Siri;7A;Kari Lærer;{monday + timedelta(days=2):%d.%m.%Y};"
        "09.15;10.00;Matte;Dokumentert;Nei\n"
    ]
    if monday >= date(2026, 11, 2):
        days = [monday + timedelta(days=n) for n in range(4)]
        if monday == MONDAYS[-1]:
            days = days[:1]  # the export is taken on Monday 7.12
        rows += [
            f"10234;Nordmann, Ola;7A;Kari Lærer;{d:%d.%m.%Y};;;;Ikke dokumentert;Ja\n" for d in days
        ]
    path = tmp_path / f"uke{monday.isocalendar().week}.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _ola(cli, as_of: str) -> dict:
    r = cli("scan", "--as-of", as_of, "--format", "json")
    assert r.code == 0, r.err
    return next(p for p in json.loads(r.out)["pupils"] if p["pupil_id"] == "10234")


def test_weekly_imports_to_nivaa_2(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")
    for monday in MONDAYS[:3]:
        assert cli("import", _week(tmp_path, monday)).code == 0
    # 13.11: 8 whole days in the last 28 days, from three weekly files. No case yet: NIVÅ 0.
    ola = _ola(cli, "2026-11-13")
    assert (ola["status"], ola["level"], ola["flags"][0]["count"]) == ("concern", 0, 8)
    assert "case" not in ola

    cli("case", "open", "10234", "--date", "2026-11-16", "-t", "Ringt hjemmet")
    assert _ola(cli, "2026-11-13")["level"] == 1  # open at 0 and still flagged
    cli("case", "level", "10234", "1", "--date", "2026-11-16")
    r = cli(
        "case",
        "measure",
        "-v",
        "10234",
        "Fast oppmøte og samtale hver fredag",
        "-r",
        "Kontaktlærer",
        "--date",
        "2026-11-16",
    )
    assert r.out == "Tiltak registrert for elev 10234; evalueres 07.12.2026.\n"

    for monday in MONDAYS[3:]:
        assert cli("import", _week(tmp_path, monday)).code == 0
    # The evaluation is due and not recorded: the scan answers «Har nærværet økt?» from the
    # data itself (before 26.10–13.11: 8 of 15 days away; after 17.11–07.12: 12 of 15).
    ola = _ola(cli, "2026-12-07")
    assert (ola["level"], ola["case"]["evaluation_due"]) == (2, "2026-12-07")
    assert (ola["case"]["presence_before"], ola["case"]["presence_after"]) == (
        pytest.approx(7 / 15),
        pytest.approx(3 / 15),
    )
    assert ola["due"] == (
        "Evaluering var 07.12.2026: nærværet har ikke økt (47 % før tiltaket, "
        "20 % etter) – registrer evalueringen."
    )
    assert cli("case", "list", "--as-of", "2026-12-07").out.splitlines()[2] == (
        "*  10234  Nordmann, Ola  7A      1     16.11.2026  Evaluering 07.12.2026 (denne uken)"
    )

    # Before: 26.10–13.11 (8 of 15 days away); after: 17.11–07.12 (12 of 15 days away).
    r = cli("case", "evaluate", "-v", "10234", "--date", "2026-12-07")
    assert r.out == (
        "Har nærværet økt? Nei.\n"
        "  Før tiltaket:   46,7 % nærvær, 15 skoledager (26.10.2026–13.11.2026)\n"
        "  Etter tiltaket: 20,0 % nærvær, 15 skoledager (17.11.2026–07.12.2026)\n"
        "  Endring: -26,7 prosentpoeng\n"
    )
    ola = _ola(cli, "2026-12-07")
    assert (ola["level"], ola["case"]["last_evaluation_improved"]) == (2, False)
