"""Counting records that several exports share once, and records repeated in one export each time.

Weekly exports overlap, so the same record can come from two files (or from a file and the
stored history): it is one lesson missed, not two. But two identical rows in one file are two
lessons (two 45-minute Matematikk lessons on a day, without clock times): a record that occurs
n times in one source and m times in another counts max(n, m) times.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

import polars as pl

from naervaer_cli.schema import RECORD_KEY

OCCURRENCE = "_occurrence"
# Columns that tell most records apart; hashing them alone finds the candidate repeats.
_HASHED = ("pupil_id", "date", "start", "minutes", "whole_day", "kind")


def occurrences(records: pl.DataFrame) -> pl.Series:
    """For each record, how many identical records come before it in the frame (0, 1, ...).

    A hash of a few telling columns finds the rows that might repeat; only those are compared
    on every column, so the common case (no repeats) costs one hash, and a hash collision can
    never make two different records one.
    """
    zeros = pl.zeros(records.height, dtype=pl.Int32, eager=True).alias(OCCURRENCE)
    if records.height < 2:
        return zeros
    # Per-column hashes combined, rather than a frame select: the importer's frame mixes
    # many-chunk and single-chunk columns, and a select would first copy them all into line.
    hashes = functools.reduce(
        operator.xor, (records.get_column(c).hash(seed=n) for n, c in enumerate(_HASHED))
    )
    if hashes.n_unique() == hashes.len():
        return zeros
    candidates = records.with_row_index("_i").filter(hashes.is_duplicated())
    counted = candidates.select(
        "_i", pl.int_range(pl.len(), dtype=pl.Int32).over(list(RECORD_KEY)).alias(OCCURRENCE)
    )
    return zeros.scatter(counted.get_column("_i"), counted.get_column(OCCURRENCE))


def repeated_rows(records: pl.DataFrame) -> tuple[int, ...]:
    """The source rows of the records identical to an earlier record of the same frame."""
    repeated = occurrences(records) > 0
    return tuple(records.get_column("source_row").filter(repeated).unique().sort())


def merge_sources(sources: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """The records of several sources in order, each shared record counted max(n, m) times."""
    if len(sources) == 1:
        return sources[0]
    numbered = pl.concat(
        [frame.with_columns(occurrences(frame)) for frame in sources], how="vertical"
    )
    key = numbered.select(*RECORD_KEY, OCCURRENCE)
    hashes = functools.reduce(
        operator.xor,
        (key.get_column(c).hash(seed=n) for n, c in enumerate((*_HASHED, OCCURRENCE))),
    )
    if hashes.n_unique() == hashes.len():
        return numbered.drop(OCCURRENCE)
    candidates = hashes.is_duplicated()
    indexed = numbered.with_row_index("_i")
    kept = indexed.filter(candidates).unique(subset=[*RECORD_KEY, OCCURRENCE], keep="first")
    return pl.concat([indexed.filter(~candidates), kept]).sort("_i").drop("_i", OCCURRENCE)
