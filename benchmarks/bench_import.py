"""Import benchmark: naervaer's importer against a bare Polars / calamine read of the same file.

    python benchmarks/bench_import.py [--rows 1000000] [--xlsx-rows 100000] [--repeat 3]

Each measurement runs in its own child process (so peak memory is that child's alone, from
wait4's ru_maxrss). `op` is the time of the read itself inside the child, without
interpreter start-up and module imports; `wall` is the whole child. The targets compare `op`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchdata import (
    Measured,
    best_of,
    compile_package,
    ensure_csv,
    ensure_xlsx,
    fmt_row,
    isolated_env,
    machine,
    python_child,
)

# Each child prints one JSON line: {"op": seconds, "rows": n} or {"skip": reason}.
BARE_CSV = """
import json, time
import polars as pl
t = time.perf_counter()
df = pl.read_csv({path!r}, separator=";")
print(json.dumps({{"op": time.perf_counter() - t, "rows": df.height}}))
"""

BARE_XLSX = """
import json, time
import fastexcel
t = time.perf_counter()
df = fastexcel.read_excel({path!r}).load_sheet(0).to_polars()
print(json.dumps({{"op": time.perf_counter() - t, "rows": df.height}}))
"""

PROJECT = """
import json, time
from datetime import date
from pathlib import Path
try:
    from naervaer_cli.importer import load_exports
    from naervaer_cli.config import load_config
except ImportError as exc:
    print(json.dumps({{"skip": f"naervaer_cli.importer is not importable yet ({{exc}})"}}))
    raise SystemExit(0)
config = load_config()
t = time.perf_counter()
result = load_exports([Path({path!r})], config, today=date.today())
print(json.dumps({{"op": time.perf_counter() - t, "rows": result.records.height}}))
"""

TARGET_RATIO = 2.0


def measure(code: str, path: Path, repeat: int, home: Path) -> Measured:
    source = code.format(path=str(path))
    return best_of(repeat, lambda: python_child(source, env=isolated_env(home), cwd=home))


def compare(title: str, bare_label: str, bare: Measured, project: Measured) -> bool | None:
    """Print one comparison; True/False for the target, None when it could not run."""
    print(title)
    b = bare.payload()
    if bare.returncode != 0 or "op" not in b:
        print(fmt_row(bare_label, bare, "FAILED"))
        print(bare.stderr.strip()[-2000:])
        return None
    print(fmt_row(bare_label, bare, f"op {b['op']:6.2f} s   rows {b['rows']:,}"))
    p = project.payload()
    if "skip" in p:
        print(f"  {'naervaer import':<38} skipped: {p['skip']}")
        return None
    if project.returncode != 0 or "op" not in p:
        print(fmt_row("naervaer import", project, "FAILED"))
        print(project.stderr.strip()[-2000:])
        return False
    ratio = p["op"] / b["op"] if b["op"] else float("inf")
    ok = ratio <= TARGET_RATIO
    print(fmt_row("naervaer import", project, f"op {p['op']:6.2f} s   rows {p['rows']:,}"))
    print(
        f"  ratio (op) {ratio:.2f}× bare, wall {project.wall / bare.wall:.2f}× — target ≤ "
        f"{TARGET_RATIO:.0f}×: {'OK' if ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="XLSX rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; best kept")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)

    print(f"naervaer import benchmark — {machine()}")
    csv_path = ensure_csv(args.rows)
    xlsx_path = ensure_xlsx(args.xlsx_rows)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="naervaer-bench-") as tmp:
        home = Path(tmp)
        print(f"naervaer_cli: {compile_package(isolated_env(home))}")
        bare = measure(BARE_CSV, csv_path, args.repeat, home)
        project = measure(PROJECT, csv_path, args.repeat, home)
        size = csv_path.stat().st_size / 1e6
        csv_ok = compare(
            f"\nCSV, {args.rows:,} lesson rows ({size:.0f} MB)", "polars.read_csv", bare, project
        )
        results["csv"] = {
            "bare": bare.payload(),
            "bare_peak_mib": bare.peak_mib,
            "naervaer": project.payload(),
            "naervaer_peak_mib": project.peak_mib,
        }
        bare = measure(BARE_XLSX, xlsx_path, args.repeat, home)
        project = measure(PROJECT, xlsx_path, args.repeat, home)
        size = xlsx_path.stat().st_size / 1e6
        xlsx_ok = compare(
            f"\nXLSX, {args.xlsx_rows:,} rows ({size:.1f} MB)",
            "fastexcel (calamine)",
            bare,
            project,
        )
        results["xlsx"] = {
            "bare": bare.payload(),
            "bare_peak_mib": bare.peak_mib,
            "naervaer": project.payload(),
            "naervaer_peak_mib": project.peak_mib,
        }
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if False in (csv_ok, xlsx_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
