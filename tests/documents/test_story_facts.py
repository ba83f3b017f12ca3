"""Issue 13's story: a case with two measures, an evaluation and a meeting, packed in every
format, read back as a parent, a teacher and a PPT advisor would read it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.words import MONTHS

REPO = Path(__file__).resolve().parents[2]
IST = REPO / "sample_data" / "ist_fravaer.csv"
BARNEHAGE = REPO / "sample_data" / "barnehage_tilstede.csv"
AGREEMENT = date(2026, 11, 23)  # Monday: the meeting the pack is made for


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Terje Nygård")


def blocks(path: Path) -> list[str]:
    """The document's headings, paragraphs and table rows («a | b | c») in reading order."""
    if path.suffix == ".docx":
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        doc = Document(str(path))
        out = []
        for child in doc.element.body.iterchildren():
            if child.tag.endswith("}p"):
                out.append(Paragraph(child, doc).text)
            elif child.tag.endswith("}tbl"):
                for row in Table(child, doc).rows:
                    out.append(" | ".join(" ".join(c.text.split()) for c in row.cells))
        return [" ".join(b.split()) for b in out if b.strip()]
    if path.suffix == ".html":
        from lxml import html

        root = html.fromstring(path.read_bytes())
        out = []
        for el in root.iter("h1", "h2", "p", "li", "tr"):
            if el.tag == "tr":
                cells = el.findall("./td") + el.findall("./th")
                cells.sort(key=lambda c: list(el).index(c))
                out.append(" | ".join(" ".join(c.text_content().split()) for c in cells))
            else:
                out.append(" ".join(el.text_content().split()))
        return [b for b in out if b]
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if re.fullmatch(r"\|[-| ]+\|", line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            out.append(
                " | ".join(" ".join(c.replace("<br>", " ").replace("*", "").split()) for c in cells)
            )
        elif line:
            out.append(" ".join(line.lstrip("#> ").replace("*", "").split()))
    return out


def section(found: list[str], first: str, then: str = "") -> list[str]:
    """The blocks from the heading that starts with `first` up to the one starting `then`
    (to the end without one)."""
    start = next(i for i, b in enumerate(found) if b.startswith(first))
    if not then:
        return found[start:]
    end = next(i for i, b in enumerate(found) if i > start and b.startswith(then))
    return found[start:end]


def row_with(found: list[str], *parts: str) -> str:
    rows = [b for b in found if " | " in b and all(p in b for p in parts)]
    assert rows, f"no row with {parts}"
    return rows[0]


LONG = re.compile(r"(\d{1,2})\. (" + "|".join(MONTHS) + r") (\d{4})")


def dates_in(text: str) -> list[date]:
    short = [
        date(int(y), int(m), int(d)) for d, m, y in re.findall(r"(\d\d)\.(\d\d)\.(\d{4})", text)
    ]
    long = [date(int(y), MONTHS.index(m) + 1, int(d)) for d, m, y in LONG.findall(text)]
    return short + long


@pytest.fixture
def story(cli, tmp_path: Path) -> dict[str, list[str]]:
    """Import, open «Jonas Bakke» by name, two measures (one decided on a Saturday), an
    evaluation from the history, NIVÅ 2 and a meeting; then the pack in every format."""
    assert cli("import", IST).code == 0
    steps = [
        ("case", "open", "Jonas Bakke", "--date", "2026-11-02"),
        ("case", "level", "10229", "1", "--date", "2026-11-04"),
        # Saturday: 21 days on is Saturday 28.11, so the evaluation moves to Monday 30.11.
        (
            "case",
            "measure",
            "-v",
            "10229",
            "Mor følger Jonas til skolen",
            "-r",
            "Foresatte",
            "--date",
            "2026-11-07",
        ),
        (
            "case",
            "measure",
            "10229",
            "Fast samtale hver mandag",
            "-r",
            "Kontaktlærer og helsesykepleier",
            "--date",
            "2026-11-09",
            "--evaluate",
            "2026-12-02",
        ),
        ("case", "evaluate", "10229", "--date", "2026-11-20"),
        ("case", "level", "10229", "2", "--date", "2026-11-20", "-t", "Fortsatt bekymring"),
        ("case", "meeting", "10229", "--date", "2026-11-20", "--next", "2026-12-04"),
    ]
    outs = [cli(*step) for step in steps]
    assert [(r.code, r.err) for r in outs] == [(0, "")] * len(steps)
    assert outs[2].out == "Tiltak registrert for elev 10229; evalueres 30.11.2026.\n"
    assert outs[4].out.startswith("Har nærværet økt? Nei.\n")
    found = {}
    for fmt in ("html", "docx", "md"):
        out = tmp_path / fmt
        run = cli(
            "pack",
            "10229",
            "-f",
            fmt,
            "-o",
            out,
            "--meeting",
            "2026-11-23",
            "-d",
            "referat",
            "-d",
            "samarbeidsavtale",
        )
        assert (run.code, run.err) == (0, ""), run.err
        found[fmt] = blocks(out / f"elev-10229.{fmt}")
    return found


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_each_measure_stands_with_its_role_and_dates(story, fmt: str) -> None:
    found = story[fmt]
    referat = section(found, "Referat fra møte om nærvær", "Samarbeidsavtale")
    # The log's facts: who carries it out (not who typed it), decided, its own evaluation.
    assert row_with(referat, "Mor følger Jonas til skolen") == (
        "Mor følger Jonas til skolen | Foresatte | 07.11.2026 | 30.11.2026"
    )
    assert row_with(referat, "Fast samtale hver mandag") == (
        "Fast samtale hver mandag | Kontaktlærer og helsesykepleier | 09.11.2026 | 02.12.2026"
    )
    agreement = section(found, "Samarbeidsavtale")
    # The agreement states the same facts: each measure from the day the log decided it.
    assert row_with(agreement, "Mor følger Jonas til skolen", "Foresatte") == (
        "Mor følger Jonas til skolen | Foresatte | 07.11.2026 | 30.11.2026"
    )
    assert row_with(agreement, "Fast samtale hver mandag", "helsesykepleier") == (
        "Fast samtale hver mandag | Kontaktlærer og helsesykepleier | 09.11.2026 | 02.12.2026"
    )
    # «Hvem gjør hva» from the measures: one row per role, the role's measure beside it.
    who = section(agreement, "Hvem gjør hva", "Kontakt mellom hjem")
    assert row_with(who, "Foresatte |").startswith("Foresatte | Mor følger Jonas til skolen |")
    assert row_with(who, "Kontaktlærer |").startswith("Kontaktlærer | Fast samtale hver mandag |")
    assert row_with(who, "Helsesykepleier |").startswith(
        "Helsesykepleier | Fast samtale hver mandag |"
    )


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_the_evaluation_and_the_decision_reach_the_referat(story, fmt: str) -> None:
    referat = section(story[fmt], "Referat fra møte om nærvær", "Samarbeidsavtale")
    assert row_with(referat, "Evaluert") == "Evaluert | 20.11.2026"
    assert row_with(referat, "Har nærværet økt?") == "Har nærværet økt? | Nei"
    before = row_with(referat, "Nærvær før tiltaket")
    after = row_with(referat, "Nærvær etter tiltaket")
    assert re.fullmatch(r"Nærvær før tiltaket \| \d+,\d %", before)
    assert re.fullmatch(r"Nærvær etter tiltaket \| \d+,\d %", after)
    # The decision was made at the meeting of 20.11, before this one: told, not ticked.
    level = section(referat, "Nivå videre", "Saksgang")
    assert "Besluttet 20.11.2026: Nivået heves fra NIVÅ 1 til NIVÅ 2." in level
    assert row_with(level, "Neste møte") == "Neste møte | fredag 4. desember 2026"
    assert row_with(level, "Neste evaluering") == "Neste evaluering | mandag 30. november 2026"
    # One section: no second «Besluttet» block beside it.
    assert [b for b in referat if b.startswith("Besluttet") and " | " not in b] == [
        "Besluttet 20.11.2026: Nivået heves fra NIVÅ 1 til NIVÅ 2."
    ]
    # The timeline says what each step recorded, not an empty cell.
    assert re.fullmatch(
        r"20\.11\.2026 \| Evaluering \| "
        r"Nærværet har ikke økt \(\d+,\d % → \d+,\d %\) \| Terje Nygård",
        row_with(referat, "| Evaluering |"),
    )
    assert row_with(referat, "| Nivå endret |", "Fortsatt") == (
        "20.11.2026 | Nivå endret | NIVÅ 1 → NIVÅ 2 – Fortsatt bekymring | Terje Nygård"
    )


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_the_agreement_dates_are_the_logs_and_plans_fall_on_school_days(story, fmt: str) -> None:
    agreement = section(story[fmt], "Samarbeidsavtale")
    # The footer's «Fraværstall per» is the data's date, not a planned one.
    text = " ".join(b for b in agreement if "Fraværstall per" not in b)
    found = dates_in(text)
    assert AGREEMENT in found and date(2026, 11, 30) in found
    # Before the agreement stand only the days the log decided its measures (07.11 is the
    # Saturday the story recorded, a fact); every date it plans is a school day after it.
    assert {d for d in found if d < AGREEMENT} == {date(2026, 11, 7), date(2026, 11, 9)}
    assert [d for d in found if d >= AGREEMENT and d.weekday() >= 5] == []


def ticked(path: Path) -> list[str]:
    """The checklist lines marked as chosen, in the format's own way."""
    if path.suffix == ".html":
        from lxml import html

        root = html.fromstring(path.read_bytes())
        return [" ".join(li.text_content().split()) for li in root.find_class("checked")]
    if path.suffix == ".docx":
        return [b[2:] for b in blocks(path) if b.startswith("☒ ")]
    return [b[6:] for b in blocks(path) if b.startswith("- [x] ")]


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_a_referat_of_the_deciding_meeting_ticks_the_decision(
    cli, tmp_path: Path, fmt: str
) -> None:
    """Packed for the meeting that raised the level, the referat ticks that box; the
    meeting's planned next meeting stands beside it."""
    assert cli("import", IST).code == 0
    steps = [
        ("case", "open", "10229", "--date", "2026-11-02"),
        ("case", "level", "10229", "1", "--date", "2026-11-04"),
        (
            "case",
            "measure",
            "10229",
            "Mor følger Jonas til skolen",
            "-r",
            "Foresatte",
            "--date",
            "2026-11-04",
        ),
        ("case", "evaluate", "10229", "--date", "2026-11-25"),
        ("case", "level", "10229", "2", "--date", "2026-11-26"),
        ("case", "meeting", "10229", "--date", "2026-11-26", "--next", "2026-12-10"),
    ]
    assert [cli(*step).code for step in steps] == [0] * len(steps)
    out = tmp_path / fmt
    run = cli("pack", "10229", "-f", fmt, "-o", out, "--meeting", "2026-11-26", "-d", "referat")
    assert (run.code, run.err) == (0, ""), run.err
    path = out / f"elev-10229.{fmt}"
    assert ticked(path) == ["Saken går til NIVÅ 2: melding til ressursteam på skolen"]
    found = blocks(path)
    assert row_with(found, "Neste møte") == "Neste møte | torsdag 10. desember 2026"
    assert not [b for b in found if b.startswith("Besluttet")]
