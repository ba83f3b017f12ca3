"""End-to-end benchmark of `naervaer scan` and of `naervaer --help` start-up.

    python benchmarks/bench_scan.py [--sizes 1000000 10000000] [--help-runs 10] [--repeat 3]

For each distribution and size it generates (once, cached in benchmarks/data/) an IST-style
lesson-level CSV, then times in separate child processes `naervaer scan FILE --format json
--output TMP/scan.json` (a real file in a temporary folder, never /dev/null: see issue 13)
and, in the same run, a bare `python -c "import polars; polars.read_csv(FILE)"`, printing
wall time and peak memory (wait4's ru_maxrss) of each. Below 10M rows it also times
`--format csv` and `--format xlsx`, and keeps the best of --repeat runs taken in turns.
Skips with a message when the installed naervaer has no `scan` command yet.

Distributions (benchdata.py): "flat", the original data where few pupils are flagged, and
"realistic", issue 18's, where about a quarter of the pupils are listed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchdata import (
    DISTRIBUTIONS,
    Measured,
    compile_package,
    ensure_csv,
    fmt_row,
    isolated_env,
    machine,
    run_measured,
)

SCAN_RATIO = 3.0  # 1M rows: scan ≤ 3× the bare read
BIG_ROWS = 10_000_000
BIG_SECONDS = 12.0  # 10M rows: ≤ 12 s
BIG_MIB = 3 * 1024  # 10M rows: ≤ 3 GiB peak
HELP_SECONDS = 0.250
FORMAT_RATIO = 1.2  # 1M rows, realistic: --format csv and xlsx within 20 % of json


def naervaer_command() -> list[str]:
    """The installed console script next to this Python, else `python -m naervaer_cli`."""
    script = Path(sys.executable).parent / "naervaer"
    if script.exists():
        return [str(script)]
    found = shutil.which("naervaer")
    return [found] if found else [sys.executable, "-m", "naervaer_cli"]


def has_scan(cmd: list[str], env: dict[str, str]) -> tuple[bool, str]:
    probe = run_measured([*cmd, "scan", "--help"], env=env)
    if probe.returncode == 0:
        return True, ""
    lines = (probe.stderr or probe.stdout).strip().splitlines()
    return False, lines[-1] if lines else f"exit {probe.returncode}"


def bare_read(path: Path, env: dict[str, str]) -> Measured:
    code = f'import polars; polars.read_csv({str(path)!r}, separator=";")'
    return run_measured([sys.executable, "-c", code], env=env)


def scan(cmd: list[str], path: Path, env: dict[str, str], cwd: Path, fmt: str) -> Measured:
    output = cwd / f"scan.{fmt}"
    try:
        return run_measured(
            [*cmd, "scan", str(path), "--format", fmt, "--output", str(output)], env=env, cwd=cwd
        )
    finally:
        output.unlink(missing_ok=True)


def verdict(ok: bool, judged: bool) -> str:
    return ("OK" if ok else "MISSED") if judged else "not judged"


def bench_size(
    cmd: list[str], rows: int, distribution: str, env: dict[str, str], cwd: Path, repeat: int
) -> bool:
    path = ensure_csv(rows, distribution)
    print(f"\nscan, {rows:,} lesson rows, {distribution} ({path.stat().st_size / 1e6:.0f} MB)")
    # Below 10M rows every measurement runs `repeat` times, in turns (bare, json, csv, xlsx,
    # then again), and the fastest of each is kept: the run least disturbed by the machine.
    formats = ["json", "csv", "xlsx"] if rows < BIG_ROWS else ["json"]
    rounds = max(1, repeat) if rows < BIG_ROWS else 1
    runs: dict[str, list[Measured]] = {name: [] for name in ("bare", *formats)}
    for _ in range(rounds):
        runs["bare"].append(bare_read(path, env))
        for fmt in formats:
            runs[fmt].append(scan(cmd, path, env, cwd, fmt))
    best = {
        name: min(found, key=lambda m: (m.returncode != 0, m.wall)) for name, found in runs.items()
    }
    bare, result = best["bare"], best["json"]
    print(fmt_row('python -c "polars.read_csv(...)"', bare))
    if result.returncode != 0:
        print(fmt_row("naervaer scan", result, f"FAILED (exit {result.returncode})"))
        print("  " + "\n  ".join(result.stderr.strip().splitlines()[-5:]))
        return False
    print(fmt_row("naervaer scan --format json", result))
    # The targets hold for the realistic distribution; the flat one is reported as it is.
    judged = distribution == "realistic"
    ok = True
    if rows < BIG_ROWS:
        ratio = result.wall / bare.wall
        ok = ratio <= SCAN_RATIO or not judged
        print(f"  ratio {ratio:.2f}× bare read — target ≤ {SCAN_RATIO:.0f}×: {verdict(ok, judged)}")
        for fmt in formats[1:]:
            other = best[fmt]
            if other.returncode != 0:
                print(fmt_row(f"naervaer scan --format {fmt}", other, "FAILED"))
                ok = False
                continue
            ratio = other.wall / result.wall
            fine = ratio <= FORMAT_RATIO or not judged
            ok = ok and fine
            print(
                fmt_row(
                    f"naervaer scan --format {fmt}",
                    other,
                    f"{ratio:.2f}× json"
                    + (
                        f" — target ≤ {FORMAT_RATIO:.1f}×: {'OK' if fine else 'MISSED'}"
                        if judged
                        else ""
                    ),
                )
            )
    else:
        ok = (result.wall <= BIG_SECONDS and result.peak_mib <= BIG_MIB) or not judged
        print(
            f"  ratio {result.wall / bare.wall:.2f}× bare read; target ≤ {BIG_SECONDS:.0f} s "
            f"and ≤ {BIG_MIB / 1024:.0f} GiB: {verdict(ok, judged)}"
        )
    return ok


def bench_help(cmd: list[str], env: dict[str, str], runs: int) -> bool:
    timings = [run_measured([*cmd, "--help"], env=env) for _ in range(max(1, runs))]
    failed = [m for m in timings if m.returncode != 0]
    if failed:
        print(
            f"\nnaervaer --help FAILED (exit {failed[0].returncode}): "
            f"{failed[0].stderr.strip()[-300:]}"
        )
        return False
    best = min(timings, key=lambda m: m.wall)
    ok = best.wall <= HELP_SECONDS
    print(
        f"\nnaervaer --help, best of {len(timings)}: {best.wall * 1000:.0f} ms "
        f"(median {sorted(m.wall for m in timings)[len(timings) // 2] * 1000:.0f} ms), "
        f"peak {best.peak_mib:.0f} MiB — target ≤ {HELP_SECONDS * 1000:.0f} ms: "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000_000, BIG_ROWS], help="row counts to scan"
    )
    parser.add_argument(
        "--distributions", nargs="+", choices=DISTRIBUTIONS, default=list(DISTRIBUTIONS)
    )
    parser.add_argument("--help-runs", type=int, default=10)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement below 10M rows; best kept"
    )
    args = parser.parse_args(argv)

    cmd = naervaer_command()
    print(f"naervaer scan benchmark — {machine()}; command: {' '.join(cmd)}")
    results = []
    with tempfile.TemporaryDirectory(prefix="naervaer-bench-") as tmp:
        env = isolated_env(Path(tmp))
        print(f"naervaer_cli: {compile_package(env)}")
        results.append(bench_help(cmd, env, args.help_runs))
        available, why = has_scan(cmd, env)
        if not available:
            print(f"\nskipped: `naervaer scan` is not available yet ({why})")
        else:
            for distribution in args.distributions:
                for rows in args.sizes:
                    results.append(bench_size(cmd, rows, distribution, env, Path(tmp), args.repeat))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
