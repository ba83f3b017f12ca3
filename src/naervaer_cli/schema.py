"""The canonical absence frame: the one shape every reader produces and every rule reads.

One row is one absence record after import. A barnehage attendance log also gives one row
per day the child was there, with kind ``tilstede`` and the Kom/Hentet times:

| column       | type              | meaning |
|--------------|-------------------|---------|
| pupil_id     | String            | pupil number; keyed hash ``fnr-…`` for a fødselsnummer |
| name         | String            | "Etternavn, Fornavn" as the export gives it (may be empty) |
| group        | String            | klasse / basisgruppe / avdeling |
| contact      | String (nullable) | kontaktlærer / ped.leder named in the export |
| date         | Date              | the day of the absence (ranges are expanded to school days) |
| start        | Time (nullable)   | lesson start for lesson rows |
| end          | Time (nullable)   | lesson end for lesson rows |
| minutes      | Int32 (nullable)  | lesson row's absent minutes (minutes, hours or end - start) |
| whole_day    | Boolean           | the record covers the whole school day |
| subject      | String (nullable) | fag / time as the export names it |
| code         | String            | the absence code exactly as exported |
| kind         | Enum(KINDS)       | the canonical kind the code maps to |
| notified     | Boolean (nullable)| the guardians gave notice ("meldt") |
| comment      | String (nullable) | merknad, with any fødselsnummer replaced by its hash |
| arrived      | Time (nullable)   | barnehage: when the child came ("Kom") |
| departed     | Time (nullable)   | barnehage: when the child was picked up ("Hentet"/"Gikk") |
| birth_date   | Date (nullable)   | barnehage: the child's birth date, for the age band |
| age_group    | String (nullable) | barnehage: an exported age group, when there is no birth date |
| source       | Categorical       | the file name the record came from |
| source_row   | Int32             | the row in that file, 1-based as a spreadsheet shows it |

Two records are the same record when every column but ``source`` and ``source_row`` is
equal; :func:`drop_duplicate_records` keeps the first of them (on import and in the history).
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

KINDS: tuple[str, ...] = (
    "udokumentert",
    "dokumentert",
    "sykdom",
    "permisjon",
    "ubehandlet",
    "for_sent",
    "forlot_skolen",
    "ikke_fravaer",
    "tilstede",
)

# Bokmål labels for the kinds, for tables and documents.
KIND_LABELS: dict[str, str] = {
    "udokumentert": "Udokumentert",
    "dokumentert": "Dokumentert",
    "sykdom": "Sykdom",
    "permisjon": "Permisjon",
    "ubehandlet": "Ubehandlet",
    "for_sent": "For sent",
    "forlot_skolen": "Forlot skolen",
    "ikke_fravaer": "Ikke fravær",
    "tilstede": "Til stede",
}

RECORD_KEY: tuple[str, ...] = (
    "pupil_id",
    "name",
    "group",
    "contact",
    "date",
    "start",
    "end",
    "minutes",
    "whole_day",
    "subject",
    "code",
    "kind",
    "notified",
    "comment",
    "arrived",
    "departed",
    "birth_date",
    "age_group",
)


def record_schema() -> dict[str, pl.DataType]:
    """The canonical columns in order with their Polars types."""
    import polars as pl

    return {
        "pupil_id": pl.String(),
        "name": pl.String(),
        "group": pl.String(),
        "contact": pl.String(),
        "date": pl.Date(),
        "start": pl.Time(),
        "end": pl.Time(),
        "minutes": pl.Int32(),
        "whole_day": pl.Boolean(),
        "subject": pl.String(),
        "code": pl.String(),
        "kind": pl.Enum(KINDS),
        "notified": pl.Boolean(),
        "comment": pl.String(),
        "arrived": pl.Time(),
        "departed": pl.Time(),
        "birth_date": pl.Date(),
        "age_group": pl.String(),
        # One value per file: categorical keeps 10M rows from holding 10M copies of a name.
        "source": pl.Categorical(),
        "source_row": pl.Int32(),
    }


def empty_records() -> pl.DataFrame:
    """A frame with the canonical schema and no rows."""
    import polars as pl

    return pl.DataFrame(schema=record_schema())


# Columns that tell most records apart; hashing them alone finds the candidate duplicates.
_HASHED = ("pupil_id", "date", "start", "minutes", "whole_day", "kind")


def drop_duplicate_records(records: pl.DataFrame) -> pl.DataFrame:
    """Keep the first of identical records (every column of RECORD_KEY equal), in order.

    A hash of a few telling columns finds the rows that might repeat; only those are compared
    on every column, so the common case (no duplicates) costs one hash, and a hash collision
    can never drop a record.
    """
    import polars as pl

    # Per-column hashes combined, rather than a frame select: the importer's frame mixes
    # many-chunk and single-chunk columns, and a select would first copy them all into line.
    hashes = functools.reduce(
        operator.xor, (records.get_column(c).hash(seed=n) for n, c in enumerate(_HASHED))
    )
    if hashes.n_unique() == hashes.len():  # the common case, and far cheaper than is_duplicated
        return records
    candidates = hashes.is_duplicated()
    indexed = records.with_row_index("_i")
    kept = indexed.filter(candidates).unique(subset=list(RECORD_KEY), keep="first")
    return pl.concat([indexed.filter(~candidates), kept]).sort("_i").drop("_i")
