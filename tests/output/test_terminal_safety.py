"""Escape sequences and control characters from an export never reach a terminal, a Markdown
file or a mail's text part, even if they got past the importer (issue 15, item 7)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from scan_fixtures import make_result

from naervaer_cli.documents.markdown import to_markdown
from naervaer_cli.output import Format, deliver, render
from naervaer_cli.output.table import render_rich
from naervaer_cli.result import ScanResult
from naervaer_cli.textsafe import safe_text

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


@pytest.mark.parametrize("fmt", [Format.table, Format.md, Format.csv])
def test_rendered_text_is_bare_at_output(fmt: Format) -> None:
    stream = io.StringIO()
    deliver(render(_evil(make_result()), fmt), None, stream, terminal=True)
    out = stream.getvalue()
    _bare(out)
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
