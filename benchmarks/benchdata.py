"""Shared helpers for the benchmarks: deterministic big exports and measured child processes.

The data is IST-style and lesson-level (one row per absent lesson), like
sample_data/ist_fravaer.csv, with every code a default code so the importer accepts it.
Rows are derived from their index with integer arithmetic (no random generator, no clock),
so a given row count always gives the same file. Files are cached in benchmarks/data/
(git-ignored) and only written when missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

HEADER = (
    "Elevnr",
    "Elev",
    "Klasse",
    "Kontaktlærer",
    "Fra dato",
    "Til dato",
    "Fra kl.",
    "Til kl.",
    "Fag",
    "Fraværstype",
    "Heldag",
    "Merknad",
)
LESSONS = (
    ("08:30", "09:15"),
    ("09:15", "10:00"),
    ("10:15", "11:00"),
    ("11:30", "12:15"),
    ("12:15", "13:00"),
    ("13:15", "14:00"),
)
# 20 slots, roughly a week's timetable: 3 of 20 lessons are watched subjects (§3).
SUBJECTS = (
    ("Norsk",) * 4
    + ("Matematikk",) * 4
    + (
        "Engelsk",
        "Engelsk",
        "Naturfag",
        "Naturfag",
        "Samfunnsfag",
        "Samfunnsfag",
        "KRLE",
        "Musikk",
        "Kunst og håndverk",
        "Kroppsøving",
        "KRØ",
        "Svømming",
    )
)
# 20 slots: the share of each code in the data.
CODES = (
    ("Sykdom",) * 6
    + ("Dokumentert",) * 4
    + ("Udokumentert",) * 3
    + (
        "Ubehandlet",
        "Ubehandlet",
        "For sent",
        "For sent",
        "Permisjon",
        "Forlot skolen",
        "Ikke fravær",
    )
)
FIRST = (
    "Emma",
    "Nora",
    "Sofie",
    "Ingrid",
    "Jakob",
    "Emil",
    "Noah",
    "Filip",
    "Håkon",
    "Åse",
    "Ørjan",
    "Live",
    "Tiril",
    "Magnus",
    "Sander",
    "Frida",
)
LAST = (
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Berg",
    "Haugen",
    "Dahl",
    "Lund",
    "Sæther",
    "Løvås",
    "Bjørnstad",
    "Moen",
    "Strand",
    "Eide",
    "Lie",
    "Ødegård",
    "Bråthen",
)
TEACHERS = ("Randi Holm", "Terje Nygård", "Hilde Vestby", "Anders Myhre", "Bjørg Sæther")
# 20 absent lessons of the term's ~420 is 4.8 %, about the Norwegian average; 1M rows are
# then 50 000 pupils (a large municipality) and 10M rows 500 000.
ROWS_PER_PUPIL = 20
WHOLE_DAY_ROWS = 18  # three days of six lessons; the last two rows are single lessons
DAY_CODES = ("Sykdom", "Sykdom", "Sykdom", "Dokumentert", "Udokumentert", "Ubehandlet")
PUPILS_PER_GROUP = 25
# Bump when the generated content changes, so cached files from an older version are not used.
VERSION = 4
TERM_START = date(2026, 8, 17)
AS_OF = date(2026, 11, 20)


def school_days() -> list[date]:
    """Weekdays of the autumn term 2026 (no public holiday falls in it)."""
    days = []
    day = TERM_START
    while day <= AS_OF:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def ist_frame(rows: int):  # noqa: ANN201 - a polars DataFrame; polars imported lazily
    """`rows` lesson-level records, ROWS_PER_PUPIL per pupil, all distinct.

    A pupil's 20 rows are three sick days as six lesson rows each (a whole day by minutes)
    and two single lessons on two other days, as absence is usually lumped in days.
    """
    import polars as pl

    days = school_days()
    pupils = max(1, rows // ROWS_PER_PUPIL)
    i = pl.int_range(0, rows, dtype=pl.Int64, eager=True)
    p = i % pupils
    k = i // pupils  # the pupil's k-th row, 0..19
    whole = k < WHOLE_DAY_ROWS
    # day slot 0..2 for the sick days, 3..4 for the single lessons
    slot = (k // len(LESSONS)).zip_with(whole, k - WHOLE_DAY_ROWS + 3)
    # 37 is coprime with the number of school days, so the five slots of one pupil fall on
    # five different days: no two records of one pupil collide.
    day_idx = (slot * 37 + p * 11) % len(days)
    lesson = (k % len(LESSONS)).zip_with(whole, (p + k) % len(LESSONS))
    code = (
        pl.Series(DAY_CODES)
        .gather((p + slot * 5) % len(DAY_CODES))
        .zip_with(whole, pl.Series(CODES).gather((p * 7 + k * 3) % len(CODES)))
    )
    group = p // PUPILS_PER_GROUP
    frame = pl.DataFrame(
        {
            "Elevnr": (p + 100_000).cast(pl.String),
            "Elev": pl.Series(LAST).gather(p % len(LAST))
            + ", "
            + pl.Series(FIRST).gather((p // len(LAST)) % len(FIRST)),
            "Klasse": pl.Series([str(n) for n in range(5, 11)]).gather(group % 6)
            + pl.Series(list("ABCD")).gather((group // 6) % 4)
            + "-"
            + (group // 24).cast(pl.String),
            "Kontaktlærer": pl.Series(TEACHERS).gather(group % len(TEACHERS)),
            "Fra dato": pl.Series([d.strftime("%d.%m.%Y") for d in days]).gather(day_idx),
            "Til dato": pl.repeat(None, rows, dtype=pl.String, eager=True),
            "Fra kl.": pl.Series([a for a, _ in LESSONS]).gather(lesson),
            "Til kl.": pl.Series([b for _, b in LESSONS]).gather(lesson),
            "Fag": pl.Series(SUBJECTS).gather((lesson + day_idx) % len(SUBJECTS)),
            "Fraværstype": code,
            "Heldag": pl.repeat("Nei", rows, dtype=pl.String, eager=True),
            "Merknad": pl.Series([None, None, None, "Meldt av foresatte", None, "Tannlege"]).gather(
                (p + k) % 6
            ),
        }
    )
    return frame


# The realistic distribution (issue 18): the share of the term's lessons a pupil misses.
# Of 100 pupils, 3 miss 15-30 %, 12 miss 5-10 % and the other 85 miss 1-4 %.
TERM_LESSONS = 420
HEAVY, MEDIUM = 3, 15  # pupil % 100 below HEAVY: 15-30 %; below MEDIUM: 5-10 %
WHOLE_DAY_EVERY = 20  # one sick day (a Heldag row) per 20 lessons missed
# Lesson rows' codes, 20 slots: mostly sykdom, some dokumentert, udokumentert, permisjon
# and for sent; whole days are Sykdom 4 of 5 times, else Dokumentert.
REALISTIC_CODES = (
    ("Sykdom",) * 10 + ("Dokumentert",) * 3 + ("Udokumentert",) * 3 + ("Permisjon",) * 2
) + ("For sent",) * 2
REALISTIC_VERSION = 1
DISTRIBUTIONS = ("flat", "realistic")


def _per_mille(p, salt: int):  # noqa: ANN001, ANN202 - polars Series in and out
    """A deterministic 0..999 per pupil (a multiplicative hash of its index and `salt`)."""
    return ((p * 2_654_435_761 + salt * 40_503) % 4_294_967_296) * 1000 // 4_294_967_296


def realistic_frame(rows: int):  # noqa: ANN201 - a polars DataFrame; polars imported lazily
    """About `rows` records with the realistic distribution of absence (issue 18).

    Each pupil misses a share of the term's lessons drawn (deterministically) from their
    band; every 20 lessons of it become one whole sick day (a Heldag row), the rest lesson
    rows, two per day on distinct days, so no two records of a pupil collide. Days are
    spread over the whole term, so the 28-day window sees about a third of them.
    """
    import polars as pl

    days = school_days()
    # Enough pupils for `rows` records: about 14 records each on average.
    guess = max(1, rows // 10)
    p = pl.int_range(0, guess, dtype=pl.Int64, eager=True)
    band = p % 100
    u = _per_mille(p, 1)
    # Missed share in tenths of a percent: 150-300, 50-100 or 10-40.
    tenths = (
        (band < HEAVY).cast(pl.Int64) * (150 + u * 151 // 1000)
        + ((band >= HEAVY) & (band < MEDIUM)).cast(pl.Int64) * (50 + u * 51 // 1000)
        + (band >= MEDIUM).cast(pl.Int64) * (10 + u * 31 // 1000)
    )
    lessons = (tenths * TERM_LESSONS + 500) // 1000
    whole = lessons // WHOLE_DAY_EVERY
    single = lessons - whole * len(LESSONS)
    single = single.clip(lower_bound=0)
    count = whole + single
    cumulative = count.cum_sum()
    pupils = int((cumulative < rows).sum()) + 1
    pupils = min(pupils, guess)
    per = pl.DataFrame({"p": p, "whole": whole, "count": count}).head(pupils)
    rows_frame = (
        per.with_columns(k=pl.int_ranges(0, pl.col("count")))
        .explode("k")
        .drop_nulls("k")
        .head(rows)
    )
    p = rows_frame.get_column("p")
    k = rows_frame.get_column("k").cast(pl.Int64)
    is_whole = k < rows_frame.get_column("whole")
    m = k - rows_frame.get_column("whole")  # the m-th lesson row
    slot = is_whole.cast(pl.Int64) * k + (~is_whole).cast(pl.Int64) * (
        rows_frame.get_column("whole") + m // 2
    )
    # 37 is coprime with the term's 70 school days: a pupil's slots fall on distinct days.
    day_idx = (slot * 37 + p * 11) % len(days)
    lesson = (p + (m % 2) * 3) % len(LESSONS)
    n = rows_frame.height
    code = (
        pl.Series(["Sykdom", "Sykdom", "Sykdom", "Sykdom", "Dokumentert"])
        .gather((p + k) % 5)
        .zip_with(
            is_whole, pl.Series(REALISTIC_CODES).gather((p * 7 + k * 3) % len(REALISTIC_CODES))
        )
    )
    group = p // PUPILS_PER_GROUP
    empty = pl.repeat(None, n, dtype=pl.String, eager=True)
    return pl.DataFrame(
        {
            "Elevnr": (p + 100_000).cast(pl.String),
            "Elev": pl.Series(LAST).gather(p % len(LAST))
            + ", "
            + pl.Series(FIRST).gather((p // len(LAST)) % len(FIRST)),
            "Klasse": pl.Series([str(c) for c in range(1, 11)]).gather(group % 10)
            + pl.Series(list("ABCD")).gather((group // 10) % 4)
            + "-"
            + (group // 40).cast(pl.String),
            "Kontaktlærer": pl.Series(TEACHERS).gather(group % len(TEACHERS)),
            "Fra dato": pl.Series([d.strftime("%d.%m.%Y") for d in days]).gather(day_idx),
            "Til dato": empty,
            "Fra kl.": pl.Series([a for a, _ in LESSONS]).gather(lesson).zip_with(~is_whole, empty),
            "Til kl.": pl.Series([b for _, b in LESSONS]).gather(lesson).zip_with(~is_whole, empty),
            "Fag": pl.Series(SUBJECTS)
            .gather((lesson + day_idx) % len(SUBJECTS))
            .zip_with(~is_whole, empty),
            "Fraværstype": code,
            "Heldag": pl.Series(["Ja", "Nei"]).gather((~is_whole).cast(pl.Int64)),
            "Merknad": pl.Series([None, None, None, "Meldt av foresatte", None, "Tannlege"]).gather(
                (p + k) % 6
            ),
        }
    )


def csv_path(rows: int, distribution: str = "flat") -> Path:
    if distribution == "realistic":
        return DATA / f"ist_realistic_v{REALISTIC_VERSION}_{rows}.csv"
    return DATA / f"ist_lessons_v{VERSION}_{rows}.csv"


def xlsx_path(rows: int) -> Path:
    return DATA / f"ist_lessons_v{VERSION}_{rows}.xlsx"


def ensure_csv(rows: int, distribution: str = "flat") -> Path:
    """An IST-style CSV (`;`, UTF-8 with BOM) with `rows` lesson rows; cached.

    `distribution` "flat" is the original data (20 rows per pupil, few flagged); "realistic"
    is issue 18's (realistic_frame).
    """
    path = csv_path(rows, distribution)
    if not path.exists():
        _in_child("csv", rows, distribution)
    return path


def ensure_xlsx(rows: int) -> Path:
    """An IST-style XLSX with `rows` rows, header in row 1, real date and time cells; cached."""
    path = xlsx_path(rows)
    if not path.exists():
        _in_child("xlsx", rows)
    return path


def _in_child(kind: str, rows: int, distribution: str = "flat") -> None:
    """Generate a data file in a child process. Linux carries a process's peak memory over
    fork and exec into its children's ru_maxrss, so a benchmark that had held a 10M-row
    frame itself would report that peak for every child it measured afterwards."""
    subprocess.run([sys.executable, __file__, kind, str(rows), distribution], check=True)


def _write_csv(rows: int, distribution: str) -> None:
    path = csv_path(rows, distribution)
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    chunk = 2_000_000
    import polars as pl

    frame = realistic_frame(rows) if distribution == "realistic" else ist_frame(rows)
    with tmp.open("wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        for offset in range(0, rows, chunk):
            part: pl.DataFrame = frame.slice(offset, chunk)
            part.write_csv(fh, separator=";", include_header=offset == 0, line_terminator="\r\n")
    tmp.replace(path)


def _write_xlsx(rows: int) -> None:
    from datetime import datetime
    from datetime import time as dtime

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    path = xlsx_path(rows)
    DATA.mkdir(parents=True, exist_ok=True)
    frame = ist_frame(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Fravær")
    ws.append(list(HEADER))
    date_format, time_format = "DD.MM.YYYY", "HH:MM"
    dates: dict[str, date] = {}
    times = {t: dtime.fromisoformat(t) for pair in LESSONS for t in pair}
    for row in frame.iter_rows():
        cells: list[object] = list(row)
        cells[0] = int(row[0])
        day = dates.get(row[4])
        if day is None:
            day = dates[row[4]] = datetime.strptime(row[4], "%d.%m.%Y").date()
        for index, value, fmt in (
            (4, day, date_format),
            (6, times[row[6]], time_format),
            (7, times[row[7]], time_format),
        ):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            cells[index] = cell
        cells[11] = row[11] or None
        ws.append(cells)
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


@dataclass(frozen=True)
class Measured:
    """One child process: wall seconds, peak RSS in MiB, its exit code and output."""

    wall: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    def payload(self) -> dict:
        """The JSON the child printed on its last stdout line, or {}."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        try:
            return json.loads(lines[-1]) if lines else {}
        except json.JSONDecodeError:
            return {}


def run_measured(
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    *,
    drain_stdout: bool = False,
) -> Measured:
    """Run a child, measure its wall time and peak memory (ru_maxrss from wait4).

    With `drain_stdout` the child's stdout is a pipe whose data is read and dropped (its
    stdout then reads as ""): output to throw away, without writing to /dev/null, which
    naervaer refuses as an --output.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE if drain_stdout else out, stderr=err, env=env, cwd=cwd
        )
        drain = None
        if drain_stdout:
            drain = threading.Thread(target=_drain, args=(proc.stdout,), daemon=True)
            drain.start()
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be a max over all.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if drain is not None and proc.stdout is not None:
            drain.join()
            proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_kib = usage.ru_maxrss  # KiB on Linux
        return Measured(
            wall,
            peak_kib / 1024,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def _drain(stream: BinaryIO) -> None:
    while stream.read(1 << 16):
        pass


def python_child(code: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    return run_measured([sys.executable, "-c", code], env=env, cwd=cwd)


def best_of(repeat: int, run) -> Measured:  # noqa: ANN001 - a zero-argument callable
    """The fastest of `repeat` runs (the least disturbed by the rest of the machine)."""
    runs = [run() for _ in range(max(1, repeat))]
    return min(runs, key=lambda m: (m.returncode != 0, m.payload().get("op", m.wall)))


def machine() -> str:
    import platform

    import polars as pl

    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"polars {pl.__version__}, {os.cpu_count()} CPUs"
    )


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for a child: a throwaway NAERVAER_HOME, no user config picked up."""
    env = dict(os.environ)
    env["NAERVAER_HOME"] = str(home)
    env.pop("NAERVAER_DEBUG", None)
    return env


def compile_package(env: dict[str, str]) -> str:
    """Compile naervaer_cli's bytecode, as `pip install` does, and say so.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (as on the development machine)
    compiles every module from source at every start: 70 ms of each `naervaer scan` that no
    installed copy pays. Python still reads bytecode that exists under that setting.
    """
    code = (
        "import compileall, os, naervaer_cli; "
        "compileall.compile_dir(os.path.dirname(naervaer_cli.__file__), quiet=1)"
    )
    done = python_child(code, env=env)
    return "bytecode compiled" if done.returncode == 0 else "naervaer_cli not importable"


def fmt_row(label: str, m: Measured, extra: str = "") -> str:
    return f"  {label:<38} wall {m.wall:7.2f} s   peak {m.peak_mib:8.0f} MiB  {extra}"


if __name__ == "__main__":  # _in_child: python benchdata.py csv|xlsx ROWS [DISTRIBUTION]
    if sys.argv[1] == "csv":
        _write_csv(int(sys.argv[2]), sys.argv[3])
    else:
        _write_xlsx(int(sys.argv[2]))
