"""Fødselsnummer in an imported frame: hashed in the id column, masked in every text column.

The pure rules (what a fødselsnummer is, how it is hashed) are in privacy.py; this applies
them to a frame on distinct values only, since ids, names, groups and comments repeat.
"""

from __future__ import annotations

import polars as pl

from naervaer_cli.privacy import (
    MAYBE_FNR,
    find_fnrs,
    fnr_column_value,
    hash_fnr,
    id_fnr,
    mask_fnr_in_text,
)

# The text columns of the canonical frame that keep what the export wrote.
TEXT_COLUMNS = ("name", "group", "contact", "subject", "comment", "age_group")


def pseudonymise_fnr(
    frame: pl.DataFrame, key: bytes, *, id_is_fnr: bool
) -> tuple[pl.DataFrame, int, frozenset[str]]:
    """`frame` with no fødselsnummer left, how many distinct ones were replaced, and the
    distinct subjects left (found here anyway; subjects.with_subject_names needs them).

    `id_is_fnr`: the pupil id came from a fødselsnummer column, so every id is hashed whatever
    it looks like (10 digits get their leading zero back first). Otherwise an id that is a
    fødselsnummer is hashed, and one inside a text value is replaced by its hash in place.
    """
    text = [c for c in TEXT_COLUMNS if c in frame.columns]
    ids = pl.col("pupil_id")
    if not id_is_fnr:
        # Ids are short and mostly distinct: a pre-filter on every row is cheaper here.
        ids = ids.filter(ids.str.contains(MAYBE_FNR))
    found = frame.select(
        ids.unique().drop_nulls().implode(),
        *(pl.col(c).unique().drop_nulls().implode() for c in text),
    )
    distinct = {c: found.get_column(c)[0] for c in text}
    fnrs: set[str] = set()
    replaced: dict[str, dict[str, str]] = {}
    id_map: dict[str, str] = {}
    for value in found.get_column("pupil_id")[0]:
        fnr = fnr_column_value(value) if id_is_fnr else id_fnr(value)
        if fnr is not None:
            fnrs.add(fnr)
            id_map[value] = hash_fnr(fnr, key)
        elif found_here := find_fnrs(value):
            fnrs.update(found_here)
            id_map[value] = mask_fnr_in_text(value, key)
    if id_map:
        replaced["pupil_id"] = id_map
    for column, values in distinct.items():
        mapping = {}
        for value in _candidates(values):
            if found_here := find_fnrs(value):
                fnrs.update(found_here)
                mapping[value] = mask_fnr_in_text(value, key)
        if mapping:
            replaced[column] = mapping
    if replaced:
        frame = frame.with_columns(
            pl.col(column).replace(mapping) for column, mapping in replaced.items()
        )
    masked = replaced.get("subject", {})
    subjects = frozenset(masked.get(s, s) for s in distinct.get("subject", ()))
    return frame, len(fnrs), subjects


def _candidates(values: pl.Series) -> pl.Series:
    """The distinct values of a column that may hold a fødselsnummer.

    Polars regexes have no look-around: this is a cheap pre-filter, the exact check (and the
    control digits) is privacy.find_fnrs in Python on the few values left.
    """
    return values.filter(values.str.contains(MAYBE_FNR))
