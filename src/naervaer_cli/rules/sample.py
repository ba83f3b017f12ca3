"""Small canonical frames from a few keyword rows, for tests and examples of the rules."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import polars as pl

from naervaer_cli.schema import record_schema

_DEFAULTS: dict[str, Any] = {
    "pupil_id": "1",
    "name": "Nordmann, Ola",
    "group": "7A",
    "contact": "Kari Lærer",
    "start": None,
    "end": None,
    "minutes": None,
    "whole_day": False,
    "subject": None,
    "code": None,
    "kind": "udokumentert",
    "notified": None,
    "comment": None,
    "source": "test.csv",
    "source_row": None,
}


def _clock(value: str | time | None) -> time | None:
    if value is None or isinstance(value, time):
        return value
    hours, minutes = value.replace(".", ":").split(":")
    return time(int(hours), int(minutes))


def record(day: date, **fields: Any) -> dict[str, Any]:
    """One canonical row: `start`/`end` may be "09:15"; `minutes` defaults to end − start."""
    row = {**_DEFAULTS, **fields, "date": day}
    row["start"], row["end"] = _clock(row["start"]), _clock(row["end"])
    if row["minutes"] is None and row["start"] and row["end"]:
        row["minutes"] = (row["end"].hour * 60 + row["end"].minute) - (
            row["start"].hour * 60 + row["start"].minute
        )
    if row["code"] is None:
        row["code"] = row["kind"]
    return row


def records(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame in the canonical schema from rows made with :func:`record`."""
    schema = record_schema()
    numbered = [
        {**row, "source_row": row["source_row"] or n} for n, row in enumerate(rows, start=2)
    ]
    return pl.DataFrame(
        {name: [row.get(name) for row in numbered] for name in schema}, schema=schema
    )
