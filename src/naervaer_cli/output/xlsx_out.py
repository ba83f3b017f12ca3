"""The scan result as an XLSX workbook that opens cleanly in Excel and LibreOffice."""

from __future__ import annotations

import io
from datetime import date

from naervaer_cli.output import labels
from naervaer_cli.output.rows import Cell, data_rows, evidence_rows
from naervaer_cli.result import ScanResult

MAX_WIDTH = 60
DATE_FORMAT = "DD.MM.YYYY"


def _value(value: Cell) -> str | int | date | None:
    if isinstance(value, str):
        return labels.neutralise(value)
    return value


def _sheet(wb, title: str, headers: list[str], rows: list[list[Cell]], first: bool) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_value(v) for v in row])
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            shown = 10 if isinstance(value, date) else len(str(value or ""))
            widths[i] = max(widths[i], shown)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def render_xlsx(result: ScanResult, group: str | None = None) -> bytes:
    """Sheet "Oppfølging" (one row per pupil), sheet "Datoer" (one row per flag and date),
    sheet "Om" (the window, the policy, the summary and the guide's reminder)."""
    from openpyxl import Workbook

    wb = Workbook()
    _sheet(wb, "Oppfølging", *data_rows(result), first=True)
    _sheet(wb, "Datoer", *evidence_rows(result), first=False)
    about = wb.create_sheet("Om")
    for key, value in (
        ("Per dato", result.as_of),
        ("Vindu (dager)", result.window_days),
        ("Policy", result.policy),
        ("Sammendrag", labels.summary_line(result, group)),
        ("", result.talk_to_child),
    ):
        about.append([key, labels.neutralise(value) if isinstance(value, str) else value])
    about["B1"].number_format = DATE_FORMAT
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
