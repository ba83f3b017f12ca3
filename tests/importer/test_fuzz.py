"""Fuzzed exports: every mutation is read exactly or refused with exit 2, never a crash.

A seeded mutator (no clock, no global random state) damages slices of the committed samples
the ways real files get damaged: flipped bytes, truncation, a stray CR or quote, a doubled
delimiter, a control character, a header without rows. Each result runs through `check` in
process. The invariant: exit 0 or 2, no traceback, no «Uventet feil», and when the report is
printed, its «Rader lest» equals the data rows an independent reader (the csv module) finds.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
MUTATIONS = 300
SLICE_ROWS = 12  # a short slice keeps 300 runs per file to a second or two

CSV_SAMPLES = {
    "ist_fravaer.csv": ";",
    "annen_leverandor.csv": ",",
    "barnehage_tilstede.csv": ";",
}


def _slice(data: bytes, rnd: random.Random) -> bytes:
    """The header and a few consecutive rows of a CSV sample, line endings as written."""
    lines = data.splitlines(keepends=True)
    start = rnd.randrange(1, max(2, len(lines) - SLICE_ROWS))
    return b"".join([lines[0], *lines[start : start + SLICE_ROWS]])


def _positions(data: bytes, rnd: random.Random, count: int = 1) -> list[int]:
    return sorted(rnd.randrange(len(data)) for _ in range(count))


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for at in _positions(data, rnd, rnd.randint(1, 4)):
        out[at] = rnd.randrange(256)
    return bytes(out)


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(1, len(data))]


def insert(piece: bytes) -> Callable[[bytes, random.Random], bytes]:
    def mutate(data: bytes, rnd: random.Random) -> bytes:
        at = _positions(data, rnd)[0]
        return data[:at] + piece + data[at:]

    return mutate


def header_only(data: bytes, rnd: random.Random) -> bytes:
    first = data.splitlines(keepends=True)[0]
    return first if rnd.random() < 0.5 else first.rstrip(b"\r\n")


def cr_only(data: bytes, rnd: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def drop_line(data: bytes, rnd: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    del lines[rnd.randrange(len(lines))]
    return b"".join(lines)


def repeat_line(data: bytes, rnd: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    at = rnd.randrange(1, len(lines)) if len(lines) > 1 else 0
    lines.insert(at, lines[at])
    return b"".join(lines)


MUTATORS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    flip_bytes,
    flip_bytes,
    truncate,
    insert(b"\r"),
    insert(b'"'),
    insert(b";"),
    insert(b","),
    insert(b"\x0b"),
    insert(b"\x1b[31m"),
    insert(b"\x00"),
    insert(b"\xf8"),
    insert("ø".encode()),
    insert(b"\n"),
    header_only,
    cr_only,
    drop_line,
    repeat_line,
)


def mutations(name: str) -> list[tuple[int, bytes]]:
    data = (SAMPLES / name).read_bytes()
    cases = []
    for seed in range(MUTATIONS):
        rnd = random.Random(f"{name}:{seed}")
        mutated = _slice(data, rnd)
        for _ in range(rnd.randint(1, 2)):
            if mutated:
                mutated = rnd.choice(MUTATORS)(mutated, rnd)
        cases.append((seed, mutated))
    return cases


def data_rows(data: bytes, encoding: str, delimiter: str, header_row: int) -> int:
    """Records after the header with any non-empty cell, counted by the csv module."""
    codec = {"UTF-8": "utf-8", "UTF-8 med BOM": "utf-8-sig", "Windows-1252": "cp1252"}
    text = data.decode(codec.get(encoding, "utf-16"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    count, start = 0, 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if line > header_row and any(cell != "" for cell in record):
            count += 1
    return count


def assert_no_crash(run) -> None:
    assert run.code in (0, 2), run.err
    assert "Traceback" not in run.err + run.out
    assert "Uventet feil" not in run.err


DETECTED = re.compile(
    r"tegnkoding (?P<encoding>[^,]+), skilletegn (?P<delimiter>\S+).*overskrift i rad (?P<row>\d+)"
)
DELIMITERS = {"semikolon": ";", "komma": ",", "tabulator": "\t"}


@pytest.mark.parametrize("name", sorted(CSV_SAMPLES))
def test_fuzzed_csv_is_read_exactly_or_refused(cli, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    for seed, mutated in mutations(name):
        path.write_bytes(mutated)
        run = cli("check", path)
        assert_no_crash(run)
        read = re.search(r"Rader lest: (\d+)", run.out)
        if run.code == 0:
            assert read, (seed, run.out)
        if read is None:
            continue
        found = DETECTED.search(run.out)
        assert found, (seed, run.out)
        expected = data_rows(
            mutated,
            found["encoding"],
            DELIMITERS[found["delimiter"]],
            int(found["row"]),
        )
        assert int(read[1]) == expected, (seed, mutated, run.out)


def test_fuzzed_xlsx_is_read_or_refused(cli, tmp_path: Path) -> None:
    data = (SAMPLES / "ist_fravaer.xlsx").read_bytes()
    path = tmp_path / "ist_fravaer.xlsx"
    for seed in range(MUTATIONS):
        rnd = random.Random(f"xlsx:{seed}")
        mutator = rnd.choice((flip_bytes, truncate, insert(b"\x00")))
        path.write_bytes(mutator(data, rnd))
        assert_no_crash(cli("check", path))


def test_fuzzed_rows_go_to_the_rejects_file_or_are_read(cli, tmp_path: Path) -> None:
    """With --rejects, every problem row `check` lists is set aside; the scan still runs."""
    path = tmp_path / "ist_fravaer.csv"
    for seed, mutated in mutations("ist_fravaer.csv")[:40]:
        path.write_bytes(mutated)
        rejects = tmp_path / f"avvist{seed}.csv"
        run = cli("scan", path, "--rejects", rejects, "--as-of", "2026-11-20")
        assert_no_crash(run)
        if run.code != 0:
            continue
        listed = re.search(r"Problemer \((\d+)\)", cli("check", path).out)
        if listed is None:
            assert not rejects.exists(), seed
            continue
        rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig")), delimiter=";"))
        assert len(rows) - 1 == int(listed[1]), seed
