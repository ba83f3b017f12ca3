"""The XLSX zip is put together by hand from parts compressed side by side (issue 18): the
same bytes zipfile writes for them, which any zip reader opens."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from naervaer_cli.output.xlsx_out import _LEVEL, _deflate, _zip

PARTS = [
    ("[Content_Types].xml", ["<Types/>"]),
    ("xl/worksheets/sheet2.xml", ["<row>" * 5000, "Åse & <Ørjan> ✓" * 300, ""]),
    ("xl/empty.xml", [""]),
    ("xl/sharedStrings.xml", ["<sst>", "x" * 70_000, "</sst>"]),
]


def by_zipfile(parts: list[tuple[str, list[str]]]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
        for name, pieces in parts:
            with archive.open(name, "w") as part:
                for piece in pieces:
                    part.write(piece.encode("utf-8"))
    return buffer.getvalue()


@pytest.mark.parametrize("count", [0, 1, len(PARTS)])
def test_the_zip_is_what_zipfile_writes(count: int) -> None:
    parts = PARTS[:count]
    written = _zip([_deflate(name, pieces) for name, pieces in parts])
    assert written == by_zipfile(parts)
    with zipfile.ZipFile(BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [name for name, _ in parts]
        for name, pieces in parts:
            assert archive.read(name) == "".join(pieces).encode("utf-8")
