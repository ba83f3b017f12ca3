"""Golden files: expected output kept beside the tests, compared byte for byte.

One switch rewrites them all: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q`. Review the diff
of the `golden/` folders by eye, and say in the commit message which words changed and why.
"""

from __future__ import annotations

import os
from pathlib import Path

UPDATE_SWITCH = "UPDATE_GOLDEN"


def updating() -> bool:
    """True when this run rewrites the golden files (UPDATE_GOLDEN set to anything but 0)."""
    return os.environ.get(UPDATE_SWITCH, "") not in ("", "0")


def check_golden(path: Path, actual: str | bytes) -> None:
    """`actual` equals the golden file at `path` (text is UTF-8); with UPDATE_GOLDEN, write it."""
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"golden file {path} missing; run with {UPDATE_SWITCH}=1 and review"
    expected = path.read_bytes()
    if isinstance(actual, str):
        # Compared as text, so a failure shows pytest's line diff.
        assert actual == expected.decode("utf-8"), f"output differs from {path.name}"
    else:
        assert data == expected, f"output differs from {path.name}"
