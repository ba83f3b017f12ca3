"""The CSV byte checks run chunk by chunk: what they find must not depend on where a chunk ends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from naervaer_cli.config import load_config
from naervaer_cli.errors import InputError
from naervaer_cli.importer import load_exports
from naervaer_cli.importer.read import CHUNK_BYTES, SAMPLE_BYTES, _file_chunks, _scan_bytes

TODAY = date(2026, 11, 20)
HEADER = "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Minutter;Fag;Fraværstype;Heldag"
ROW = "1;Berg, Ola;7A;02.11.2026;;;45;Norsk;Udokumentert;Nei"


@pytest.mark.parametrize(
    ("chunks", "lone_cr"),
    [
        ([b"a;b\r", b"\nc;d\r\n"], False),  # a CRLF split between two chunks
        ([b"a;b\r", b"c;d\r\n"], True),  # a CR ending a chunk, the next not starting with LF
        ([b"a;b\r\n", b"c;d\r"], True),  # a CR ending the file
        ([b"a;b\r\n", b"c\r;d\r\n"], True),  # a CR before a separator (Polars would drop it)
        ([b"a;b\n", b"c;d\n"], False),
    ],
)
def test_lone_cr_is_found_across_chunk_borders(chunks: list[bytes], lone_cr: bool) -> None:
    assert _scan_bytes(chunks).lone_cr is lone_cr


def test_controls_and_quotes_are_found_in_any_chunk() -> None:
    assert _scan_bytes([b"a;b\n", b"c\x0bd;e\n"]).may_have_controls
    assert not _scan_bytes([b"a;b\n", b"c;d\n"]).may_have_controls
    assert _scan_bytes([b"a;b\n", b'"c";d\n']).quotes


def test_a_lone_cr_at_a_chunk_border_is_a_line_break(tmp_path: Path) -> None:
    assert SAMPLE_BYTES == CHUNK_BYTES  # the head is the first chunk
    row = (ROW + "\r\n").encode()
    count = (CHUNK_BYTES - len(HEADER.encode()) - 2) // len(row) - 1
    before = (HEADER + "\r\n").encode() + row * count
    # One more row, its name padded so that the CR after it is the first chunk's last byte.
    fill = CHUNK_BYTES - 1 - len(before) - len(ROW.encode())
    last = ROW.replace("Ola", "Ola" + "a" * fill).encode() + b"\r"
    bad = b"2;Dahl, Emma;7A;x;;;45;Norsk;Udokumentert;Nei\r\n"
    data = before + last + bad
    assert data[CHUNK_BYTES - 1 : CHUNK_BYTES + 1] == b"\r2"
    path = tmp_path / "grense.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        load_exports([path], load_config(), today=TODAY)
    assert str(raised.value).startswith(
        f"{path}, rad {count + 3}, kolonne «Dato»: «x» er ikke en gyldig dato"
    )


def test_a_control_character_after_the_first_chunk_is_removed(tmp_path: Path) -> None:
    rows = (CHUNK_BYTES * 2) // len(ROW) + 1
    late = "2;Nord\x0bmann, \x1b[31mOla;7\x07A;03.11.2026;;;45;Norsk;Udokumentert;Nei"
    path = tmp_path / "sent.csv"
    path.write_text("\n".join([HEADER, *[ROW] * rows, late]) + "\n", encoding="utf-8")
    records = load_exports([path], load_config(), today=TODAY).records
    last = records.filter(records["source_row"] == rows + 2).row(0, named=True)
    assert (last["name"], last["group"]) == ("Nord mann, Ola", "7A")


def _file_scan(tmp_path: Path, data: bytes):
    """_scan_bytes over a real file read as the importer reads it (head, then a refilled buffer)."""
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return _scan_bytes(_file_chunks(path, data[:SAMPLE_BYTES]))


def _rows(size: int) -> bytes:
    """CRLF rows of plain text filling exactly `size` bytes."""
    row = b"1;Berg, Ola;7A;02.11.2026\r\n"
    body = row * (size // len(row))
    return body + b"x" * (size - len(body))


def test_the_file_chunks_are_the_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * ((CHUNK_BYTES * 3) // 256 + 7)
    path = tmp_path / "b.bin"
    path.write_bytes(data)
    pieces = [bytes(chunk) for chunk in _file_chunks(path, data[:SAMPLE_BYTES])]
    assert b"".join(pieces) == data
    assert [len(p) for p in pieces] == [CHUNK_BYTES] * 3 + [len(data) - 3 * CHUNK_BYTES]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        # (what follows three full chunks of CRLF rows, (quotes, lone_cr, may_have_controls))
        (b"", (False, False, False)),
        (b"2;Dahl\r\n", (False, False, False)),
        (b"2;Dahl\r", (False, True, False)),  # a CR ending the file
        (b'2;"Dahl"\r\n', (True, False, True)),  # a quote only in the last chunk
        (b"2;Da\x0bhl\r\n", (False, False, True)),  # a control byte only in the last chunk
        (b"2;Da\xe2\x80\xaehl\r\n", (False, False, True)),  # a bidi override, last chunk
    ],
)
def test_the_last_chunk_is_scanned(tmp_path: Path, tail: bytes, expected: tuple) -> None:
    scan = _file_scan(tmp_path, _rows(CHUNK_BYTES * 3 - 1) + b"\n" + tail)
    assert (scan.quotes, scan.lone_cr, scan.may_have_controls) == expected


def test_a_crlf_split_between_file_chunks_is_one_line_break(tmp_path: Path) -> None:
    data = _rows(CHUNK_BYTES * 2 - 1) + b"\r\n2;Dahl\r\n"
    assert data[CHUNK_BYTES * 2 - 1 : CHUNK_BYTES * 2 + 1] == b"\r\n"
    assert not _file_scan(tmp_path, data).lone_cr


def test_a_lone_cr_ending_a_file_chunk_is_found(tmp_path: Path) -> None:
    data = _rows(CHUNK_BYTES * 2 - 1) + b"\r2;Dahl\r\n"
    assert data[CHUNK_BYTES * 2 - 1 : CHUNK_BYTES * 2 + 1] == b"\r2"
    assert _file_scan(tmp_path, data).lone_cr
