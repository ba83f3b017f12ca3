"""Duplicate records: identical ones count once; a hash collision never drops a record."""

from __future__ import annotations

import datetime as dt

import polars as pl

from naervaer_cli.schema import drop_duplicate_records, empty_records


def frame(rows: list[dict]) -> pl.DataFrame:
    base = {c: None for c in empty_records().columns}
    return pl.DataFrame([{**base, **r} for r in rows], schema=empty_records().schema)


ROWS = [
    {
        "pupil_id": "1",
        "name": "A",
        "group": "7A",
        "date": dt.date(2026, 11, 2),
        "code": "Syk",
        "kind": "sykdom",
        "whole_day": True,
        "source": "a.csv",
        "source_row": 2,
    },
    {
        "pupil_id": "1",
        "name": "A",
        "group": "7A",
        "date": dt.date(2026, 11, 2),
        "code": "Syk",
        "kind": "sykdom",
        "whole_day": True,
        "source": "b.csv",
        "source_row": 9,
    },
    {
        "pupil_id": "1",
        "name": "A",
        "group": "7A",
        "date": dt.date(2026, 11, 3),
        "code": "Syk",
        "kind": "sykdom",
        "whole_day": True,
        "source": "b.csv",
        "source_row": 10,
    },
]


def test_identical_records_from_two_files_count_once_and_keep_the_first():
    out = drop_duplicate_records(frame(ROWS))
    assert out.get_column("source_row").to_list() == [2, 10]


def test_a_hash_collision_keeps_both_records(monkeypatch):
    # Every row hashes alike: only the column-by-column comparison may drop a row.
    monkeypatch.setattr(
        pl.Series, "hash", lambda self, *a, **k: pl.Series([7] * len(self), dtype=pl.UInt64)
    )
    out = drop_duplicate_records(frame(ROWS))
    assert out.get_column("source_row").to_list() == [2, 10]
