"""The plain-text report of `naervaer check`: what was detected and every problem found."""

from __future__ import annotations

import polars as pl

from naervaer_cli.importer import ImportResult
from naervaer_cli.importer.headers import FIELD_LABELS
from naervaer_cli.importer.read import DELIMITER_NAMES
from naervaer_cli.privacy import hide_fnr
from naervaer_cli.schema import KIND_LABELS

MAX_PROBLEMS_LISTED = 50
MAX_ROWS_LISTED = 10


def check_report(result: ImportResult) -> str:
    """A readable bokmål report; contains no names, ids or fødselsnummer."""
    lines: list[str] = []
    for f in result.files:
        lines.append(f"Fil: {f.path}")
        detected = [f"format {f.file_format}"]
        if f.encoding:
            detected.append(f"tegnkoding {f.encoding}")
        if f.delimiter:
            detected.append(f"skilletegn {DELIMITER_NAMES[f.delimiter]}")
        if f.sheet:
            detected.append(f"ark «{f.sheet}»")
        detected.append(f"overskrift i rad {f.header_row}")
        lines.append("  Funnet: " + ", ".join(detected))
        lines.append("  Kolonner:")
        for field, header in f.columns.items():
            lines.append(f"    {header:<24} → {FIELD_LABELS[field]}")
        if f.unused_columns:
            lines.append("  Ikke brukt: " + ", ".join(f.unused_columns))
        lines.append(f"  Rader lest: {f.rows_read}, fraværsposter: {f.records}")
        if f.skipped_rows:
            shown = ", ".join(str(r) for r in f.skipped_rows[:MAX_ROWS_LISTED])
            more = len(f.skipped_rows) - MAX_ROWS_LISTED
            lines.append(
                f"  Hoppet over: {len(f.skipped_rows)} sum- eller oppsummeringsrad(er) under "
                f"tabellen (rad {shown}{f' og {more} til' if more > 0 else ''}); de er ikke "
                "fraværsrader."
            )
        for warning in f.warnings:
            lines.append(f"  Advarsel: {warning}")
        for note in f.notes:
            lines.append(f"  Merk: {note}")
        if f.repeated_rows:
            shown = ", ".join(str(r) for r in f.repeated_rows[:MAX_ROWS_LISTED])
            more = len(f.repeated_rows) - MAX_ROWS_LISTED
            lines.append(
                f"  Merk: {len(f.repeated_rows)} rad(er) er helt like en tidligere rad i samme "
                f"fil (rad {shown}{f' og {more} til' if more > 0 else ''}); de telles hver "
                "for seg. Er de dobbeltført, rett dem i fagsystemet."
            )
        if f.problems:
            lines.append(f"  Problemer ({len(f.problems)}):")
            for problem in f.problems[:MAX_PROBLEMS_LISTED]:
                lines.append(
                    f"    rad {problem.row}, kolonne «{problem.column}»: {problem.message}"
                )
            if len(f.problems) > MAX_PROBLEMS_LISTED:
                lines.append(f"    … og {len(f.problems) - MAX_PROBLEMS_LISTED} til.")
        lines.append("")
    lines += _totals(result)
    # File names and headers as written: never a fødselsnummer.
    return hide_fnr("\n".join(lines)) + "\n"


def _totals(result: ImportResult) -> list[str]:
    records = result.records
    lines = ["Samlet:"]
    lines.append(
        f"  Fraværsposter: {records.height}"
        + (
            f" ({result.duplicates} like poster i flere filer telt én gang)"
            if result.duplicates
            else ""
        )
    )
    if records.is_empty():
        lines.append("  Ingen fravær registrert.")
        return lines
    groups = sorted(g for g in records.get_column("group").unique().to_list() if g)
    first, last = records.select(
        pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
    ).row(0)
    people = "Barn" if result.setting == "barnehage" else "Elever"
    lines.append(f"  {people}: {records.get_column('pupil_id').n_unique()}")
    lines.append(
        f"  Grupper: {len(groups)} ({', '.join(groups)})" if groups else "  Grupper: ingen"
    )
    lines.append(f"  Datoer: {first:%d.%m.%Y}–{last:%d.%m.%Y}")
    counts = records.get_column("kind").value_counts(sort=True)
    lines.append("  Per fraværsart:")
    for kind, count in counts.iter_rows():
        lines.append(f"    {KIND_LABELS[kind]:<16} {count}")
    return lines
