"""Text made safe to show: no control characters or terminal escape sequences.

The importer already strips them from every value it reads; this is the second guard, at
output (tables, show, Markdown, a mail's text part), so a name that slipped in some other way
still cannot clear the screen, hide rows, move the cursor or retitle the window.
"""

from __future__ import annotations

import re

# The same classes the importer strips (importer/normalize.py): whole escape sequences (CSI,
# OSC, two-byte ESC, and their one-byte C1 forms), C0 and C1 controls, DEL and the
# bidirectional overrides. Tab and line feed stay: they are the output's own layout. A
# carriage return stays only before a line feed (CSV's CRLF); alone it would move the
# cursor back over what was printed.
_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c)?"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    r"|\r(?!\n)"
)
# Every match of _UNSAFE starts with one of these characters or with a lone CR. Searching a
# single character class is about five times faster than trying each alternative at every
# position, and almost every output has nothing to remove (a 10M-row scan's JSON is 170 MB).
_SUSPECT = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def safe_text(text: str) -> str:
    """`text` without control characters and escape sequences (tab, line feed and CRLF kept)."""
    if _SUSPECT.search(text) is None and text.count("\r") == text.count("\r\n"):
        return text
    return _UNSAFE.sub("", text)


# In UTF-8 every character _SUSPECT names is a C0 control or DEL (one byte), a C1 control
# (\xc2 and one byte) or a bidirectional mark (\xe2 and two bytes).
_SUSPECT_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
# The ASCII bytes that are never part of a match: printable ASCII, tab, LF and CR (CR is
# counted apart).
_HARMLESS = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])


def safe_utf8(data: bytes) -> bytes:
    """UTF-8 `data` made safe as `safe_text` makes text: the same characters removed.

    Large outputs (a 10M-row scan's JSON is 170 MB) are checked without decoding them:
    deleting the harmless ASCII bytes leaves a few MB in which each multi-byte character's
    bytes are still together, and the suspects are searched there (0.1 s instead of 0.8 s).
    """
    rest = data.translate(None, _HARMLESS)
    if _SUSPECT_UTF8.search(rest) is None and (
        b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")
    ):
        return data
    return _UNSAFE.sub("", data.decode("utf-8")).encode("utf-8")
