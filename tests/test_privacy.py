"""Fødselsnummer never stored, never shown (issue 11, items 9–11): privacy.py and end to end.

Every number here is a valid synthetic fødselsnummer (right control digits); the ones that
start with 0 are what a spreadsheet shows as 10 digits once it has made them a number.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from naervaer_cli.privacy import (
    contains_fnr,
    find_fnrs,
    fnr_column_value,
    hash_fnr,
    hide_fnr,
    id_fnr,
    is_valid_fnr,
    mask_fnr_in_text,
    pad_fnr,
    pseudonym_key,
)

A = "01019010046"  # leading zero: «1019010046» as an Excel number
B = "15076510013"
C = "03051210181"  # leading zero
D = "07088310025"  # leading zero
E = "25019010034"
F = "11040210085"
ALL = (A, B, C, D, E, F)
KEY = b"k" * 32


def spaced(fnr: str) -> str:
    return f"{fnr[:6]} {fnr[6:]}"


def forms(fnr: str) -> list[str]:
    """The ways a fødselsnummer can leak: 11 digits, spaced, and 10 digits (leading zero lost)."""
    found = [fnr, spaced(fnr)]
    if fnr.startswith("0"):
        found.append(fnr[1:])
    return found


# --- privacy.py: pure functions ------------------------------------------------------------


@pytest.mark.parametrize("fnr", ALL)
def test_valid_control_digits(fnr: str) -> None:
    assert is_valid_fnr(fnr)
    # Changing any one digit breaks one of the two control digits.
    for i in range(11):
        other = fnr[:i] + str((int(fnr[i]) + 1) % 10) + fnr[i + 1 :]
        assert not is_valid_fnr(other)


def test_not_an_fnr() -> None:
    assert not is_valid_fnr("1501651001")  # 10 digits
    assert not is_valid_fnr("150765100134")
    assert not is_valid_fnr("1507651001x")
    assert find_fnrs("konto 12345678901, tlf 98765432, år 2026") == []
    assert find_fnrs(f"{B}7") == []  # part of a longer number
    assert find_fnrs("1019010047") == []  # 10 digits, but 0 + them has wrong control digits


def test_find_every_form() -> None:
    text = f"a {B}, b {spaced(E)}, c {A[1:]}; d{C}"
    assert find_fnrs(text) == [B, E, A, C]
    assert contains_fnr(spaced(F).replace(" ", "\u00a0"))


def test_pad_only_ten_digits() -> None:
    assert pad_fnr(A[1:]) == A
    assert pad_fnr(B) == B
    assert pad_fnr("123") == "123"


def test_fnr_column_value_whatever_it_looks_like() -> None:
    for written in (A, A[1:], f"{A[1:]}.0", spaced(A), f" {A} "):
        assert fnr_column_value(written) == A


def test_id_fnr() -> None:
    assert id_fnr(spaced(B)) == B
    assert id_fnr(A[1:]) == A
    assert id_fnr("12345678901") == "12345678901"  # an 11-digit id is a fødselsnummer anyway
    assert id_fnr("10234") is None
    assert id_fnr("1234567890") is None


def test_mask_keeps_the_text_and_the_hash_is_the_same_in_every_form() -> None:
    masked = mask_fnr_in_text(f"mor ringte, {spaced(A)} og {A[1:]}", KEY)
    assert masked == f"mor ringte, {hash_fnr(A, KEY)} og {hash_fnr(A, KEY)}"
    assert not any(ch.isdigit() for ch in hash_fnr(A, KEY))


def test_hide_in_messages() -> None:
    assert (
        hide_fnr(f"«{B}» er ikke en gyldig dato.") == "«et fødselsnummer» er ikke en gyldig dato."
    )
    assert hide_fnr(f"/x/fravaer_{A[1:]}.csv, rad 2") == "/x/fravaer_«et fødselsnummer».csv, rad 2"
    assert hide_fnr("rad 12345678901") == "rad 12345678901"  # control digits wrong: kept


# --- item 9: the fødselsnummer column -------------------------------------------------------


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["Fødselsnummer", "Elev", "Klasse", "Dato", "Fraværstype", "Heldag"]


def test_fnr_column_same_id_in_every_form(cli, tmp_path: Path, naervaer_home: Path) -> None:
    """11 digits in a CSV, a number cell (10 digits) and a spaced text in XLSX: one child."""
    csv = tmp_path / "uke1.csv"
    csv.write_text(
        "Personnummer;Elev;Klasse;Dato;Fraværstype;Heldag\n"
        f"{A};Lie, Pål;7A;02.11.2026;Sykdom;Ja\n"
        f"{B};Berg, Siv;7A;02.11.2026;Sykdom;Ja\n",
        encoding="utf-8",
    )
    xlsx = _xlsx(
        tmp_path / "uke2.xlsx",
        [
            ["F.nr", *HEADER[1:]],
            [int(A), "Lie, Pål", "7A", date(2026, 11, 9), "Sykdom", "Ja"],
            [float(B), "Berg, Siv", "7A", date(2026, 11, 9), "Sykdom", "Ja"],
            [spaced(A), "Lie, Pål", "7A", date(2026, 11, 10), "Sykdom", "Ja"],
        ],
    )
    run = cli("scan", csv, xlsx, "--format", "csv", "--as-of", "2026-11-10")
    assert run.code == 0
    # Nothing on stderr but the notes that the data start inside the window and the term.
    notes = run.err.splitlines()
    assert len(notes) == 2 and all(n.startswith("Merk: Dataene starter 02.11.2026") for n in notes)
    assert cli("import", csv, xlsx).code == 0
    history = pl.read_parquet(naervaer_home / "history" / "records.parquet")
    key = pseudonym_key(naervaer_home)
    ids = history.group_by("pupil_id").len().sort("pupil_id")
    assert dict(ids.iter_rows()) == {hash_fnr(A, key): 3, hash_fnr(B, key): 2}


def test_fnr_column_header_synonyms() -> None:
    from naervaer_cli.importer.headers import fold, synonym_table

    table = synonym_table()
    for header in ("Fødselsnummer", "Personnummer", "F.nr", "F-nr", "Fnr.", "Fødselsnr.", "Pnr"):
        assert table[fold(header)] == "fnr", header


# --- item 10: any other column, the file name, messages and check -----------------------------


def test_fnr_in_text_columns_and_file_name_is_masked(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    path = tmp_path / f"fravaer_{spaced(C)}.csv"
    path.write_text(
        "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fag;Fraværstype;Heldag;Merknad\n"
        f"10234;Lie {A[1:]};7A {B};Kari {spaced(D)};02.11.2026;Matte {E};Sykdom;Ja;ring {F}\n",
        encoding="utf-8",
    )
    assert cli("import", path).code == 0
    key = pseudonym_key(naervaer_home)
    row = pl.read_parquet(naervaer_home / "history" / "records.parquet").row(0, named=True)
    assert row["pupil_id"] == "10234"
    assert row["name"] == f"Lie {hash_fnr(A, key)}"
    assert row["group"] == f"7A {hash_fnr(B, key)}"
    assert row["contact"] == f"Kari {hash_fnr(D, key)}"
    assert row["subject"] == f"Matte {hash_fnr(E, key)}"
    assert row["comment"] == f"ring {hash_fnr(F, key)}"
    assert row["source"] == f"fravaer_{hash_fnr(C, key)}.csv"


def test_fnr_in_a_typed_column_is_an_error_that_never_echoes_it(cli, tmp_path: Path) -> None:
    path = tmp_path / f"uke_{B}.csv"
    path.write_text(
        "Elevnr;Elev;Klasse;Dato;Fraværstype;Heldag\n"
        f"10234;Lie, Pål;7A;{A};Sykdom;Ja\n"
        f"10235;Berg, Siv;7A;02.11.2026;{spaced(C)};Ja\n",
        encoding="utf-8",
    )
    shown = str(tmp_path / "uke_«et fødselsnummer».csv")
    run = cli("scan", path)
    assert (run.code, run.out) == (2, "")
    # The unknown code (a fødselsnummer typed as the code) is named as «et fødselsnummer»,
    # with its row, and the other bad row is counted.
    assert run.err == (
        "Feil: Én ukjent fraværskode (ordliste standard). Skriv hva hver betyr i naervaer.toml "
        "i stedet for «?» (har filen allerede [import.codes], legg bare linjene under den):\n"
        "\n"
        "[import.codes]\n"
        '"«et fødselsnummer»" = "?"   # 1 rad, f.eks. uke_«et fødselsnummer».csv rad 3 – velg '
        "udokumentert, dokumentert, sykdom, permisjon, ubehandlet, for_sent, forlot_skolen eller "
        "ikke_fravaer\n"
        "`naervaer check FIL --suggest-config` skriver hele forslaget.\n"
        f"I tillegg har 1 rad(er) andre feil; `naervaer check {shown}` viser alle.\n"
    )
    check = cli("check", path)
    assert check.code == 2
    assert f"Fil: {shown}\n" in check.out
    assert "    rad 2, kolonne «Dato»: «et fødselsnummer» er ikke en gyldig dato" in check.out
    assert '    "«et fødselsnummer»" = "?"   # 1 rad, f.eks. uke_«et fødselsnummer».csv rad 3' in (
        check.out
    )
    rejects = tmp_path / "avvist.csv"
    assert cli("scan", path, "--rejects", rejects).code == 0
    text = rejects.read_text(encoding="utf-8-sig")
    assert "uke_«et fødselsnummer».csv;2;Dato;«et fødselsnummer» er ikke en gyldig dato" in text
    for leak in (*forms(A), *forms(B), *forms(C)):
        assert leak not in run.err + check.out + check.err + text


# --- item 11: the case log and lookups ------------------------------------------------------

SCHOOL = "Elevnr;Elev;Klasse;Dato;Fraværstype;Heldag\n"


def _flagged_export(folder: Path, id_header: str = "Fødselsnummer", pupil: str = A) -> Path:
    """One pupil away 8 school days in November 2026: a concern."""
    first = date(2026, 11, 2)
    days = [first + timedelta(days=i) for i in range(12) if (first + timedelta(i)).weekday() < 5]
    lines = [f"{id_header};Elev;Klasse;Dato;Fraværstype;Heldag"]
    lines += [f"{pupil};Lie, Pål;7A;{d:%d.%m.%Y};Ugyldig;Ja" for d in days[:8]]
    lines += [f"10999;Berg, Siv;7A;{days[0]:%d.%m.%Y};Sykdom;Ja"]
    path = folder / "uke.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("typed", [A, A[1:], spaced(A)])
def test_show_looks_up_a_typed_fnr_by_its_pseudonym(
    cli, tmp_path: Path, naervaer_home: Path, typed: str
) -> None:
    export = _flagged_export(tmp_path)
    by_fnr = cli("show", typed, export)
    assert by_fnr.code == 0
    # Nothing on stderr but what the few rows of the export cannot cover (coverage.py).
    assert all(line.startswith("Merk: Dataene ") for line in by_fnr.err.splitlines())
    assert A not in by_fnr.err and A[1:] not in by_fnr.err
    assert by_fnr.out == cli("show", hash_fnr(A, pseudonym_key(naervaer_home)), export).out
    assert A not in by_fnr.out and A[1:] not in by_fnr.out


def test_show_unknown_fnr_never_echoes_it(cli, tmp_path: Path, naervaer_home: Path) -> None:
    run = cli("show", B, _flagged_export(tmp_path))
    pseudonym = hash_fnr(B, pseudonym_key(naervaer_home))
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Fant ingen elev med elevnummer eller navn som inneholder "
        f"«{pseudonym}». Sjekk stavemåten, eller bruk elevnummeret.\n"
    )


def test_pack_looks_up_a_typed_fnr(cli, tmp_path: Path, naervaer_home: Path) -> None:
    export = _flagged_export(tmp_path)
    run = cli(
        "pack",
        "-v",
        A[1:],
        "-i",
        export,
        "-o",
        tmp_path / "docs",
        "-f",
        "md",
        "--meeting",
        "01.12.2026",
    )
    pseudonym = hash_fnr(A, pseudonym_key(naervaer_home))
    assert (run.code, run.err) == (0, "")
    assert run.out == f"{tmp_path / 'docs' / ('elev-' + pseudonym)}.md\n"


def test_case_commands_hash_a_typed_fnr(cli, naervaer_home: Path, tmp_path: Path) -> None:
    pseudonym = hash_fnr(B, pseudonym_key(naervaer_home))
    export = _flagged_export(tmp_path, pupil=B)
    run = cli("case", "open", "-v", spaced(B), "-i", export, "--by", "Kari", "--date", "2026-11-02")
    assert (run.code, run.err) == (0, "")
    assert run.out == f"Åpnet sak for elev {pseudonym} (skole) på NIVÅ 0, 02.11.2026.\n"
    note = cli("case", "note", "-v", B, "Samtale med mor", "--by", "Kari", "--date", "2026-11-03")
    assert note.out == f"Notat registrert for elev {pseudonym} (03.11.2026).\n"
    shown = cli("case", "show", B)
    assert shown.code == 0 and pseudonym in shown.out and B not in shown.out


REFUSED = "Feil: Skriv ikke fødselsnummer i saksloggen ({where}). Fjern det og prøv igjen.\n"


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["open", "10234", "--by", f"Kari {B}"], "--by"),
        (["open", "10234", "--by", "Kari", "--text", f"mor: {spaced(B)}"], "teksten"),
        (["note", "10234", f"ringte {A[1:]}", "--by", "Kari"], "teksten"),
        (["measure", "10234", f"Tiltak for {B}", "-r", "Kari", "--by", "Kari"], "teksten"),
        (["measure", "10234", "Tiltak", "-r", f"Kari {B}", "--by", "Kari"], "--responsible"),
        (["meeting", "10234", "--text", f"{B}", "--by", "Kari"], "teksten"),
        (["close", "10234", "--text", f"{B}", "--by", "Kari"], "teksten"),
    ],
)
def test_case_free_text_refuses_an_fnr(cli, known, args: list[str], where: str) -> None:
    known("10234")
    if args[0] != "open":
        assert cli("case", "open", "10234", "--by", "Kari", "--date", "2026-11-02").code == 0
    run = cli("case", *args)
    assert (run.code, run.out) == (2, "")
    assert run.err == REFUSED.format(where=where)


def test_case_by_from_the_environment_is_refused(
    cli, known, monkeypatch: pytest.MonkeyPatch
) -> None:
    known("10234")
    monkeypatch.setenv("NAERVAER_BY", f"Kari {B}")
    run = cli("case", "open", "-v", "10234")
    assert (run.code, run.err) == (2, REFUSED.format(where="--by"))


def test_case_restore_refuses_an_fnr_and_restores_nothing(cli, known, tmp_path: Path) -> None:
    known("10234")
    assert cli("case", "open", "10234", "--by", "Kari", "--date", "2026-11-02").code == 0
    exported = tmp_path / "sak.json"
    assert cli("case", "export", "-o", exported).code == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["cases"][0]["events"][0]["text"] = f"mor {B}"
    exported.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "ny.toml"
    target.write_text(f'[caselog]\npath = "{tmp_path / "ny.sqlite"}"\n', encoding="utf-8")
    run = cli("--config", target, "case", "restore", exported)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Skriv ikke fødselsnummer i saksloggen (sak 1 i eksporten). "
        "Ingenting er gjenopprettet.\n"
    )
    with sqlite3.connect(tmp_path / "ny.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (0,)


# --- the privacy test: every command, every output, zero hits ---------------------------------


def _texts_of(path: Path) -> list[str]:
    """What a file holds, as text: raw bytes, zip members, Parquet and SQLite read back."""
    data = path.read_bytes()
    texts = [data.decode("utf-8", errors="replace"), data.decode("latin-1")]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    if path.suffix == ".parquet":
        texts.append(pl.read_parquet(path).write_csv())
    if data.startswith(b"SQLite format 3"):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        texts.append("\n".join(conn.iterdump()))
        conn.close()
    return texts


def test_no_fodselsnummer_anywhere(cli, tmp_path: Path, naervaer_home: Path) -> None:
    inputs, out = tmp_path / "inn", tmp_path / "ut"
    inputs.mkdir()
    out.mkdir()
    # A good XLSX with a fødselsnummer in every column, as numbers too, and in its name.
    first = date(2026, 11, 2)
    days = [first + timedelta(days=i) for i in range(14) if (first + timedelta(i)).weekday() < 5]
    header = [*HEADER[:3], "Kontaktlærer", "Dato", "Fag", "Fraværstype", "Heldag", "Merknad"]
    rows: list[list[object]] = [header]
    for i, day in enumerate(days[:9]):
        rows.append(
            [
                int(A),  # 10 digits once Excel made it a number
                f"Lie, Pål {spaced(C)}",
                f"7A {E}",
                int(D),  # a number cell in the contact column: 10 digits
                day,
                f"Matte {spaced(F)}",
                "Ugyldig",
                "Ja",
                int(B) if i % 2 else f"mor ringte, {C}",
            ]
        )
    rows.append([spaced(B), f"Berg {E}", "7A", "Terje Nygård", first, "", "Sykdom", "Ja", ""])
    good = _xlsx(inputs / f"fravaer_{A}.xlsx", rows)
    # A CSV where the fødselsnummer sits in columns that cannot hold one.
    bad = inputs / f"uke_{spaced(D)}.csv"
    bad.write_text(
        "Fødselsnummer;Elev;Klasse;Dato;Fra kl.;Minutter;Fraværstype;Heldag\n"
        f"{E};Ny, Eva;7B;{F};;;Sykdom;Ja\n"
        f"{E};Ny, Eva;7B;02.11.2026;{B};{C};Sykdom;Nei\n"
        f"{E};Ny, Eva;7B;03.11.2026;;;{A[1:]};Ja\n"
        f"{E};Ny, Eva;7B;04.11.2026;;;Sykdom;Ja\n",
        encoding="utf-8",
    )
    config = tmp_path / "naervaer.toml"
    config.write_text(
        'school = "Åsgård skole"\n[mail]\nfrom = "Nærvær <naervaer@skole.no>"\n'
        'leadership = ["rektor@skole.no"]\n[mail.staff]\n"Terje Nygård" = "terje@skole.no"\n',
        encoding="utf-8",
    )
    runs = [cli("check", good, bad)]
    for fmt in ("table", "json", "csv", "md"):
        runs.append(cli("scan", good, "--format", fmt))
    runs.append(cli("scan", good, "--format", "xlsx", "--output", out / "scan.xlsx"))
    runs.append(cli("scan", good, bad))
    runs.append(cli("scan", good, bad, "--rejects", out / "avvist.csv", "-f", "json"))
    runs.append(cli("import", good, bad, "--rejects", out / "avvist2.csv"))
    for typed in (A, A[1:], spaced(A)):
        runs.append(cli("show", typed))
    for fmt in ("html", "docx", "md"):
        runs.append(cli("pack", A, "-f", fmt, "-o", out / fmt))
    runs.append(cli("pack", "--resource-team", "--include-flagged", "-o", out / "team"))
    runs += [
        cli("case", "open", A, "--by", "Kari", "--date", "2026-11-02", "--level", "1"),
        cli("case", "note", spaced(A), "Samtale", "--by", "Kari", "--date", "2026-11-03"),
        cli(
            "case",
            "measure",
            A[1:],
            "Frokost",
            "-r",
            "Kari",
            "--by",
            "Kari",
            "--date",
            "2026-11-04",
        ),
        cli("case", "note", A, f"mor {C}", "--by", "Kari"),  # refused
        cli("case", "note", A, "ok", "--by", f"Kari {spaced(D)}"),  # refused
        cli("case", "show", A),
        cli("case", "list", "--as-of", "2026-11-13"),
        cli("case", "export", "-o", out / "saker.json"),
        cli("case", "evaluate", A, "--improved", "--by", "Kari", "--date", "2026-11-25"),
        cli("--config", config, "notify", good, "--dry-run", out / "eml"),
        cli("--config", config, "notify", "--dry-run", out / "eml2"),
    ]
    codes = [r.code for r in runs]
    # The run itself worked: the refusals and the bad file are exit 2, the rest exit 0.
    assert codes.count(2) == 4, [(i, r.code, r.err) for i, r in enumerate(runs) if r.code]
    assert set(codes) == {0, 2}
    assert any(f.suffix == ".docx" for f in (out / "docx").iterdir())
    assert list((out / "eml").iterdir())
    texts = [r.out + r.err for r in runs]
    files = [p for folder in (out, naervaer_home) for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        texts += _texts_of(path)
        texts.append(str(path))
    leaks = [(form, t[:80]) for fnr in ALL for form in forms(fnr) for t in texts if form in t]
    assert leaks == []


def test_privacy_test_would_see_a_leak(tmp_path: Path) -> None:
    """The search above finds a number in each place it looks: a zip member, Parquet, SQLite."""
    book = tmp_path / "x.xlsx"
    _xlsx(book, [[spaced(B)]])
    frame = tmp_path / "x.parquet"
    pl.DataFrame({"a": [A[1:]] * 1000}).write_parquet(frame)
    db = tmp_path / "x.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (a)")
        conn.execute("INSERT INTO t VALUES (?)", (C,))
    conn.close()
    assert any(spaced(B) in t for t in _texts_of(book))
    assert any(A[1:] in t for t in _texts_of(frame))
    assert any(C in t for t in _texts_of(db))
