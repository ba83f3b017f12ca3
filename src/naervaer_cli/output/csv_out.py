"""The scan result as CSV for Norwegian Excel: UTF-8 with BOM, `;`, one row per pupil.

One row per pupil (not per flag) so a sheet has one line to act on per pupil; the flags are
joined in "Hva slo ut" ("Fraværsdager 8/7, Kroppsøving 2/2") and every date the flags
counted is in "Datoer". Per-flag evidence is in the JSON and in the XLSX sheet "Datoer".
"""

from __future__ import annotations

import csv
import io
from datetime import date

from naervaer_cli.output import labels
from naervaer_cli.output.rows import Cell, data_rows
from naervaer_cli.result import ScanResult
from naervaer_cli.words import date_text

BOM = "\ufeff"


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, int):
        return str(value)
    return labels.neutralise(value)


def render_csv(result: ScanResult) -> str:
    """The CSV text, BOM first; Excel in a Norwegian locale splits it on `;` by itself."""
    headers, rows = data_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    # Groups, contacts, labels, dates and levels repeat from row to row: each distinct value
    # is turned into its text once.
    texts: dict[Cell, str] = {}

    def text(value: Cell) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = _cell(value)
        return found

    writer.writerows([text(v) for v in row] for row in rows)
    return BOM + buffer.getvalue()
