"""The stored absence history: every imported record once, in one Parquet file under NAERVAER_HOME.

Weekly exports each cover a week; importing them one by one builds the history the 4-week
window needs. A record is the same record when every column of ``schema.RECORD_KEY`` is
equal; one that occurs n times in the history and m times in an import is kept max(n, m)
times (importer/dedupe.py), so importing the same or an overlapping export again adds
nothing, while two identical lessons in one export stay two. The file is 0600 in a
0700 folder, written to a temporary file and renamed over the old one so a killed import never
leaves half a history; a lock file keeps two imports from overwriting each other's additions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from naervaer_cli.errors import InputError, RuntimeFailure
from naervaer_cli.locking import exclusive_lock
from naervaer_cli.privacy import ensure_private_dir, write_atomic
from naervaer_cli.schema import empty_records, record_schema

HISTORY_DIR = "history"
RECORDS_FILE = "records.parquet"
LOCK_FILE = ".lock"


def history_dir(home: Path) -> Path:
    return home / HISTORY_DIR


def store_records(home: Path, records: pl.DataFrame) -> tuple[int, int]:
    """Add `records` (canonical frame) to the history; return (records added, total after)."""
    incoming = _canonical(records, "de importerte postene")
    with _locked(home) as folder:
        from naervaer_cli.importer.dedupe import merge_sources

        current = _read(folder)
        merged = merge_sources([current, incoming])
        added = merged.height - current.height
        if added:
            _write(folder, merged.sort(["date", "pupil_id"], maintain_order=True))
    return added, merged.height


def load_history(home: Path) -> pl.DataFrame:
    """The stored history in the canonical schema; an empty frame when nothing is stored."""
    folder = history_dir(home)
    if not (folder / RECORDS_FILE).exists():
        return empty_records()
    return _read(folder)


def purge_history(home: Path, before: date) -> int:
    """Delete the stored records dated before `before`; return how many were deleted."""
    if not (history_dir(home) / RECORDS_FILE).exists():
        return 0
    with _locked(home) as folder:
        current = _read(folder)
        kept = current.filter(pl.col("date") >= before)
        deleted = current.height - kept.height
        if deleted:
            _write(folder, kept)
    return deleted


def purge_invalid_dates(home: Path, today: date) -> int:
    """Delete the stored records dated outside the limits an import accepts (before 2000, or
    more than a year after `today`): typos stored before the importer refused them."""
    from naervaer_cli.importer.normalize import date_limits

    if not (history_dir(home) / RECORDS_FILE).exists():
        return 0
    first, last = date_limits(today)
    with _locked(home) as folder:
        current = _read(folder)
        kept = current.filter(pl.col("date").is_between(first, last))
        deleted = current.height - kept.height
        if deleted:
            _write(folder, kept)
    return deleted


@contextmanager
def _locked(home: Path) -> Iterator[Path]:
    folder = ensure_private_dir(history_dir(home))
    with exclusive_lock(folder / LOCK_FILE):
        yield folder


def _read(folder: Path) -> pl.DataFrame:
    path = folder / RECORDS_FILE
    if not path.exists():
        return empty_records()
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise RuntimeFailure(
            f"{path}: den lagrede fraværshistorikken kan ikke leses ({exc}). Slett filen og "
            "importer eksportene på nytt."
        ) from None
    return _canonical(frame, str(path))


def _write(folder: Path, frame: pl.DataFrame) -> None:
    # Temporary file, fsync, rename (privacy.write_atomic): a killed import leaves the old
    # history whole, and its temporary file is removed at the next start.
    write_atomic(folder / RECORDS_FILE, lambda fh: _write_parquet(frame, fh))


class _Recording:
    """A file that remembers the OSError of a failed write: Polars reports it as a
    ComputeError, and a full disk should be told as one."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.fh.write(data)
        except OSError as exc:
            self.error = exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)


def _write_parquet(frame: pl.DataFrame, fh: BinaryIO) -> None:
    recording = _Recording(fh)
    try:
        frame.write_parquet(recording)  # type: ignore[arg-type]
    except pl.exceptions.PolarsError:
        if recording.error is not None:
            raise recording.error from None
        raise


def _canonical(frame: pl.DataFrame, origin: str) -> pl.DataFrame:
    schema = record_schema()
    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise InputError(f"{origin}: mangler kolonnene {', '.join(missing)}.")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
