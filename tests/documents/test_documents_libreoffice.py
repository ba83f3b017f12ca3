"""The DOCX opens in LibreOffice: convert headless to PDF and count the pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from doc_fixtures import AS_OF, MEETING, POLICY, events, pupil_result, records

from naervaer_cli.documents import DOCUMENTS, Format, build_pupil_context, pupil_pack
from naervaer_cli.documents.loader import environment

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) er ikke installert; DOCX-til-PDF hoppes over"
)


def to_pdf(files: list[Path], out: Path, profile: Path) -> None:
    # A private profile: two LibreOffice runs sharing one profile block each other.
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def page_texts(pdf: Path, count: int) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def test_docx_converts_and_every_document_starts_a_page(tmp_path: Path) -> None:
    ctx = build_pupil_context(
        pupil_result(),
        records(),
        as_of=AS_OF,
        meeting=MEETING,
        policy=POLICY,
        events=events(),
        school="Ås ungdomsskole",
    )
    env = environment()
    files = []
    for name in DOCUMENTS:
        path = tmp_path / f"{name}.docx"
        path.write_bytes(pupil_pack(env, ctx, Format.DOCX, [name]))
        files.append(path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(pupil_pack(env, ctx, Format.DOCX))
    to_pdf([*files, pack], tmp_path / "pdf", tmp_path / "profile")

    single = {name: pages(tmp_path / "pdf" / f"{name}.pdf") for name in DOCUMENTS}
    # The letter fits on one page; nothing is empty.
    assert single["innkalling"] == 1
    assert all(n >= 1 for n in single.values())
    total = pages(tmp_path / "pdf" / "pack.pdf")
    # Page breaks between documents and no blank page: the pack is exactly the sum.
    assert total == sum(single.values())

    if shutil.which("pdftotext"):
        texts = page_texts(tmp_path / "pdf" / "pack.pdf", total)
        titles = [
            "Innkalling til møte om nærvær",
            "Referat fra møte om nærvær",
            "Elevsamtale",
            "Bli kjent-samtale",
            "Samtale med foreldre",
            "Samarbeidsavtale",
            "Skaleringsmodell",
            "Melding til ressursteam",
            "Kartlegging",
            "Fraværsoversikt",
        ]
        # Every page opens with its running header; a document's first page then the school.
        heads = [text.lstrip().split("\n", 1) for text in texts]
        starts = [
            i for i, (_, rest) in enumerate(heads) if rest.lstrip().startswith("Ås ungdomsskole")
        ]
        assert len(starts) == len(DOCUMENTS)
        for start, title in zip(starts, titles, strict=True):
            assert title in texts[start]
        # The referral (no consent in the log) is anonymous, its running header too.
        assert [head for head, _ in heads] == [
            "Sak 1 · møte 26.11.2026"
            if "Melding til ressursteam" in texts[i] or (i > starts[7] and i < starts[8])
            else "Ola Nordmann · møte 26.11.2026"
            for i in range(total)
        ]
        assert all(f"Side {n} av {total}" in t for n, t in enumerate(texts, start=1))
        assert all(text.strip() for text in texts)
        # The footer on every page.
        assert all("Snakk med barnet/eleven under hele prosessen." in t for t in texts)


def test_ressursteam_pack_is_what_the_team_uses(cli, tmp_path: Path, naervaer_home: Path) -> None:
    from test_documents_cli import SAMPLE, open_cases

    open_cases(naervaer_home)
    run = cli(
        "pack",
        "-v",
        "--resource-team",
        "-i",
        SAMPLE,
        "--out",
        tmp_path,
        "--meeting",
        "2026-11-26",
        "--time",
        "09:00–10:30",
        "--place",
        "Møterom 2",
        "-f",
        "docx",
    )
    assert run.code == 0, run.err
    # The meeting's date and time in the name: two meetings the same day keep apart.
    assert run.out == f"{tmp_path / 'ressursteam-2026-11-26-kl0900.docx'}\n"
    to_pdf(
        [tmp_path / "ressursteam-2026-11-26-kl0900.docx"], tmp_path / "pdf", tmp_path / "profile"
    )
    pdf = tmp_path / "pdf" / "ressursteam-2026-11-26-kl0900.pdf"
    total = pages(pdf)
    # Two cases: the agenda, each case's referral and absence overview, the team referat;
    # not the 49 pages of parent papers the pack once was.
    assert total <= 14
    if shutil.which("pdftotext"):
        texts = page_texts(pdf, total)
        joined = "\n".join(texts)
        for parent_paper in ("Innkalling til møte", "Samarbeidsavtale", "Beskyttelsesfaktorer"):
            assert parent_paper not in joined
        heads = [text.lstrip().split("\n", 1)[0] for text in texts]
        team, one, two = (
            "Ressursteam · møte 26.11.2026",
            "Sak 1 · møte 26.11.2026",
            "Sak 2: Jonas Bakke · møte 26.11.2026",
        )
        # Agenda, case 1, case 2, team referat, each on its own pages with its own header.
        # Oskar Fjeld's parents have not consented: his case is «Sak 1» on every page.
        order = [h for n, h in enumerate(heads) if n == 0 or heads[n - 1] != h]
        assert order == [team, one, two, team]
        assert "Oskar" not in joined and "Fjeld" not in joined
        assert joined.count("Melding til ressursteam") >= 2
        assert "Referat fra ressursteam" in texts[-1] or "Referat fra ressursteam" in texts[-2]
        assert all(f"Side {n} av {total}" in t for n, t in enumerate(texts, start=1))
