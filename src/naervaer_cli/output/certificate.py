"""The vitnemål figures as a plain table, CSV, JSON or an XLSX workbook for the office.

Every file written here holds personal data and gets mode 0600.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TextIO, assert_never

from naervaer_cli.certificate import CertificateResult, PupilCertificate, Run, to_json
from naervaer_cli.output.labels import neutralise
from naervaer_cli.schema import KIND_LABELS
from naervaer_cli.words import date_text


class CertificateFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


HEADERS: tuple[str, ...] = (
    "Elevnr",
    "Navn",
    "Gruppe",
    "Dager",
    "Timer",
    "Kan unntas",
    "Unntatt",
    "Dager ført",
    "Timer ført",
)
RUN_HEADERS: tuple[str, ...] = (
    "Elevnr",
    "Navn",
    "Gruppe",
    "Fra",
    "Til",
    "Type",
    "Dager",
    "Kan unntas",
)
ROUNDING_TEXT = {
    "down": "avrundet ned",
    "nearest": "avrundet til nærmeste (en halv time opp)",
    "up": "avrundet opp",
}
MAX_WIDTH = 60
DATE_FORMAT = "DD.MM.YYYY"

Cell = str | int | date | None


def kind_label(kind: str) -> str:
    return "+".join(KIND_LABELS.get(part, part) for part in kind.split("+"))


def year_text(result: CertificateResult) -> str:
    return result.year.label.replace("-", "–")


def _figures(p: PupilCertificate) -> list[int]:
    return [
        p.days,
        p.hours,
        p.may_leave_off,
        p.left_off,
        p.days_recorded,
        p.hours_recorded,
    ]


def _run_short(run: Run) -> str:
    span = (
        date_text(run.first)
        if run.first == run.last
        else f"{date_text(run.first)}–{date_text(run.last)}"
    )
    return f"{span} {kind_label(run.kind).lower()} ({run.days} d.)"


def pupil_rows(result: CertificateResult) -> list[list[Cell]]:
    return [[p.pupil_id, p.name, p.group, *_figures(p)] for p in result.pupils]


def run_rows(result: CertificateResult) -> list[list[Cell]]:
    return [
        [p.pupil_id, p.name, p.group, r.first, r.last, kind_label(r.kind), r.days, r.may_leave_off]
        for p in result.pupils
        for r in p.runs
    ]


def footer_lines(result: CertificateResult) -> list[str]:
    rules = result.rules
    grades = f"{min(rules.grades)}.–{max(rules.grades)}. trinn"
    count = len(result.pupils)
    lines = [
        f"Skoleåret {year_text(result)} (1. august–31. juli), {grades}: {count} "
        + ("elev." if count == 1 else "elever."),
        f"Timer: fraværsminutter i enkelttimer ÷ 60, {ROUNDING_TEXT[rules.hours_rounding]}; "
        "enkelttimer slås aldri sammen til dager.",
        f"Kan unntas: helsefravær fra og med dag {rules.health_min_days + 1} i en periode på mer "
        f"enn {rules.health_min_days} skoledager (kronisk: fra første dag), og permisjon; "
        f"høyst {rules.max_left_off_days} dager per skoleår. Unntatt: det eleven har krevd "
        "(«naervaer case vitnemal»).",
    ]
    return lines


def render_table(result: CertificateResult) -> str:
    """Aligned columns, one line per pupil with the runs last, then the rules in short."""
    if not result.pupils:
        return (
            f"Ingen elever på {min(result.rules.grades)}.–{max(result.rules.grades)}. trinn "
            f"med fravær i skoleåret {year_text(result)}.\n"
        )
    headers = [*HEADERS, "Perioder"]
    rows = [
        [str(c) for c in row] + ["; ".join(_run_short(r) for r in p.runs)]
        for row, p in zip(pupil_rows(result), result.pupils, strict=True)
    ]
    widths = [max(len(cell) for cell in col) for col in zip(headers, *rows, strict=True)]
    numeric = range(3, len(HEADERS))

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells[:-1], widths[:-1], strict=True))
        ]
        return "  ".join([*padded, cells[-1]]).rstrip()

    out = [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows), ""]
    out += footer_lines(result)
    return "\n".join(out) + "\n"


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def render_csv(result: CertificateResult) -> str:
    """One row per pupil for Norwegian Excel: UTF-8 with BOM, `;`, the runs in one column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*HEADERS, "Perioder"])
    for row, p in zip(pupil_rows(result), result.pupils, strict=True):
        runs = "; ".join(_run_short(r) for r in p.runs)
        writer.writerow([_csv_cell(v) for v in [*row, runs]])
    return "\ufeff" + buffer.getvalue()


def render_json(result: CertificateResult) -> str:
    import json

    return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"


def render_xlsx(result: CertificateResult) -> bytes:
    """Sheet «Vitnemål» (a row per pupil, a sum row after each group), «Perioder», «Om»."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Vitnemål"
    rows: list[list[Cell]] = []
    sums: set[int] = set()  # sheet rows that are a group's sum, to set in bold
    groups: dict[str, list[PupilCertificate]] = {}
    for p in result.pupils:
        groups.setdefault(p.group, []).append(p)
    for name, pupils in groups.items():
        rows += [[p.pupil_id, p.name, p.group, *_figures(p)] for p in pupils]
        totals = [sum(column) for column in zip(*(_figures(p) for p in pupils), strict=True)]
        pupils_text = f"{len(pupils)} " + ("elev" if len(pupils) == 1 else "elever")
        rows.append([None, f"Sum {name} ({pupils_text})", name, *totals])
        sums.add(len(rows) + 1)
    _fill(ws, list(HEADERS), rows)
    for number in sums:
        for cell in ws[number]:
            cell.font = Font(bold=True)
    _fill(wb.create_sheet("Perioder"), list(RUN_HEADERS), run_rows(result))
    about = wb.create_sheet("Om")
    about.append(["Skoleår", year_text(result)])
    about.append(["Policy", neutralise(result.policy)])
    for text in footer_lines(result)[1:]:
        about.append(["", text])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fill(ws, headers: list[str], rows: list[list[Cell]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], 10 if isinstance(value, date) else len(str(value or "")))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"


def render(result: CertificateResult, fmt: CertificateFormat) -> str | bytes:
    match fmt:
        case CertificateFormat.table:
            return render_table(result)
        case CertificateFormat.csv:
            return render_csv(result)
        case CertificateFormat.xlsx:
            return render_xlsx(result)
        case CertificateFormat.json:
            return render_json(result)
        case _:
            assert_never(fmt)


def write(
    result: CertificateResult,
    fmt: CertificateFormat,
    output: Path | None = None,
    *,
    stdout: TextIO,
    terminal: bool,
) -> None:
    """Write to `output` (mode 0600), or to `stdout`; XLSX only to a file or a pipe."""
    from naervaer_cli.output import deliver

    deliver(
        render(result, fmt), output, stdout, terminal=terminal, binary=fmt is CertificateFormat.xlsx
    )
