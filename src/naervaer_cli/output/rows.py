"""The scan result as rows: the columns the table, Markdown, CSV and XLSX outputs share."""

from __future__ import annotations

from datetime import date

from naervaer_cli.output import labels
from naervaer_cli.result import ScanResult
from naervaer_cli.words import dates_text

Cell = str | int | date | None


def display_rows(result: ScanResult, sep: str = ", ") -> tuple[list[str], list[list[str]]]:
    """Headers and rows for the human table (terminal, plain text, Markdown).

    The Sak/Frist column is there only when some pupil has a case or something due. `sep`
    joins flags and roles: ", " on one line, or "\n" for one per line in a terminal table.
    """
    cols = labels.columns(result.setting)
    headers = [
        cols["pupil"],
        cols["group"],
        "Status",
        "Hva slo ut",
        "NIVÅ",
        "Ansvarlig",
        "Neste steg",
    ]
    with_cases = labels.has_cases(result)
    if with_cases:
        headers.append("Sak/Frist")
    rows = []
    for pupil in result.pupils:
        row = [
            pupil.name or pupil.pupil_id,
            pupil.group,
            labels.status_label(pupil.status),
            # a pupil listed only for an overdue case evaluation has no flag
            labels.flags_text(pupil, result.labels, sep) or "–",
            str(pupil.suggestion.level),
            labels.responsible_text(pupil, sep),
            pupil.suggestion.next_step,
        ]
        if with_cases:
            row.append(labels.case_text(pupil))
        rows.append(row)
    return headers, rows


def data_rows(result: ScanResult) -> tuple[list[str], list[list[Cell]]]:
    """Headers and rows for spreadsheets (CSV, XLSX): one row per pupil, flags joined.

    The columns are fixed whatever the data holds, so a spreadsheet or script that reads
    them can rely on them. Dates stay `date` values; the writer decides how to show them.
    """
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
    rows: list[list[Cell]] = []
    for pupil in result.pupils:
        dates = labels.evidence_dates(pupil)
        rows.append(
            [
                pupil.pupil_id,
                pupil.name,
                pupil.group,
                pupil.contact or "",
                labels.status_label(pupil.status),
                labels.flags_text(pupil, result.labels),
                pupil.suggestion.level,
                labels.responsible_text(pupil),
                pupil.suggestion.next_step,
                ", ".join(pupil.suggestion.tools),
                labels.case_text(pupil),
                dates[0] if dates else None,
                dates[-1] if dates else None,
                dates_text(dates),
            ]
        )
    return headers, rows


def evidence_rows(result: ScanResult) -> tuple[list[str], list[list[Cell]]]:
    """One row per flag and date: what a teacher checks against the source system."""
    cols = labels.columns(result.setting)
    headers = [
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
    rows: list[list[Cell]] = []
    for pupil in result.pupils:
        for flag in pupil.flags:
            lessons = "; ".join(flag.lessons)
            for day in flag.dates:
                rows.append(
                    [
                        pupil.pupil_id,
                        pupil.name,
                        pupil.group,
                        labels.rule_label(flag.rule, result.labels, flag.subject),
                        labels.status_label(flag.severity),
                        flag.count,
                        flag.threshold,
                        day,
                        # lessons name their own date ("27.10 09:15–10:00 Matte"); keep the day's
                        "; ".join(x for x in flag.lessons if x.startswith(f"{day:%d.%m}"))
                        if lessons
                        else "",
                    ]
                )
    return headers, rows
