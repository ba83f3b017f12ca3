"""Vendor layouts (issue 12, items 5-6), built as real files and scanned to hand-computed flags.

Five pupils in 7A, one scenario, written the way each system lays it out (IST report, lesson
grid, Transponder, Vigilo, Flyt in nynorsk), as CSV and as XLSX written by openpyxl:

- Aas, Anna: undocumented lesson 3 on 24.08 and lesson 2 on 02.09 → single_lessons 2.
- Berg, Bo: ill in Kroppsøving (lesson 5) on 25.08 and 08.09 → subject_absence 2.
- Dahl, Dina: ill five whole days, none of them in a row → absence_days 5 (watch).
- Eik, Even: undocumented lessons 6-8 (12:45-14:55) on 27.08 and 03.09 → left_during_day 2.
- Foss, Frida: three days of permisjon → nothing.

The school day is the policy's 08:30-14:00; as of 11.09.2026 the 28-day window holds every
date. Only the guide's four rules are compared: the extra signals (term share and the like)
have their own tests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

SCHOOL_RULES = ("absence_days", "left_during_day", "single_lessons", "subject_absence")
AS_OF = "2026-09-11"
TODAY = dt.date(2026, 9, 14)
LESSON_TIMES = [
    "08:30-09:10",
    "09:15-09:55",
    "10:05-10:45",
    "10:50-11:30",
    "12:00-12:40",
    "12:45-13:25",
    "13:30-14:10",
    "14:15-14:55",
]
CONFIG = (
    "[import]\n"
    f"lesson_times = {json.dumps(LESSON_TIMES)}\n\n"
    '[import.codes]\n"Ikkje dokumentert" = "udokumentert"\n'
)

PUPILS = {
    "1001": "Aas, Anna",
    "1002": "Berg, Bo",
    "1003": "Dahl, Dina",
    "1004": "Eik, Even",
    "1005": "Foss, Frida",
}
# (pupil, date, lesson or None for the whole day, subject, kind)
EVENTS = [
    ("1001", "24.08.2026", 3, "Matematikk", "udokumentert"),
    ("1001", "02.09.2026", 2, "Norsk", "udokumentert"),
    ("1002", "25.08.2026", 5, "Kroppsøving", "sykdom"),
    ("1002", "08.09.2026", 5, "Kroppsøving", "sykdom"),
    *(
        ("1003", day, None, None, "sykdom")
        for day in ("18.08.2026", "20.08.2026", "26.08.2026", "01.09.2026", "09.09.2026")
    ),
    *(
        ("1004", day, lesson, subject, "udokumentert")
        for day in ("27.08.2026", "03.09.2026")
        for lesson, subject in ((6, "Engelsk"), (7, "Samfunnsfag"), (8, "Valgfag"))
    ),
    *(("1005", day, None, None, "permisjon") for day in ("19.08.2026", "21.08.2026", "04.09.2026")),
]


def flag(rule, severity, count, dates, subject=None):
    return (rule, severity, count, subject, tuple(f"2026-{d[3:5]}-{d[:2]}" for d in dates))


EXPECTED = {
    "Aas, Anna": {flag("single_lessons", "concern", 2, ["24.08", "02.09"])},
    "Berg, Bo": {flag("subject_absence", "concern", 2, ["25.08", "08.09"], "Kroppsøving")},
    "Dahl, Dina": {flag("absence_days", "watch", 5, ["18.08", "20.08", "26.08", "01.09", "09.09"])},
    "Eik, Even": {flag("left_during_day", "concern", 2, ["27.08", "03.09"])},
}


def clock(lesson: int) -> tuple[str, str]:
    start, end = LESSON_TIMES[lesson - 1].split("-")
    return start, end


# --- the layouts: (lines above the header, header, rows, lines below the table) ----------

IST_CODES = {"udokumentert": "Udokumentert", "sykdom": "Sykdom", "permisjon": "Permisjon"}


def ist_report():
    """IST: a title block, «Time» (the lesson number) before «Fag», «Registrert av», and a
    sum row and a summary block under the table."""
    title = [
        ["Fraværsrapport – alle elever"],
        ["Skole: Ås skole"],
        ["Periode: 17.08.2026–11.09.2026"],
        [],
    ]
    header = [
        "Elevnr",
        "Elev",
        "Klasse",
        "Kontaktlærer",
        "Dato",
        "Time",
        "Fag",
        "Fraværstype",
        "Registrert av",
        "Merknad",
    ]
    rows = [
        [
            pid,
            PUPILS[pid],
            "7A",
            "Kari Lærer",
            day,
            lesson or "",
            subject or "",
            IST_CODES[kind],
            "Per Hansen",
            "",
        ]
        for pid, day, lesson, subject, kind in EVENTS
    ]
    below = [
        ["Sum", "", "", "", "", "", "", str(len(rows)), "", ""],
        [],
        ["Sammendrag"],
        ["Antall elever", "5"],
        ["Antall fraværsrader", str(len(rows))],
    ]
    return title, header, rows, below


def lesson_grid():
    """One row per pupil and day, «1. time» … «8. time» and «Hele dagen», a code per cell."""
    header = ["Elevnr", "Navn", "Klasse", "Dato", *(f"{n}. time" for n in range(1, 9))]
    header.append("Hele dagen")
    days: dict[tuple[str, str], list[str]] = {}
    for pid, day, lesson, _, kind in EVENTS:
        cells = days.setdefault((pid, day), [""] * 9)
        cells[(lesson or 9) - 1] = IST_CODES[kind]
    rows = [[pid, PUPILS[pid], "7A", day, *cells] for (pid, day), cells in days.items()]
    rows.append(["1005", PUPILS["1005"], "7A", "20.08.2026", *[""] * 9])  # a day present
    return [], header, rows, []


def transponder():
    """Transponder: «Hele dagen» Ja/Nei beside Fra kl./Til kl., the cause in «Fraværsårsak»."""
    header = [
        "Elevnr",
        "Elevnavn",
        "Klasse",
        "Dato",
        "Fra kl.",
        "Til kl.",
        "Hele dagen",
        "Fag",
        "Fraværsårsak",
        "Merknad",
    ]
    rows = []
    for pid, day, lesson, subject, kind in EVENTS:
        start, end = clock(lesson) if lesson else ("", "")
        whole = "Nei" if lesson else "Ja"
        rows.append(
            [pid, PUPILS[pid], "7A", day, start, end, whole, subject or "", IST_CODES[kind], ""]
        )
    return [], header, rows, []


def vigilo():
    """Vigilo: no code column, «Dokumentert» Ja/Nei and the length in minutes, no pupil id."""
    header = ["Navn", "Klasse", "Dato", "Fag", "Lengde (min)", "Dokumentert"]
    rows = []
    for pid, day, lesson, subject, kind in EVENTS:
        if kind == "permisjon":
            continue  # Vigilo keeps leave apart from absence
        length = "300" if lesson is None else "40"
        documented = "Nei" if kind == "udokumentert" else "Ja"
        rows.append([PUPILS[pid], "7A", day, subject or "", length, documented])
    return [], header, rows, []


FLYT_CODES = {"udokumentert": "Ikkje dokumentert", "sykdom": "Sjuk", "permisjon": "Permisjon"}


def flyt():
    """Visma Flyt Skole in nynorsk: Elev-nr, Namn, Kontaktlærar, Fråværsdato, Årsak, Heile
    dagen, and the time as one range written with full stops («08.30–09.10»)."""
    header = [
        "Elev-nr",
        "Namn",
        "Klasse",
        "Kontaktlærar",
        "Fråværsdato",
        "Klokkeslett",
        "Fag",
        "Årsak",
        "Heile dagen",
    ]
    rows = []
    for n, (pid, day, lesson, subject, kind) in enumerate(EVENTS):
        dash = "–" if n % 2 else "-"
        span = dash.join(t.replace(":", ".") for t in clock(lesson)) if lesson else ""
        whole = "Nei" if lesson else "Ja"
        row = [pid, PUPILS[pid], "7A", "Kari Lærar", day, span, subject or "", FLYT_CODES[kind]]
        rows.append([*row, whole])
    return [], header, rows, []


LAYOUTS = {
    "ist": ist_report,
    "grid": lesson_grid,
    "transponder": transponder,
    "vigilo": vigilo,
    "flyt": flyt,
}
EXPECTED_BY_LAYOUT = {
    "ist": EXPECTED,
    # A grid names no subject, so Berg's Kroppsøving lessons are two sick lessons.
    "grid": {k: v for k, v in EXPECTED.items() if k != "Berg, Bo"},
    "transponder": EXPECTED,
    # Minutes without clock times cannot show when Eik left: his six lessons are single ones.
    "vigilo": {
        **EXPECTED,
        "Eik, Even": {flag("single_lessons", "concern", 6, ["27.08", "03.09"])},
    },
    "flyt": EXPECTED,
}
CSV_FORMAT = {  # encoding, delimiter
    "ist": ("utf-8-sig", ";"),
    "grid": ("utf-8", ";"),
    "transponder": ("cp1252", ";"),
    "vigilo": ("utf-8", ","),
    "flyt": ("utf-8", ";"),
}


def write_csv(path: Path, layout: str) -> Path:
    import csv
    import io

    title, header, rows, below = LAYOUTS[layout]()
    encoding, delimiter = CSV_FORMAT[layout]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in [*title, header, *rows, *below]:
        writer.writerow(line)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _cell(value: object) -> object:
    """A value as a spreadsheet program stores it: dates, times and numbers typed."""
    text = str(value)
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        return dt.datetime.strptime(text, "%d.%m.%Y")
    if re.fullmatch(r"\d{2}:\d{2}", text):
        return dt.time(int(text[:2]), int(text[3:]))
    if re.fullmatch(r"\d{1,4}", text):
        return int(text)
    return text or None


def write_xlsx(path: Path, layout: str) -> Path:
    from openpyxl import Workbook

    title, header, rows, below = LAYOUTS[layout]()
    book = Workbook()
    sheet = book.active
    for line in title:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for line in below:
        sheet.append([_cell(v) for v in line])
    book.save(path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def scan_flags(run) -> dict[str, set]:
    data = json.loads(run.out)
    found = {}
    for pupil in data["pupils"]:
        flags = {
            (f["rule"], f["severity"], f["count"], f.get("subject"), tuple(f["dates"]))
            for f in pupil["flags"]
            if f["rule"] in SCHOOL_RULES
        }
        if flags:
            found[pupil["name"]] = flags
    return found


@pytest.fixture
def configured(naervaer_home: Path) -> Path:
    (naervaer_home / "config.toml").write_text(CONFIG, encoding="utf-8")
    return naervaer_home


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layout_scans_to_the_hand_computed_flags(cli, configured, tmp_path, layout, fmt):
    path = WRITERS[fmt](tmp_path / f"{layout}.{fmt}", layout)
    run = cli("scan", path, "--as-of", AS_OF, "--format", "json", today=TODAY)
    assert run.code == 0, run.err
    assert scan_flags(run) == EXPECTED_BY_LAYOUT[layout]


# What each layout lacks without a config: IST and the grid their lesson times, Flyt its
# nynorsk code for undocumented absence. Transponder and Vigilo need nothing.
MISSING = {
    "ist": ["kolonne «Time»", "lesson_times"],
    "grid": ["kolonne «1. time … 8. time»", "lesson_times"],
    "transponder": None,
    "vigilo": None,
    "flyt": None,  # the nynorsk headers choose the flyt vocabulary
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_without_config_read_exactly_or_refused(cli, tmp_path, layout, fmt):
    """No layout is read to different flags without a config: exactly, or exit 2 naming all
    that is missing at once."""
    path = WRITERS[fmt](tmp_path / f"{layout}.{fmt}", layout)
    run = cli("scan", path, "--as-of", AS_OF, "--format", "json", today=TODAY)
    if MISSING[layout] is None:
        assert run.code == 0, run.err
        assert scan_flags(run) == EXPECTED_BY_LAYOUT[layout]
    else:
        assert run.code == 2, run.out
        assert run.out == ""
        assert len(run.err.strip().splitlines()) == 1, run.err
        assert str(path) in run.err
        for text in MISSING[layout]:
            assert text in run.err


def test_ist_without_lesson_times_says_what_to_add(cli, tmp_path):
    path = write_csv(tmp_path / "ist.csv", "ist")
    run = cli("scan", path, "--as-of", AS_OF, today=TODAY)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 5, kolonne «Time»: filen har timenummer, men naervaer.toml har "
        "ikke klokkeslettene for timene. Legg dem til under [import]: lesson_times = "
        '["08:30-09:15", "09:25-10:10", …] (første time først).\n'
    )


def test_ist_registrert_av_is_not_the_contact(cli, configured, tmp_path):
    path = write_csv(tmp_path / "ist.csv", "ist")
    run = cli("scan", path, "--as-of", AS_OF, "--format", "json", today=TODAY)
    contacts = {p["name"]: p["contact"] for p in json.loads(run.out)["pupils"]}
    assert set(contacts.values()) == {"Kari Lærer"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_check_counts_and_places_the_skipped_summary_rows(cli, configured, tmp_path, fmt):
    path = WRITERS[fmt](tmp_path / f"ist.{fmt}", "ist")
    run = cli("check", path, today=TODAY)
    assert run.code == 0, run.err
    rows = len(EVENTS)
    first = 6 + rows  # title (4 rows), header in row 5, records from row 6
    skipped = f"rad {first}, {first + 2}, {first + 3}, {first + 4}"
    assert (
        f"  Hoppet over: 4 sum- eller oppsummeringsrad(er) under tabellen ({skipped}); de er "
        "ikke fraværsrader.\n"
    ) in run.out
    assert f"  Rader lest: {rows + 4}, fraværsposter: {rows}\n" in run.out
    assert "    Time                     → time (nr.)\n" in run.out
    assert "    Fag                      → fag\n" in run.out
    assert "Registrert av" not in run.out.split("Ikke brukt:")[-1].split("\n")[0]


def test_untimed_lesson_rows_count_one_lesson_and_warn(cli, tmp_path):
    """Transponder rows «Hele dagen» = Nei without times are one lesson each, never a day."""
    path = tmp_path / "transponder.csv"
    path.write_bytes(
        "Elevnr;Elevnavn;Klasse;Dato;Fra kl.;Til kl.;Hele dagen;Fag;Fraværsårsak\r\n"
        "1006;Gran, Gro;7A;31.08.2026;;;Nei;Norsk;Udokumentert\r\n"
        "1006;Gran, Gro;7A;10.09.2026;;;Nei;;Udokumentert\r\n"
        "1006;Gran, Gro;7A;07.09.2026;;;Ja;;Sykdom\r\n".encode("cp1252")
    )
    warning = (
        "transponder.csv: 2 timerad(er) uten klokkeslett eller minutter (rad 2, 3) er telt som "
        "én time à 45 minutter (school.lesson_minutes i policyen). Ta med klokkeslett, "
        "minutter eller timenummer og [import] lesson_times for eksakte tall."
    )
    run = cli("scan", path, "--as-of", AS_OF, "--format", "json", today=TODAY)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    # Then what three rows from 31.08 cannot cover: the window's and the term's start.
    assert data["notes"][0] == warning
    assert [note[:46] for note in data["notes"][1:]] == [
        "Dataene starter 31.08.2026, etter vinduets før",
        "Dataene starter 31.08.2026, etter terminens fø",
    ]
    assert scan_flags(run) == {
        "Gran, Gro": {flag("single_lessons", "concern", 2, ["31.08", "10.09"])}
    }
    run = cli("check", path, today=TODAY)
    assert f"  Advarsel: {warning}\n" in run.out


def test_lesson_length_comes_from_the_policy(cli, tmp_path):
    policy = tmp_path / "kort.toml"
    policy.write_text("[school]\nlesson_minutes = 30\n", encoding="utf-8")
    path = tmp_path / "t.csv"
    path.write_text("Elevnr;Dato;Fag;Fraværstype\n1;31.08.2026;Norsk;Udokumentert\n", "utf-8")
    run = cli("scan", path, "--as-of", AS_OF, "--policy", policy, "--format", "json", today=TODAY)
    assert run.code == 0, run.err
    assert "én time à 30 minutter" in json.loads(run.out)["notes"][0]


def records(path: Path, config_text: str | None = None, home: Path | None = None):
    from naervaer_cli.config import load_config
    from naervaer_cli.importer import load_exports

    if config_text is not None and home is not None:
        (home / "config.toml").write_text(config_text, encoding="utf-8")
    return load_exports([path], load_config(), today=TODAY).records


def test_time_ranges_in_one_column_are_split(tmp_path):
    path = tmp_path / "tid.csv"
    path.write_text(
        "Elevnr;Dato;Tid;Fraværstype\n"
        "1;24.08.2026;08:30–09:15;Udokumentert\n"
        "1;25.08.2026;08.30-09.15;Udokumentert\n"
        "1;26.08.2026;8:30 - 9:15;Udokumentert\n",
        encoding="utf-8",
    )
    frame = records(path)
    assert frame.get_column("start").to_list() == [dt.time(8, 30)] * 3
    assert frame.get_column("end").to_list() == [dt.time(9, 15)] * 3
    assert frame.get_column("minutes").to_list() == [45] * 3
    assert not frame.get_column("whole_day").any()


def test_a_bad_time_range_names_row_and_column(cli, tmp_path):
    path = tmp_path / "tid.csv"
    path.write_text(
        "Elevnr;Dato;Tidsrom;Fraværstype\n1;24.08.2026;08:30 til 09:15;Udokumentert\n", "utf-8"
    )
    run = cli("scan", path, "--as-of", AS_OF, today=TODAY)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 2, kolonne «Tidsrom»: «08:30 til 09:15» er ikke et tidsrom "
        "(TT:MM–TT:MM).\n"
    )


@pytest.mark.parametrize(
    ("header", "values", "field"),
    [
        ("Time", ["1", "8"], "lesson"),
        ("Time nr.", ["3."], "lesson"),
        ("Time", ["08:30-09:15"], "time_range"),
    ],
)
def test_what_a_time_column_holds(header, values, field):
    from naervaer_cli.importer.headers import match_headers, resolve_time, synonym_table

    match = match_headers(["Elevnr", "Dato", header, "Fag", "Kode"], synonym_table())
    assert resolve_time(match, values).fields[field] == 2
    assert match.fields["subject"] == 3


def test_a_time_column_of_subjects_is_the_subject_without_fag(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "Elevnr;Dato;Time;Fra kl.;Til kl.;Fraværstype\n1;24.08.2026;Matte;08:30;09:15;Sykdom\n",
        "utf-8",
    )
    frame = records(path)
    assert frame.get_column("subject").to_list() == ["Matte"]


def test_a_lesson_number_beyond_lesson_times_is_a_row_problem(cli, naervaer_home, tmp_path):
    (naervaer_home / "config.toml").write_text(
        '[import]\nlesson_times = ["08:30-09:15", "09:25-10:10"]\n', encoding="utf-8"
    )
    path = tmp_path / "t.csv"
    path.write_text("Elevnr;Dato;Time;Fag;Fraværstype\n1;24.08.2026;3;Norsk;Sykdom\n", "utf-8")
    run = cli("scan", path, "--as-of", AS_OF, today=TODAY)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 2, kolonne «Time»: time 3 finnes ikke i [import] lesson_times i "
        "naervaer.toml, som har 2 timer. Legg til klokkeslettet for den.\n"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            '["08:30-09:15", "9-10"]',
            'time 2 «9-10» er ikke et tidsrom; skriv det som "08:30-09:15".',
        ),
        ('["09:15-08:30"]', "time 1 «09:15-08:30» slutter før den begynner."),
        (
            '["08:30-09:15", "09:00-09:40"]',
            "time 2 «09:00-09:40» begynner før time 1 slutter; oppgi timene i rekkefølge.",
        ),
        ("[]", "er tom; oppgi klokkeslettene for hver time."),
    ],
)
def test_lesson_times_are_checked(cli, naervaer_home, tmp_path, value, problem):
    config = naervaer_home / "config.toml"
    config.write_text(f"[import]\nlesson_times = {value}\n", encoding="utf-8")
    path = tmp_path / "t.csv"
    path.write_text("Elevnr;Dato;Time;Fag;Fraværstype\n1;24.08.2026;1;Norsk;Sykdom\n", "utf-8")
    run = cli("check", path, today=TODAY)
    assert run.code == 2
    assert run.err == f"Feil: {config} linje 2: «import.lesson_times» {problem}\n"


def test_a_grid_code_problem_names_its_lesson_column(cli, configured, tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text(
        "Elevnr;Navn;Klasse;Dato;1. time;2. time;3. time;Hele dagen\n"
        "1;A;7A;24.08.2026;;;Sykdom;\n"
        "1;A;7A;25.08.2026;Sykdom;;;\n"
        "1;A;7A;26.08.2026;;;;Sykdom\n",
        encoding="utf-8",
    )
    frame = records(path)
    assert frame.select("date", "start", "whole_day").rows() == [
        (dt.date(2026, 8, 24), dt.time(10, 5), False),
        (dt.date(2026, 8, 25), dt.time(8, 30), False),
        (dt.date(2026, 8, 26), None, True),
    ]
    assert frame.get_column("source_row").to_list() == [2, 3, 4]
    path.write_text(
        "Elevnr;Navn;Klasse;Dato;1. time;2. time;3. time\n1;A;7A;24.08.2026;;;Sykdom\n"
        "1;A;7A;25.08.2026;;Kanskje;\n",
        encoding="utf-8",
    )
    run = cli("check", path, today=TODAY)
    assert run.code == 2
    # The wording of an unknown code is the vocabulary's; the place is the grid's.
    line = next(li for li in run.out.splitlines() if '"Kanskje"' in li)
    assert line.startswith(
        '    "Kanskje" = "?"   # 1 rad, f.eks. grid.csv rad 3, kolonne «2. time» '
    )


def test_dokumentert_ja_nei_is_the_code_only_without_another(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "Navn,Klasse,Dato,Minutter,Dokumentert\nA,7A,24.08.2026,45,Ja\nA,7A,25.08.2026,45,nei\n",
        encoding="utf-8",
    )
    assert records(path).get_column("kind").to_list() == ["dokumentert", "udokumentert"]
    path.write_text(
        "Navn,Klasse,Dato,Minutter,Dokumentert,Fraværstype\nA,7A,24.08.2026,45,Nei,Sykdom\n",
        encoding="utf-8",
    )
    assert records(path).get_column("kind").to_list() == ["sykdom"]


def test_dokumentert_other_than_ja_nei_is_refused(cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Navn,Klasse,Dato,Minutter,Dokumentert\nA,7A,24.08.2026,45,Kanskje\n", "utf-8")
    run = cli("scan", path, "--as-of", AS_OF, today=TODAY)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}, rad 2, kolonne «Dokumentert»: «Kanskje» er ikke Ja eller Nei.\n"
    )


@pytest.mark.parametrize(
    "header", ["Fravær (min)", "Lengde (min)", "Minutt", "Minutter", "Fråvær (min)"]
)
def test_minute_headers(tmp_path, header):
    path = tmp_path / "m.csv"
    path.write_text(f"Elevnr;Dato;{header};Fraværstype\n1;24.08.2026;30;Sykdom\n", "utf-8")
    assert records(path).get_column("minutes").to_list() == [30]


def test_a_pupil_called_sum_is_read(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "Elev;Klasse;Dato;Fraværstype\nSum, Anna;7A;24.08.2026;Sykdom\nSum;;;\n", "utf-8"
    )
    assert records(path).get_column("name").to_list() == ["Sum, Anna"]


def test_records_after_a_blank_row_are_read(tmp_path):
    """A blank row between two classes is no footer: the block after it has records."""
    path = tmp_path / "b.csv"
    path.write_text(
        "Elevnr;Klasse;Dato;Fraværstype\n1;7A;24.08.2026;Sykdom\n;;;\n2;7B;24.08.2026;Sykdom\n"
        "Totalt;;;2\n",
        encoding="utf-8",
    )
    from naervaer_cli.config import load_config
    from naervaer_cli.importer import load_exports

    result = load_exports([path], load_config(), today=TODAY)
    assert result.records.get_column("pupil_id").to_list() == ["1", "2"]
    assert result.files[0].skipped_rows == (5,)


def test_a_summary_word_after_empty_first_cells_is_skipped(tmp_path):
    """The summary word is looked for in a row's first non-empty cell, not only the first cell."""
    path = tmp_path / "s.csv"
    path.write_text(
        "Merknad;Elevnr;Dato;Minutter;Fraværstype\n;1;24.08.2026;45;Sykdom\n;Sum;uke 35;45;\n",
        encoding="utf-8",
    )
    from naervaer_cli.config import load_config
    from naervaer_cli.importer import load_exports

    result = load_exports([path], load_config(), today=TODAY)
    assert result.records.get_column("pupil_id").to_list() == ["1"]
    assert result.files[0].skipped_rows == (3,)


def test_a_first_cell_starting_with_a_digit_is_never_a_summary(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(
        "Elevnr;Dato;Minutter;Fraværstype\n1;24.08.2026;45;Sykdom\n2 Totalt;uke 35;45;Sykdom\n",
        encoding="utf-8",
    )
    from naervaer_cli.config import load_config
    from naervaer_cli.errors import InputError
    from naervaer_cli.importer import load_exports

    with pytest.raises(InputError) as raised:
        load_exports([path], load_config(), today=TODAY)
    assert str(raised.value) == (
        f"{path}, rad 3, kolonne «Dato»: «uke 35» er ikke en gyldig dato (forventet "
        "dd.mm.åååå eller åååå-mm-dd)."
    )
