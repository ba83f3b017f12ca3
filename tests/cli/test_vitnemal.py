"""`naervaer vitnemal` and `naervaer case vitnemal` through the real entry point."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
ROWS = [
    # Ane: sick Monday to Friday, five whole days; days 4 and 5 may be left off.
    *(f"20001;Berg, Ane;10A;Kari Lærer;0{d}.11.2025;;;;Syk;Ja\n" for d in range(3, 8)),
    # Per: two single lessons, 45 + 45 minutes: 2 hours (rounded to nearest), no day.
    "20002;=Lie, Per;10A;Kari Lærer;01.09.2025;08:30;09:15;Matte;Ikke dokumentert;Nei\n",
    "20002;=Lie, Per;10A;Kari Lærer;02.09.2025;09:15;10:00;Norsk;Ikke dokumentert;Nei\n",
    # Kari: two days of permisjon, both may be left off.
    "20003;Aas, Kari;9B;Ola Lærer;02.02.2026;;;;Permisjon;Ja\n",
    "20003;Aas, Kari;9B;Ola Lærer;03.02.2026;;;;Permisjon;Ja\n",
    # Kim in 7. trinn has no vitnemål; a record in the year before is not in this year.
    "30001;Dahl, Kim;7A;Ola Lærer;03.02.2026;;;;Syk;Ja\n",
    "20001;Berg, Ane;9A;Kari Lærer;16.06.2025;;;;Syk;Ja\n",
]

FOOTER = (
    "Timer: fraværsminutter i enkelttimer ÷ 60, avrundet til nærmeste (en halv time opp); "
    "enkelttimer slås aldri sammen til dager.\n"
    "Kan unntas: helsefravær fra og med dag 4 i en periode på mer enn 3 skoledager (kronisk: "
    "fra første dag), og permisjon; høyst 10 dager per skoleår. Unntatt: det eleven har krevd "
    "(«naervaer case vitnemal»).\n"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "fravaer.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")


def test_table_per_pupil_with_runs(cli, export: Path) -> None:
    r = cli("vitnemal", export, "--year", "2025-2026")
    assert (r.code, r.err) == (0, "")
    assert r.out == (
        "Elevnr  Navn       Gruppe  Dager  Timer  Kan unntas  Unntatt  Dager ført  Timer ført  "
        "Perioder\n"
        "------  ---------  ------  -----  -----  ----------  -------  ----------  ----------  "
        "--------------------------------------\n"
        "20003   Aas, Kari  9B          2      0           2        0           2           0  "
        "02.02.2026–03.02.2026 permisjon (2 d.)\n"
        "20002   =Lie, Per  10A         0      2           0        0           0           2\n"
        "20001   Berg, Ane  10A         5      0           2        0           5           0  "
        "03.11.2025–07.11.2025 sykdom (5 d.)\n"
        "\n"
        "Skoleåret 2025–2026 (1. august–31. juli), 8.–10. trinn: 3 elever.\n" + FOOTER
    )
    # Without --year: the school year of the latest date in the data.
    assert cli("vitnemal", export).out == r.out


def test_a_requirement_in_the_case_log_is_left_off(cli, export: Path) -> None:
    r = cli(
        "case",
        "vitnemal",
        "-v",
        "20001",
        "--leave-off",
        "03.11.2025..07.11.2025",
        "--reason",
        "helse",
    )
    assert (r.code, r.out, r.err) == (
        0,
        "Registrert: elev 20001 krever at fravær 03.11.2025–07.11.2025 (helse) ikke føres på "
        "vitnemålet. Se «naervaer vitnemal».\n",
        "",
    )
    r = cli("case", "vitnemal", "-v", "20003", "--leave-off", "2026-02-02", "--reason", "permisjon")
    assert r.out == (
        "Registrert: elev 20003 krever at fravær 02.02.2026 (permisjon) ikke føres på "
        "vitnemålet. Se «naervaer vitnemal».\n"
    )
    data = json.loads(cli("vitnemal", export, "--format", "json").out)
    figures = {
        p["pupil_id"]: (p["days"], p["may_leave_off"], p["left_off"], p["days_recorded"])
        for p in data["pupils"]
    }
    assert figures == {"20003": (2, 2, 1, 1), "20002": (0, 0, 0, 0), "20001": (5, 2, 2, 3)}
    # The requirement is in the backup of the case log.
    exported = json.loads(cli("case", "export", "-v").out)
    assert [
        (i["pupil_id"], i["first"], i["reason"]) for i in exported["certificate_leave_off"]
    ] == [
        ("20001", "2025-11-03", "helse"),
        ("20003", "2026-02-02", "permisjon"),
    ]


def test_json_for_one_group(cli, export: Path) -> None:
    r = cli("vitnemal", export, "--year", "2025-2026", "--group", "9b", "--format", "json")
    assert r.code == 0
    assert json.loads(r.out) == {
        "year": "2025-2026",
        "pupils": [
            {
                "pupil_id": "20003",
                "name": "Aas, Kari",
                "group": "9B",
                "days": 2,
                "hours": 0,
                "may_leave_off": 2,
                "left_off": 0,
                "days_recorded": 2,
                "hours_recorded": 0,
                "runs": [
                    {
                        "first": "2026-02-02",
                        "last": "2026-02-03",
                        "kind": "permisjon",
                        "days": 2,
                        "may_leave_off": 2,
                    }
                ],
            }
        ],
    }


def test_csv_neutralises_formula_like_names(cli, export: Path) -> None:
    r = cli("vitnemal", export, "--format", "csv")
    lines = r.out.split("\r\n")
    assert lines[0] == (
        "\ufeffElevnr;Navn;Gruppe;Dager;Timer;Kan unntas;Unntatt;Dager ført;Timer ført;Perioder"
    )
    assert lines[2] == "20002;'=Lie, Per;10A;0;2;0;0;0;2;"


def test_xlsx_for_the_office(cli, export: Path, tmp_path: Path) -> None:
    target = tmp_path / "vitnemal.xlsx"
    r = cli("vitnemal", export, "--format", "xlsx", "--output", target)
    assert (r.code, r.out, r.err) == (0, "", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    wb = load_workbook(target)
    assert wb.sheetnames == ["Vitnemål", "Perioder", "Om"]
    ws = wb["Vitnemål"]
    assert ws.freeze_panes == "A2"
    assert [list(row) for row in ws.iter_rows(values_only=True)] == [
        [
            "Elevnr",
            "Navn",
            "Gruppe",
            "Dager",
            "Timer",
            "Kan unntas",
            "Unntatt",
            "Dager ført",
            "Timer ført",
        ],
        ["20003", "Aas, Kari", "9B", 2, 0, 2, 0, 2, 0],
        [None, "Sum 9B (1 elev)", "9B", 2, 0, 2, 0, 2, 0],
        ["20002", "'=Lie, Per", "10A", 0, 2, 0, 0, 0, 2],
        ["20001", "Berg, Ane", "10A", 5, 0, 2, 0, 5, 0],
        [None, "Sum 10A (2 elever)", "10A", 5, 2, 2, 0, 5, 2],
    ]
    assert ws["B3"].font.bold and not ws["B2"].font.bold
    runs = wb["Perioder"]
    assert runs.freeze_panes == "A2"
    rows = [list(row) for row in runs.iter_rows(values_only=True)]
    assert rows[0] == ["Elevnr", "Navn", "Gruppe", "Fra", "Til", "Type", "Dager", "Kan unntas"]
    assert [r[:3] + [r[3].date(), r[4].date()] + r[5:] for r in rows[1:]] == [
        ["20003", "Aas, Kari", "9B", *_dates("2026-02-02", "2026-02-03"), "Permisjon", 2, 2],
        ["20001", "Berg, Ane", "10A", *_dates("2025-11-03", "2025-11-07"), "Sykdom", 5, 2],
    ]
    assert runs["D2"].number_format == "DD.MM.YYYY"


def _dates(*texts: str) -> list:
    from datetime import date

    return [date.fromisoformat(t) for t in texts]


def test_xlsx_is_not_written_to_a_terminal(cli, export: Path) -> None:
    r = cli("vitnemal", export, "--format", "xlsx", tty=True)
    assert (r.code, r.out) == (2, "")
    assert r.err == "Feil: XLSX kan ikke skrives til terminalen; bruk --output FIL.xlsx.\n"


def test_a_year_without_pupils(cli, export: Path) -> None:
    r = cli("vitnemal", export, "--year", "2023-2024")
    assert (r.code, r.out, r.err) == (
        0,
        "Ingen elever på 8.–10. trinn med fravær i skoleåret 2023–2024.\n",
        "",
    )


def test_the_stored_history_without_files(cli, export: Path) -> None:
    assert cli("import", export).code == 0
    r = cli("vitnemal", "--year", "2025-2026", "--format", "json")
    assert [p["pupil_id"] for p in json.loads(r.out)["pupils"]] == ["20003", "20002", "20001"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("vitnemal", "--year", "2025"),
            "Feil: «2025» er ikke et skoleår. Skriv det som 2025-2026 (1. august til 31. juli).\n",
        ),
        (
            (
                "case",
                "vitnemal",
                "20001",
                "--leave-off",
                "07.11.2025..03.11.2025",
                "--reason",
                "helse",
            ),
            "Feil: Perioden slutter (03.11.2025) før den begynner (07.11.2025).\n",
        ),
        (
            (
                "case",
                "vitnemal",
                "20001",
                "--leave-off",
                "2026-07-30..2026-08-03",
                "--reason",
                "helse",
            ),
            "Feil: Perioden 30.07.2026–03.08.2026 går over to skoleår (skoleåret slutter "
            "31. juli); registrer ett krav for hvert skoleår.\n",
        ),
        (
            ("case", "vitnemal", "20001", "--leave-off", "2026-01-05..snart", "--reason", "helse"),
            "Feil: --leave-off: «snart» er ikke en dato. Bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå, "
            "f.eks. 2026-11-20 eller 20.11.2026.\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, export: Path, args, message: str) -> None:
    args = (args[0], export, *args[1:]) if args[0] == "vitnemal" else args
    r = cli(*args)
    assert (r.code, r.out, r.err) == (2, "", message)
