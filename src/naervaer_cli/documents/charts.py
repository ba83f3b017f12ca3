"""Charts as inline SVG strings: calendar heat map, horizontal bars and the weekly trend.

Plain SVG 1.1 with no script and no external reference, so a printed or archived HTML file
shows the same picture offline. Every text that may come from an export is XML-escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from naervaer_cli.documents.context import CountRow, TrendPoint, WeekRow
from naervaer_cli.words import MONTHS, WEEKDAYS_SHORT, date_text, number, percent

# Light to dark: none, under a quarter, under half, more, whole day. Readable in greyscale.
HEAT_COLOURS: tuple[str, ...] = ("#eef1f4", "#fcdcbf", "#f6a868", "#e0662a", "#9c2f0f")
HEAT_LABELS: tuple[str, ...] = (
    "Ikke fravær",
    "Under 1/4 dag",
    "1/4–1/2 dag",
    "Over 1/2 dag",
    "Hel dag",
)
FONT = "font-family='Helvetica, Arial, sans-serif'"
INK = "#1f2933"
BAR = "#3b6ea5"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' {FONT} font-size='11'>"
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    anchor: str = "start",
    size: int = 11,
    weight: str = "normal",
    fill: str = INK,
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' font-size='{size}' "
        f"font-weight='{weight}' fill='{fill}'>{escape(text)}</text>"
    )


def heatmap(weeks: Sequence[WeekRow]) -> str:
    """Weeks as columns, Monday–Friday as rows; dark is more absence, a ring marks evidence."""
    cell, gap, left, top = 22, 3, 34, 34
    legend_w = left + sum(22 + len(label) * 5.6 for label in HEAT_LABELS) + 130
    width = max(left + len(weeks) * (cell + gap) + 8, legend_w)
    legend_y = top + 5 * (cell + gap) + 16
    height = legend_y + 30
    body: list[str] = []
    last_month = None
    for col, week in enumerate(weeks):
        x = left + col * (cell + gap)
        body.append(_text(x + cell / 2, top - 6, str(week.week), "middle", 9, fill="#52606d"))
        month = week.days[0].day.month if week.days[0].in_range else week.days[-1].day.month
        if month != last_month:
            body.append(_text(x, top - 20, MONTHS[month - 1], size=10, weight="bold"))
            last_month = month
        for row, day in enumerate(week.days):
            y = top + row * (cell + gap)
            if not day.in_range:
                continue
            label = date_text(day.day)
            if not day.school_day:
                body.append(
                    f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' fill='#ffffff' "
                    f"stroke='#cbd2d9' stroke-dasharray='2 2'><title>{escape(label)}: "
                    "ikke skoledag</title></rect>"
                )
                continue
            detail = "hel dag" if day.whole_day else f"{day.minutes} min"
            stroke = " stroke='#111111' stroke-width='2.2'" if day.evidence else ""
            body.append(
                f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' rx='3' "
                f"fill='{HEAT_COLOURS[day.heat]}'{stroke}>"
                f"<title>{escape(label)}: {escape(detail)}</title></rect>"
            )
            body.append(
                _text(
                    x + cell / 2,
                    y + cell / 2 + 3.5,
                    str(day.day.day),
                    "middle",
                    8,
                    fill="#ffffff" if day.heat >= 3 else "#52606d",
                )
            )
    for row, name in enumerate(WEEKDAYS_SHORT[:5]):
        body.append(_text(left - 6, top + row * (cell + gap) + cell / 2 + 4, name, "end", 10))
    legend_x: float = left
    for colour, label in zip(HEAT_COLOURS, HEAT_LABELS, strict=True):
        body.append(
            f"<rect x='{legend_x}' y='{legend_y}' width='12' height='12' rx='2' fill='{colour}'/>"
        )
        body.append(_text(legend_x + 16, legend_y + 10, label, size=10))
        legend_x += 22 + len(label) * 5.6
    body.append(
        f"<rect x='{legend_x}' y='{legend_y}' width='12' height='12' rx='2' fill='#eef1f4' "
        "stroke='#111111' stroke-width='2'/>"
    )
    body.append(_text(legend_x + 16, legend_y + 10, "Grunnlag for varsel", size=10))
    return _svg(int(width), height, "Fravær per skoledag i terminen", body)


def bars(rows: Sequence[CountRow], value: str, unit: str, title: str) -> str:
    """Horizontal bars of `value` ('days', 'lessons', 'dates' or 'minutes') per row."""
    label_w, bar_w, row_h = 120, 300, 22
    height = max(len(rows), 1) * row_h + 10
    values = [float(getattr(r, value)) for r in rows]
    top_value = max(values, default=0.0) or 1.0
    body: list[str] = []
    for i, (row, v) in enumerate(zip(rows, values, strict=True)):
        y = 5 + i * row_h
        label = row.label if len(row.label) <= 20 else row.label[:19] + "…"
        body.append(_text(label_w - 8, y + 14, label, "end"))
        w = bar_w * v / top_value
        body.append(
            f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row_h - 8}' "
            f"rx='2' fill='{BAR}'/>"
        )
        shown = f"{number(v)} {unit}"
        body.append(_text(label_w + w + 6, y + 14, shown))
    if not rows:
        body.append(_text(label_w, 20, "Ingen data"))
    return _svg(label_w + bar_w + 90, height, title, body)


def trend(points: Sequence[TrendPoint], term_share: float) -> str:
    """Weekly absent share as columns, the term's average as a dashed line."""
    left, top, plot_h, col_w, gap = 40, 12, 120, 20, 6
    width = max(left + len(points) * (col_w + gap) + 20, 420)
    height = top + plot_h + 40
    top_share = max([p.share for p in points] + [term_share, 0.2])
    top_share = min(1.0, (int(top_share * 10) + 1) / 10)
    body: list[str] = []
    for tick in range(0, int(top_share * 100) + 1, 10 if top_share <= 0.5 else 20):
        y = top + plot_h - plot_h * (tick / 100) / top_share
        body.append(
            f"<line x1='{left}' x2='{width - 10}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e4e7eb'/>"
        )
        body.append(_text(left - 4, y + 3.5, f"{tick} %", "end", 9, fill="#52606d"))
    for i, p in enumerate(points):
        x = left + 4 + i * (col_w + gap)
        h = plot_h * p.share / top_share
        body.append(
            f"<rect x='{x}' y='{top + plot_h - h:.1f}' width='{col_w}' height='{h:.1f}' "
            f"fill='{BAR}'><title>Uke {p.week}: {percent(p.share, 0)}</title></rect>"
        )
        body.append(_text(x + col_w / 2, top + plot_h + 14, str(p.week), "middle", 9))
    avg_y = top + plot_h - plot_h * term_share / top_share
    body.append(
        f"<line x1='{left}' x2='{width - 10}' y1='{avg_y:.1f}' y2='{avg_y:.1f}' "
        "stroke='#9c2f0f' stroke-width='1.5' stroke-dasharray='5 3'/>"
    )
    body.append(_text(left, height - 6, "Uke", size=9, fill="#52606d"))
    body.append(
        _text(
            width - 10,
            height - 6,
            f"Stiplet linje: snitt i terminen ({percent(term_share, 0)})",
            "end",
            9,
            fill="#9c2f0f",
        )
    )
    return _svg(int(width), height, "Fraværsandel per uke", body)
