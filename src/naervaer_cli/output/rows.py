"""The scan result as rows: the columns the table, Markdown, CSV and XLSX outputs share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from naervaer_cli.output import labels
from naervaer_cli.result import ScanResult, Setting

if TYPE_CHECKING:
    import polars as pl

Cell = str | int | date | None


@dataclass(frozen=True)
class TableRow:
    """One pupil as the human table shows it; flags and names as pieces a line may break
    between (never inside a piece), so no renderer splits a word."""

    pupil_id: str
    name: str
    group: str
    status: str
    flags: tuple[tuple[str, ...], ...]  # per flag: ("8 dager", "(grense 7)", "26.10–19.11")
    level: int
    responsible: tuple[str, ...]
    case: str  # the case log's state and what is due, or ""


def table_headers(setting: Setting) -> list[str]:
    """The human table's columns, in order: Elevnr, Elev, Gruppe, Status, Hva slo ut, NIVÅ,
    Ansvarlig (Barnenr, Barn, Avdeling … in a barnehage)."""
    cols = labels.columns(setting)
    return [
        cols["pupil_id"],
        cols["pupil"],
        cols["group"],
        "Status",
        "Hva slo ut",
        "NIVÅ",
        "Ansvarlig",
    ]


def table_rows(result: ScanResult) -> list[TableRow]:
    """The pupils of `result` as table rows, in the result's order."""
    return [
        TableRow(
            pupil_id=pupil.pupil_id,
            name=pupil.name or pupil.pupil_id,
            group=pupil.group,
            status=labels.status_label(pupil.status),
            # a pupil listed only for an overdue case evaluation has no flag
            flags=tuple(
                labels.flag_parts(flag, result.labels, result.limits) for flag in pupil.flags
            )
            or (("–",),),
            level=pupil.suggestion.level,
            responsible=pupil.suggestion.responsible,
            case=labels.case_text(pupil),
        )
        for pupil in result.pupils
    ]


def step_lines(result: ScanResult) -> list[str]:
    """The innsatsplan's next step once per level the table shows, lowest level first:
    "NIVÅ 0 (Kontaktlærer): Sikre muntlig dialog …"."""
    steps: dict[int, str] = {}
    for pupil in sorted(result.pupils, key=lambda p: p.suggestion.level):
        s = pupil.suggestion
        who = f" ({', '.join(s.responsible)})" if s.responsible else ""
        steps.setdefault(s.level, f"NIVÅ {s.level}{who}: {s.next_step}")
    return list(steps.values())


def case_lines(result: ScanResult) -> list[str]:
    """One line per pupil with an open case or something due: "10229 Bakke, Jonas: …"."""
    return [
        f"{p.pupil_id} {p.name or ''}".rstrip() + f": {text}"
        for p in result.pupils
        if (text := labels.case_text(p))
    ]


def display_rows(result: ScanResult, sep: str = ", ") -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the table as flat text (Markdown, tab-separated text).

    The Sak/Frist column is there only when some pupil has a case or something due. `sep`
    joins flags and roles.
    """
    headers = table_headers(result.setting)
    with_cases = labels.has_cases(result)
    if with_cases:
        headers.append("Sak/Frist")
    rows = []
    for row in table_rows(result):
        cells = [
            row.pupil_id,
            row.name,
            row.group,
            row.status,
            sep.join(" ".join(parts) for parts in row.flags),
            str(row.level),
            sep.join(row.responsible),
        ]
        if with_cases:
            cells.append(row.case)
        rows.append(cells)
    return headers, rows


def data_rows(
    result: ScanResult, flags: pl.DataFrame | None = None
) -> tuple[list[str], list[list[Cell]]]:
    """Headers and rows for spreadsheets: one row per pupil, flags joined; the rows of
    `data_frame`."""
    headers, frame = data_frame(result, flags)
    return headers, [list(row) for row in frame.iter_rows()]


def data_frame(
    result: ScanResult, flags: pl.DataFrame | None = None
) -> tuple[list[str], pl.DataFrame]:
    """Headers and columns for spreadsheets (CSV, XLSX): one row per pupil in the result's
    order, one column per header, flags joined.

    The columns are fixed whatever the data holds, so a spreadsheet or script that reads
    them can rely on them. Dates stay dates; the writer decides how to show them. `flags` is
    evidence.flag_frame(result), when the caller has made it already.
    """
    import polars as pl

    from naervaer_cli.output.evidence import flag_frame, pupil_evidence

    cols = labels.columns(result.setting)
    headers = [
        cols["pupil_id"],
        cols["pupil"],
        cols["group"],
        cols["contact"],
        "Status",
        "Hva slo ut",
        "NIVÅ",
        "Ansvarlig",
        "Neste steg",
        "Verktøy",
        "Sak/Frist",
        "Første dato",
        "Siste dato",
        "Datoer",
    ]
    pupils = result.pupils
    # The cells from Status to Sak/Frist depend on the status and the suggestion alone for
    # a pupil without a case, and those pupils share their level's Suggestion.
    shared: dict[tuple[str, int], tuple[str, int, str, str, str, str]] = {}
    plans = []
    for pupil in pupils:
        key = (pupil.status, id(pupil.suggestion))
        plan = shared.get(key) if pupil.case is None else None
        if plan is None:
            plan = (
                labels.status_label(pupil.status),
                pupil.suggestion.level,
                labels.responsible_text(pupil),
                pupil.suggestion.next_step,
                ", ".join(pupil.suggestion.tools),
                labels.case_text(pupil),
            )
            if pupil.case is None:
                shared[key] = plan
        plans.append(plan)
    status, level, responsible, next_step, tools, case = (
        zip(*plans, strict=True) if plans else [()] * 6
    )
    text = pl.String
    own = pl.DataFrame(
        {
            "pupil_id": [p.pupil_id for p in pupils],
            "name": [p.name for p in pupils],
            "group": [p.group for p in pupils],
            "contact": [p.contact or "" for p in pupils],
            "status": list(status),
            "level": list(level),
            "responsible": list(responsible),
            "next_step": list(next_step),
            "tools": list(tools),
            "case": list(case),
        },
        schema={
            "pupil_id": text,
            "name": text,
            "group": text,
            "contact": text,
            "status": text,
            "level": pl.Int64,
            "responsible": text,
            "next_step": text,
            "tools": text,
            "case": text,
        },
    )
    evidence = pupil_evidence(result, flag_frame(result) if flags is None else flags)
    columns = pl.concat([own, evidence], how="horizontal").select(
        "pupil_id",
        "name",
        "group",
        "contact",
        "status",
        "flags",
        "level",
        "responsible",
        "next_step",
        "tools",
        "case",
        "first",
        "last",
        "dates",
    )
    return headers, columns


def evidence_headers(setting: Setting) -> list[str]:
    """The columns of the spreadsheet's one row per flag and date."""
    cols = labels.columns(setting)
    return [
        cols["pupil_id"],
        cols["pupil"],
        cols["group"],
        "Regel",
        "Status",
        "Antall",
        "Terskel",
        "Dato",
        "Timer",
    ]


def evidence_rows(result: ScanResult) -> tuple[list[str], list[list[Cell]]]:
    """One row per flag and date: what a teacher checks against the source system."""
    from naervaer_cli.output.evidence import date_rows, flag_frame

    who = {pupil.pupil_id: (pupil.name, pupil.group) for pupil in result.pupils}
    rows: list[list[Cell]] = [
        [pid, *who[pid], rule, status, count, threshold, day, lessons]
        for _, pid, rule, status, count, threshold, day, lessons in date_rows(
            result, flag_frame(result)
        ).iter_rows()
    ]
    return evidence_headers(result.setting), rows
