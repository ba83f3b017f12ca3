"""Subject names as the policy spells them, applied once to the records when they are loaded.

An export may write «KRØ» one week and «Kroppsøving» the next; after this every flag, chart
and table counts and shows them as one subject (`SchoolPolicy.subject_name`).
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from naervaer_cli.policy import SchoolPolicy


def with_subject_names(
    records: pl.DataFrame, school: SchoolPolicy, names: Collection[str] | None = None
) -> pl.DataFrame:
    """`records` with each subject renamed to the name the policy shows it under.

    `names` are the records' distinct subjects when the caller knows them (ImportResult
    .subjects); more names than the records hold change nothing.
    """
    if "subject" not in records.columns or records.is_empty():
        return records
    # A handful of distinct names, so the matching runs in Python once per name, not per row.
    if names is None:
        names = records.get_column("subject").drop_nulls().unique().to_list()
    renamed = {name: school.subject_name(name) for name in names}
    changed = {old: new for old, new in renamed.items() if old != new}
    if not changed:
        return records
    # Through the Series, not an expression: the importer's columns come in chunks of
    # different sizes, and an expression over the frame would first copy every column into
    # line (measured at 10M rows: 2.3 s and +700 MB, against 0.13 s for the column alone).
    subject = records.get_column("subject")
    return records.with_columns(subject.replace(list(changed), list(changed.values())))
