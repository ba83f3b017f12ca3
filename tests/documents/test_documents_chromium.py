"""The HTML innkalling prints on one A4 page: Chromium headless to PDF, count the pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_documents_cli import SAMPLE
from test_documents_libreoffice import page_texts, pages

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium er ikke installert; HTML-til-PDF hoppes over"
)


def print_pdf(html: Path, pdf: Path, profile: Path) -> None:
    # A private profile: a running browser's profile would be locked.
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_the_innkalling_is_one_page_with_its_signature(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    # The fullest normal letter: the school's name, three flags (10229), a reply date, and
    # time, place, phone and e-mail left as lines to fill in.
    (naervaer_home / "config.toml").write_text('school = "Ås ungdomsskole"\n', encoding="utf-8")
    run = cli(
        "pack",
        "10229",
        "-i",
        SAMPLE,
        "--out",
        tmp_path,
        "-d",
        "innkalling",
        "--meeting",
        "10.12.2026",
    )
    assert (run.code, run.err) == (0, "")
    pdf = tmp_path / "innkalling.pdf"
    print_pdf(tmp_path / "elev-10229.html", pdf, tmp_path / "profile")
    assert pages(pdf) == 1
    if shutil.which("pdftotext"):
        [text] = page_texts(pdf, 1)
        assert "Fraværsandel i terminen" in text and "Svar" in text
        assert "Med vennlig hilsen" in text and "Kontaktlærer, Ås ungdomsskole" in text
