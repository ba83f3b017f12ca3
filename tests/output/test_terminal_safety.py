"""Escape sequences and control characters from an export never reach a terminal, a Markdown
file or a mail's text part, even if they got past the importer (issue 15, item 7)."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scan_fixtures import make_result

from naervaer_cli.documents.markdown import to_markdown
from naervaer_cli.output import Format, deliver, render
from naervaer_cli.output.table import render_rich
from naervaer_cli.result import ScanResult
from naervaer_cli.textsafe import safe_text, safe_utf8

# Clear the screen, retitle the window, move the cursor up over earlier rows, a bell, a
# carriage return that overwrites the line, a C1 CSI, and a right-to-left override.
EVIL = "Ola\x1b[2J\x1b]0;pwned\x07\x1b[1A\x07\rX\x9b31m\u202eNordmann"
CLEAN = "OlaXNordmann"


def _evil(result: ScanResult) -> ScanResult:
    pupils = list(result.pupils)
    pupils[0] = replace(pupils[0], name=EVIL, group="7A\x1b[8m")
    return replace(result, pupils=tuple(pupils))


def _bare(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text
    assert not any(c == "\r" and text[i + 1 : i + 2] != "\n" for i, c in enumerate(text))


def test_safe_text_removes_sequences_and_keeps_layout() -> None:
    assert safe_text(EVIL) == CLEAN
    assert safe_text("a\tb\nc;d\r\n") == "a\tb\nc;d\r\n"
    # a lone CR among CRLFs, and each starting character alone (the fast path's check)
    assert safe_text("a\r\nb\rc\r\n") == "a\r\nbc\r\n"
    for start in "\x1b\x9b\x9d\x00\x7f\u200e\u202e\u2069":
        assert safe_text(f"a{start}") == "a"


# Every character class the check treats differently, and its neighbours in UTF-8.
_PIECES = st.sampled_from(
    list("\x1b\x9b\x9d\x00\x07\x08\t\n\r\x0b\x1f\x7f\x80\x9f\xa0\xa7«»æøå")
    + list("\u200d\u200e\u200f\u2010\u2013\u2028\u2029\u202a\u202e\u202f\u2065\u2066\u2069\u206a")
    + ["[2J", "]0;x", "\\", "a", " ", "😀", "\r\n", "€"]
)


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_safe_utf8_is_safe_text_on_bytes(text: str) -> None:
    assert safe_utf8(text.encode("utf-8")) == safe_text(text).encode("utf-8")


def test_safe_utf8_keeps_clean_bytes_as_they_are() -> None:
    clean = "Søbstad, Åse – «Kroppsøving» § 2\r\n\t😀\n".encode()
    assert safe_utf8(clean) is clean
    assert safe_utf8(EVIL.encode("utf-8")) == CLEAN.encode("utf-8")


@pytest.mark.parametrize("fmt", [Format.table, Format.md, Format.csv, Format.json])
def test_rendered_text_is_bare_at_output(fmt: Format) -> None:
    stream = io.StringIO()
    deliver(render(_evil(make_result()), fmt), None, stream, terminal=True)
    out = stream.getvalue()
    _bare(out)
    if fmt is Format.json:
        # JSON writes C0 controls as \\u escapes (harmless text); C1 controls and bidi marks
        # would be themselves, so they are removed
        name = json.loads(out)["pupils"][0]["name"]
        assert name == "Ola\x1b[2J\x1b]0;pwned\x07\x1b[1A\x07\rXNordmann"
    else:
        assert CLEAN in out


def test_rich_table_has_only_its_own_colours() -> None:
    text = render_rich(_evil(make_result()), width=200, color=True)
    assert "Ola" in text and "XNordmann" in text  # the table may break the name at the CR
    assert "\x1b[2J" not in text and "\x1b]0;" not in text and "\x1b[8m" not in text
    assert "\x07" not in text and "\u202e" not in text


def test_show_picture_is_bare() -> None:
    from test_pupil_render import make_view

    from naervaer_cli.output.pupil import render_pupil_plain, render_pupil_rich

    view = replace(make_view(), name=EVIL, group="7A\x1b[8m", contact="Kari\x1b]0;x\x07")
    plain = render_pupil_plain(view)
    _bare(plain)
    assert plain.startswith(f"{CLEAN} (10234), 7A, kontaktlærer Kari\n")
    rich = render_pupil_rich(view, color=True)
    assert "\x1b[2J" not in rich and "\x1b]0;" not in rich and CLEAN in rich


def test_document_markdown_is_bare() -> None:
    markdown = to_markdown(f"<h1>Innkalling</h1><p>Elev: {EVIL}</p>")
    _bare(markdown)
    assert CLEAN in markdown
