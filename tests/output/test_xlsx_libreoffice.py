"""The scan's XLSX (written as spreadsheet XML, not by openpyxl) opens in LibreOffice Calc."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.xlsx"
# Field separator «,», text delimiter «"», character set UTF-8 (76).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76"


def _calc_missing() -> bool:
    if SOFFICE is None:
        return True
    # Calc's own library: soffice is there with Writer alone, which cannot load a spreadsheet.
    return not (Path(SOFFICE).resolve().parent / "libsclo.so").exists()


pytestmark = pytest.mark.skipif(
    _calc_missing(), reason="LibreOffice Calc er ikke installert; XLSX-åpning hoppes over"
)


def test_scan_xlsx_opens_in_libreoffice_calc(cli, tmp_path: Path) -> None:
    out = tmp_path / "fravaer.xlsx"
    run = cli("scan", SAMPLE, "--format", "xlsx", "--output", out)
    assert run.code == 0, run.err
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rows = list(csv.reader((tmp_path / "fravaer.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][:5] == ["Elevnr", "Elev", "Gruppe", "Kontaktlærer", "Status"]
    jonas = next(row for row in rows if row[0] == "10229")
    assert jonas[1:5] == ["Bakke, Jonas", "7A", "Terje Nygård", "Bekymring"]
    assert "Fraværsdager 8 (grense 7)" in jonas[5]
    # 13 flagged pupils in the sample, one row each under the header.
    assert len(rows) == 14
