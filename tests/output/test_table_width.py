"""The terminal table at 80, 100 and 120 columns: no line too wide, no word split, and at most
three lines per pupil at 80."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from scan_fixtures import GOLDEN, LABELS, LIMITS, NIVA1, d, make_result

from golden_files import check_golden
from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports
from naervaer_cli.output.rows import display_rows
from naervaer_cli.output.table import MAX_LINES, render_rich
from naervaer_cli.policy import load_policy
from naervaer_cli.result import Flag, PupilResult, ScanResult
from naervaer_cli.scan import scan
from naervaer_cli.subjects import with_subject_names

IST = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"


def sample_result() -> ScanResult:
    policy = load_policy("aas")
    loaded = load_exports([IST], load_config(), today=date(2026, 11, 20))
    return scan(with_subject_names(loaded.records, policy.school), policy)


def crowded_result() -> ScanResult:
    """The hand-built result plus a pupil with a long name, five flags and four roles."""
    many = PupilResult(
        pupil_id="10999",
        name="Kristoffersen-Haugland, Marie Elisabeth Sofie Amalie Theodora",
        group="10B",
        contact=None,
        status="concern",
        flags=(
            Flag("absence_days", "concern", 9, 7, (d(26, 10), d(19))),
            Flag("left_during_day", "concern", 3, 2, (d(2), d(9))),
            Flag("single_lessons", "concern", 4, 2, (d(3), d(10))),
            Flag("subject_absence", "concern", 3, 2, (d(4), d(11)), subject="Kroppsøving"),
            Flag("rising_trend", "watch", 45, 20, (d(9), d(19)), signal=True),
        ),
        suggestion=replace(
            NIVA1, responsible=("Kontaktlærer", "Skoleledelse", "Helsesykepleier", "PPT")
        ),
    )
    base = make_result(with_case=True)
    return replace(base, pupils=(*base.pupils, many), labels=LABELS, limits=LIMITS)


RESULTS = {"sample": sample_result, "crowded": crowded_result}


def table_body(text: str) -> list[str]:
    """The table's lines below the header rule, up to the steps under it."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("─")) + 1
    end = lines.index("Neste steg:")
    return lines[start:end]


def allowed_words(result: ScanResult) -> set[str]:
    headers, rows = display_rows(result, sep="\n")
    return {word for cell in [*headers, *(c for row in rows for c in row)] for word in cell.split()}


@pytest.mark.parametrize("name", RESULTS)
@pytest.mark.parametrize("width", [80, 100, 120])
def test_no_line_wider_than_the_terminal(name: str, width: int) -> None:
    text = render_rich(RESULTS[name](), width=width)
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize("name", RESULTS)
@pytest.mark.parametrize("width", [80, 100, 120])
def test_no_word_is_split(name: str, width: int) -> None:
    result = RESULTS[name]()
    known = allowed_words(result)
    for line in table_body(render_rich(result, width=width)):
        for word in line.split():
            # "+2 til" counts flags left out; "Marie …" or "Kristoffersen-Haug…" is cut
            # at the end of a cell, never carried on to the next line.
            if re.fullmatch(r"\+\d+|til|…", word):
                continue
            if word.endswith("…"):
                assert any(k.startswith(word[:-1]) for k in known), word
                continue
            # flags run on after a comma when many share three lines
            assert word in known or word.removesuffix(",") in known, f"{word!r}: {line!r}"


@pytest.mark.parametrize("name", RESULTS)
def test_at_most_three_lines_per_pupil_at_80(name: str) -> None:
    result = RESULTS[name]()
    body = table_body(render_rich(result, width=80))
    starts = [n for n, line in enumerate(body) if line[:1].strip()]
    assert len(starts) == len(result.pupils)
    sizes = [b - a for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    assert max(sizes) <= MAX_LINES
    assert [body[n].split()[0] for n in starts] == [p.pupil_id for p in result.pupils]


def test_narrow_terminal_drops_ansvarlig_first() -> None:
    result = sample_result()
    assert "Ansvarlig" not in render_rich(result, width=80).splitlines()[0]
    assert "Ansvarlig" in render_rich(result, width=120).splitlines()[0]
    # the next step stands once under the table, not on every row
    assert render_rich(result, width=120).count("Sikre muntlig dialog") == 1


def test_crowded_pupil_is_shortened_not_split() -> None:
    body = table_body(render_rich(crowded_result(), width=80))
    start = next(n for n, line in enumerate(body) if line.startswith("10999"))
    lines = body[start : start + MAX_LINES]
    assert "+" in " ".join(lines) and " til" in " ".join(lines)


@pytest.mark.parametrize("width", [80, 120])
def test_golden_tables(width: int) -> None:
    check_golden(GOLDEN / f"table_rich_{width}.txt", render_rich(sample_result(), width=width))
    check_golden(GOLDEN / f"table_crowded_{width}.txt", render_rich(crowded_result(), width=width))
