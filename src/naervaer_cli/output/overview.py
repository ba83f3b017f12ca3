"""The anonymous overview as an HTML page with SVG charts (prints on A4), XLSX or JSON.

Only suppressed figures reach this module (`overview.Figure`: a hidden one has no value), so
no renderer can print a small count. The files hold no personal data but are still written
0600 through `output.deliver`, like every other result.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TextIO, assert_never
from xml.sax.saxutils import escape

from naervaer_cli.coverage import BREAK_HINT
from naervaer_cli.disclosure import COMPLEMENT, SMALL
from naervaer_cli.overview import STATUS_LABELS, Figure, OverviewResult, UnitRow, to_json
from naervaer_cli.words import date_text, percent

TEMPLATE = "overview.html.j2"
FONT = "font-family='Helvetica, Arial, sans-serif'"
INK = "#1f2933"
BAR = "#3b6ea5"
LAST = "#9c2f0f"


class OverviewFormat(StrEnum):
    html = "html"
    xlsx = "xlsx"
    json = "json"


def text(figure: Figure, small: str, share: bool = False) -> str:
    """A figure as the page shows it: 12, 3,4 %, «<5», «×» or «–»."""
    if figure.mark == SMALL:
        return small
    if figure.mark == COMPLEMENT:
        return COMPLEMENT
    if figure.value is None:
        return "–"
    return percent(figure.value) if share else str(int(figure.value))


def part(count: Figure, total: Figure, small: str) -> str:
    """A count with its share of the unit's pupils: «12 (48,0 %)»."""
    shown = text(count, small)
    if count.value is None or not total.value:
        return shown
    return f"{shown} ({percent(count.value / total.value, 0)})"


def change(row: UnitRow) -> str:
    """This term's share against last year's, in percentage points."""
    if row.share.value is None or row.last_share.value is None:
        return "–"
    points = (row.share.value - row.last_share.value) * 100
    return f"{points:+.1f}".replace(".", ",").replace("-", "−") + " p.p."


def week_chart(result: OverviewResult, row: UnitRow) -> str:
    """Weekly absence share as columns, last year's same weeks as a dashed line."""
    left, top, plot_h, col_w, gap = 40, 12, 120, 20, 6
    n = len(result.weeks)
    width = max(left + n * (col_w + gap) + 20, 420)
    height = top + plot_h + 40
    values = [f.value for f in (*row.weeks, *row.last_weeks) if f.value is not None]
    top_share = min(1.0, (int(max([*values, 0.1]) * 10) + 1) / 10)

    def y(share: float) -> float:
        return top + plot_h - plot_h * share / top_share

    body: list[str] = []
    for tick in range(0, int(top_share * 100) + 1, 10 if top_share <= 0.5 else 20):
        ty = y(tick / 100)
        body.append(
            f"<line x1='{left}' x2='{width - 10}' y1='{ty:.1f}' y2='{ty:.1f}' stroke='#e4e7eb'/>"
        )
        body.append(_text(left - 4, ty + 3.5, f"{tick} %", "end", 9))
    last_points = []
    for i, (w, f, old) in enumerate(zip(result.weeks, row.weeks, row.last_weeks, strict=True)):
        x = left + 4 + i * (col_w + gap)
        if f.value is not None:
            h = plot_h * f.value / top_share
            body.append(
                f"<rect x='{x}' y='{top + plot_h - h:.1f}' width='{col_w}' height='{h:.1f}' "
                f"fill='{BAR}'><title>Uke {w.week}: {percent(f.value)}</title></rect>"
            )
        if old.value is not None:
            last_points.append(f"{x + col_w / 2:.1f},{y(old.value):.1f}")
        body.append(_text(x + col_w / 2, top + plot_h + 14, str(w.week), "middle", 9))
    if len(last_points) > 1:
        body.append(
            f"<polyline points='{' '.join(last_points)}' fill='none' stroke='{LAST}' "
            "stroke-width='1.5' stroke-dasharray='5 3'/>"
        )
    body.append(_text(left, height - 6, "Uke", size=9))
    if last_points:
        body.append(
            _text(width - 10, height - 6, "Stiplet linje: samme uker året før", "end", 9, LAST)
        )
    title = f"Fraværsandel per uke, {row.label}"
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {FONT} font-size='11'><title>{escape(title)}</title>"
        + "".join(body)
        + "</svg>"
    )


def _text(
    x: float, y: float, value: str, anchor: str = "start", size: int = 11, fill: str = "#52606d"
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' font-size='{size}' "
        f"fill='{fill}'>{escape(value)}</text>"
    )


def last_year_note(result: OverviewResult) -> str | None:
    """Why «Året før» shows "–" for some schools, or None when it shows for every one."""
    if not result.last_missing:
        return None
    which = ", ".join(
        f"{school} (dataene starter {date_text(start)})" for school, start in result.last_missing
    )
    together = " eller for alle skolene samlet" if len(result.schools) > 1 else ""
    return (
        f"Året før vises ikke for {which}{together}: dataene går ikke tilbake til "
        f"{date_text(result.last_first)}."
    )


def hole_notes(result: OverviewResult) -> list[str]:
    """One line per school week without a record (overview.holes)."""
    several = len(result.schools) > 1
    return [
        f"{f'{school}: ' if several else ''}Ingen registreringer {date_text(first)}–"
        f"{date_text(last)} ({days} skoledager). {BREAK_HINT}; ellers mangler data der, og "
        "andelene er for lave."
        for school, first, last, days in result.holes
    ]


def render_html(result: OverviewResult, templates: Path | None = None) -> str:
    """The page through the shared Jinja environment (autoescape on)."""
    from naervaer_cli.templating import render, template_environment

    env = template_environment(templates, autoescape=True)
    small = result.small_text
    from markupsafe import Markup

    # The SVG is built here with every text escaped, so it goes in as markup.
    charts = [
        (row.label, Markup(week_chart(result, row)))  # noqa: S704
        for row in result.rows
        if row.level in ("alle", "skole") and any(f.value is not None for f in row.weeks)
    ]

    return render(
        env,
        TEMPLATE,
        result=result,
        rows=result.rows,
        statuses=STATUS_LABELS,
        small=small,
        charts=charts,
        text=lambda f, share=False: text(f, small, share),
        part=lambda count, total: part(count, total, small),
        change=change,
        date_text=date_text,
        last_year_note=last_year_note(result),
        hole_notes=hole_notes(result),
    )


def _sheet_rows(result: OverviewResult) -> tuple[list[str], list[list[str | float | int]]]:
    small = result.small_text
    headers = [
        "Nivå",
        "Enhet",
        "Skole",
        "Elever",
        "Fraværsandel",
        *STATUS_LABELS,
        *result.level_labels,
        "Åpne saker",
        "Evaluering forfalt",
        "Elever året før",
        "Fraværsandel året før",
        *(f"Uke {w.week}" for w in result.weeks),
    ]
    rows: list[list[str | float | int]] = []

    def cell(f: Figure) -> str | float | int:
        if f.value is None:
            return text(f, small)
        return f.value

    for r in result.rows:
        rows.append(
            [
                r.level,
                r.label,
                r.school,
                cell(r.pupils),
                cell(r.share),
                *(cell(f) for f in r.status),
                *(cell(f) for f in r.levels),
                cell(r.open_cases),
                cell(r.overdue),
                cell(r.last_pupils),
                cell(r.last_share),
                *(cell(f) for f in r.weeks),
            ]
        )
    return headers, rows


def render_xlsx(result: OverviewResult) -> bytes:
    """Sheet «Oversikt» (a row per unit, shares as percent) and «Om» (the rules)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from naervaer_cli.output.labels import neutralise

    headers, rows = _sheet_rows(result)
    share_columns = {i + 1 for i, h in enumerate(headers) if h.startswith(("Fraværsandel", "Uke "))}
    wb = Workbook()
    ws = wb.active
    ws.title = "Oversikt"
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    for line in ws.iter_rows(min_row=2):
        for c in line:
            if c.column in share_columns and isinstance(c.value, float):
                c.number_format = "0.0%"
    ws.freeze_panes = "D2"
    about = wb.create_sheet("Om")
    for line in about_lines(result):
        about.append([neutralise(line)])
    about.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def about_lines(result: OverviewResult) -> Sequence[str]:
    small = result.small_text
    return (
        f"Fraværsoversikt {date_text(result.first)}–{date_text(result.as_of)}, "
        f"policy {result.policy}.",
        "Elever: elever med minst én registrering i perioden, i gruppen fra siste registrering.",
        "Fraværsandel: fraværsdager (hel dag, eller minutter ÷ skoledagens lengde) ÷ "
        "(elever × skoledager).",
        f"Året før: de samme skoledagene 52 uker tidligere "
        f"({date_text(result.last_first)}–{date_text(result.last_as_of)}).",
        *([note] if (note := last_year_note(result)) else []),
        *hole_notes(result),
        f"«{small}»: tallet gjelder færre enn {result.min_group} elever (også 0).",
        f"«{COMPLEMENT}»: skjult så et lite tall ikke kan regnes ut av summene.",
        "En andel vises bare når antall elever den gjelder, vises.",
    )


def render_json(result: OverviewResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"


def render(
    result: OverviewResult, fmt: OverviewFormat, templates: Path | None = None
) -> str | bytes:
    match fmt:
        case OverviewFormat.html:
            return render_html(result, templates)
        case OverviewFormat.xlsx:
            return render_xlsx(result)
        case OverviewFormat.json:
            return render_json(result)
        case _:
            assert_never(fmt)


def write(
    result: OverviewResult,
    fmt: OverviewFormat,
    output: Path | None = None,
    *,
    stdout: TextIO,
    terminal: bool,
    templates: Path | None = None,
) -> None:
    """Write to `output` (mode 0600), or to `stdout`; XLSX only to a file or a pipe."""
    from naervaer_cli.output import deliver

    data = render(result, fmt, templates)
    deliver(data, output, stdout, terminal=terminal, binary=fmt is OverviewFormat.xlsx)
