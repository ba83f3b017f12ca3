"""`scan --format html`: one self-contained page, escaped, private, and it renders in Chromium."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from scan_fixtures import GOLDEN, make_result
from test_table_width import sample_result

from golden_files import check_golden
from naervaer_cli.output import Format, render, write


def page() -> str:
    text = render(sample_result(), Format.html)
    assert isinstance(text, str)
    return text


def test_golden_page() -> None:
    check_golden(GOLDEN / "scan.html", page())


def test_page_references_nothing_outside_itself() -> None:
    text = page()
    assert "http" not in text
    # no external file either: no src=, href= or url() at all
    assert not re.search(r"\b(src|href)\s*=|url\(", text)


def test_page_has_the_table_details_filter_and_print_css() -> None:
    text = page()
    result = sample_result()
    assert text.count('<details class="pupil') == len(result.pupils)
    assert '<select id="f-group">' in text and '<select id="f-status">' in text
    assert "@page { size: A4;" in text
    assert "Fraværsdager: 8 dager med fravær siste 4 uker – veilederens grense er 7" in text
    assert text.count("Sikre muntlig dialog") == 1 + len(result.pupils)  # steps + each pupil


def test_names_from_an_export_are_escaped() -> None:
    base = make_result()
    evil = replace(base.pupils[0], name="<script>alert(1)</script>", group='7A"><b>')
    text = render(replace(base, pupils=(evil,)), Format.html)
    assert isinstance(text, str)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)" in text
    assert '7A"><b>' not in text


def test_page_file_is_private(tmp_path: Path) -> None:
    out = tmp_path / "oppfølging.html"
    write(sample_result(), Format.html, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8") == page()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium er ikke installert")
def test_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    out = tmp_path / "scan.html"
    write(sample_result(), Format.html, out)
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        [*common, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<details class="pupil') == len(sample_result().pupils)
    assert "Bakke, Jonas" in dom.stdout
    shot = tmp_path / "scan.png"
    run = subprocess.run(
        [*common, "--window-size=1200,1000", f"--screenshot={shot}", out.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
