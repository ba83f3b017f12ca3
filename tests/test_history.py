"""The stored absence history: idempotent imports, weekly exports adding up, purge, file modes."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from naervaer_cli.config import load_config
from naervaer_cli.errors import RuntimeFailure
from naervaer_cli.history import (
    RECORDS_FILE,
    history_dir,
    load_history,
    purge_history,
    store_records,
)
from naervaer_cli.importer import load_exports
from naervaer_cli.schema import empty_records

HEADER = "Elevnr;Elev;Klasse;Kontaktlærer;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Heldag\n"
AS_OF = date(2026, 11, 20)  # a Friday; the 28-day window starts 24.10
WHOLE_DAYS = [
    date(2026, 10, 20),  # week 43: before the window
    date(2026, 10, 26),
    date(2026, 10, 27),  # week 44
    date(2026, 11, 2),  # week 45
    date(2026, 11, 9),
    date(2026, 11, 10),  # week 46
    date(2026, 11, 16),
    date(2026, 11, 17),
]  # week 47


def _rows(days: list[date]) -> list[str]:
    rows = []
    for day in days:
        rows.append(f"10234;Nordmann, Ola;7A;Kari Lærer;{day:%d.%m.%Y};;;;Ikke dokumentert;Ja\n")
        # A lesson the day after, so the weeks hold more than whole days.
        lesson = day + timedelta(days=1)
        rows.append(
            f"20411;Hansen, Siri;7A;Kari Lærer;{lesson:%d.%m.%Y};09.15;10.00;Matte;"
            "Dokumentert;Nei\n"
        )
    return rows


def _export(path: Path, days: list[date], reverse: bool = False) -> pl.DataFrame:
    rows = _rows(days)
    path.write_text(HEADER + "".join(reversed(rows) if reverse else rows), encoding="utf-8")
    return load_exports([path], load_config(), today=date(2026, 11, 20)).records


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _weeks() -> dict[int, list[date]]:
    weeks: dict[int, list[date]] = {}
    for day in WHOLE_DAYS:
        weeks.setdefault(day.isocalendar().week, []).append(day)
    return weeks


def test_weekly_exports_add_up_to_the_four_week_window(tmp_path: Path, naervaer_home: Path) -> None:
    total_rows = 0
    for week, days in _weeks().items():
        records = _export(tmp_path / f"uke{week}.csv", days)
        added, total = store_records(naervaer_home, records)
        total_rows += records.height
        assert (added, total) == (records.height, total_rows)

    history = load_history(naervaer_home)
    window = history.filter(
        (pl.col("date") > AS_OF - timedelta(days=28))
        & (pl.col("date") <= AS_OF)
        & (pl.col("pupil_id") == "10234")
        & pl.col("whole_day")
    )
    assert sorted(window.get_column("date").unique().to_list()) == WHOLE_DAYS[1:]  # 7 days
    assert history.height == 2 * len(WHOLE_DAYS)


def test_the_same_or_an_overlapping_export_adds_nothing_twice(
    tmp_path: Path, naervaer_home: Path
) -> None:
    weeks = _weeks()
    week46 = _export(tmp_path / "uke46.csv", weeks[46])
    assert store_records(naervaer_home, week46) == (4, 4)
    assert store_records(naervaer_home, week46) == (0, 4)
    # Three weeks in another file, rows in another order: only weeks 45 and 47 are new.
    month = _export(
        tmp_path / "oktober-november.csv", weeks[45] + weeks[46] + weeks[47], reverse=True
    )
    assert month.height == 10
    assert store_records(naervaer_home, month) == (6, 10)
    history = load_history(naervaer_home)
    assert history.height == 10
    # The first file a record came from is kept as its source.
    kept = history.filter(pl.col("date") == date(2026, 11, 9)).get_column("source").to_list()
    assert kept == ["uke46.csv"]


def test_history_is_private(tmp_path: Path, naervaer_home: Path) -> None:
    store_records(naervaer_home, _export(tmp_path / "uke45.csv", [date(2026, 11, 2)]))
    folder = history_dir(naervaer_home)
    assert _mode(folder) == 0o700
    assert _mode(folder / RECORDS_FILE) == 0o600
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == [RECORDS_FILE]


def test_empty_history_has_the_canonical_schema(naervaer_home: Path) -> None:
    history = load_history(naervaer_home)
    assert history.is_empty() and history.schema == empty_records().schema
    assert not history_dir(naervaer_home).exists()


def test_loaded_history_keeps_the_canonical_schema(tmp_path: Path, naervaer_home: Path) -> None:
    store_records(naervaer_home, _export(tmp_path / "uke45.csv", [date(2026, 11, 2)]))
    assert load_history(naervaer_home).schema == empty_records().schema


def test_purge_deletes_records_before_the_date(tmp_path: Path, naervaer_home: Path) -> None:
    store_records(naervaer_home, _export(tmp_path / "alle.csv", WHOLE_DAYS))
    assert purge_history(naervaer_home, date(2026, 11, 3)) == 7  # 20.10–02.11 and 21.10–28.10
    left = load_history(naervaer_home)
    assert left.height == 9
    assert left.get_column("date").min() == date(2026, 11, 3)
    assert purge_history(naervaer_home, date(2026, 11, 3)) == 0
    assert _mode(history_dir(naervaer_home) / RECORDS_FILE) == 0o600


def test_purge_without_history_deletes_nothing(naervaer_home: Path) -> None:
    assert purge_history(naervaer_home, date(2026, 11, 3)) == 0
    assert not history_dir(naervaer_home).exists()


def test_a_damaged_history_file_gives_a_norwegian_error(naervaer_home: Path) -> None:
    folder = history_dir(naervaer_home)
    folder.mkdir(parents=True)
    (folder / RECORDS_FILE).write_bytes(b"not parquet at all")
    with pytest.raises(RuntimeFailure, match="kan ikke leses"):
        load_history(naervaer_home)


CONCURRENT = """
import sys
from datetime import date, timedelta
from pathlib import Path
import polars as pl
from naervaer_cli.history import store_records
from naervaer_cli.schema import record_schema

home, pupil = Path(sys.argv[1]), sys.argv[2]
for week in range(10):
    rows = [{"pupil_id": pupil, "name": "", "group": "7A", "date": date(2026, 8, 17)
             + timedelta(weeks=week, days=d), "whole_day": True, "code": "Syk", "kind": "sykdom",
             "source": f"uke{week}.csv", "source_row": d + 2} for d in range(5)]
    store_records(home, pl.DataFrame(rows).select(
        [pl.col(c).cast(t) if c in rows[0] else pl.lit(None, t).alias(c)
         for c, t in record_schema().items()]))
"""


def test_two_imports_at_once_keep_each_others_records(naervaer_home: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT, str(naervaer_home), pupil],
            stderr=subprocess.PIPE,
            text=True,
        )
        for pupil in ("1", "2")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    history = load_history(naervaer_home)
    assert history.group_by("pupil_id").len().sort("pupil_id").rows() == [("1", 50), ("2", 50)]
