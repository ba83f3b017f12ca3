"""Two writers at once lose nothing; two runs opening one pupil's case make one; a writer killed
mid-transaction loses nothing committed. On SQLite and on PostgreSQL."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date

from caselog_backends import Backend

from naervaer_cli.caselog.events import EventType

D = date(2026, 11, 2)

# Each script opens the log the way the CLI does: from NAERVAER_HOME's config.toml (the SQLite
# file there, or the test's PostgreSQL database with the password in the environment).
OPEN = """
from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.config import load_config
store = CaseStore.from_config(load_config())
"""

WRITER = (
    textwrap.dedent("""
    import sys, time
    from datetime import date
    name, count, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    """)
    + OPEN
    + textwrap.dedent("""
    while time.time() < start_at:   # both writers start together, so their writes interleave
        time.sleep(0.001)
    started = time.time()
    for i in range(count):
        store.add_note("p1", day=date(2026, 11, 2), by=name, text=f"{name}-{i}")
    print(started, time.time())
    store.close()
""")
)

OPENER = (
    textwrap.dedent("""
    import sys, time
    from datetime import date
    from naervaer_cli.errors import UsageError
    name, count, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    """)
    + OPEN
    + textwrap.dedent("""
    while time.time() < start_at:
        time.sleep(0.001)
    opened = 0
    for i in range(count):
        try:
            store.open_case(f"r{i}", setting="skole", day=date(2026, 11, 2), by=name)
            opened += 1
        except UsageError:
            pass
    print(opened)
    store.close()
""")
)

KILLED = (
    textwrap.dedent("""
    import sys, time
    from datetime import date
    committed, stream = int(sys.argv[1]), sys.argv[2] == "stream"
    """)
    + OPEN
    + textwrap.dedent("""
    i = 0
    while stream or i < committed:
        store.add_note("p1", day=date(2026, 11, 2), by="w", text=f"n-{i}")
        print(i, flush=True)   # printed only after the commit returned
        i += 1
    with store._transaction() as conn:
        for j in range(200):
            conn.execute(
                "INSERT INTO events (case_id, school, setting, date, type, text, \\"by\\","
                " data, recorded_at) VALUES (1, ?, 'skole', '2026-11-02', 'note', ?, 'w', '{}',"
                " 'x')", (store.school, f"lost-{j}"))
        print("mid", flush=True)
        time.sleep(60)
""")
)


def _log(caselog: Backend) -> None:
    with caselog.open() as store:
        store.open_case("p1", setting="skole", day=D, by="Kari")


def _notes(caselog: Backend) -> list[str]:
    with caselog.open() as store:
        return [e.text for e in store.timeline("p1") if e.type == EventType.NOTE]


def _together(script: str, count: int) -> list[str]:
    """Run `script` as two processes, "a" and "b", that start their loops at the same moment."""
    start_at = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, name, str(count), start_at],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        outs.append(out)
    return outs


def test_two_writers_at_once_lose_no_event(caselog: Backend) -> None:
    _log(caselog)
    spans = [[float(t) for t in out.split()] for out in _together(WRITER, 500)]

    notes = _notes(caselog)
    assert len(notes) == 1000
    assert sorted(notes) == sorted([f"{w}-{i}" for w in "ab" for i in range(500)])
    # The two writing periods overlapped, so the writers really raced for the log (SQLite's
    # busy handler may still let one finish first: waiting is the point, losing is the failure).
    assert max(start for start, _ in spans) < min(end for _, end in spans)


def test_two_runs_opening_the_same_pupils_make_one_case_each(caselog: Backend) -> None:
    opened = [int(out) for out in _together(OPENER, 40)]
    assert sum(opened) == 40  # every pupil opened exactly once, by one run or the other
    with caselog.open() as store:
        cases = store.cases()
        assert sorted(c.pupil_id for c in cases) == sorted(f"r{i}" for i in range(40))
        assert store.count_events() == 40  # one «Uro registrert» each, none orphaned


def _kill_when(proc: subprocess.Popen[str], stop: str) -> list[str]:
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.strip())
        if lines[-1] == stop:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return lines


def _intact(caselog: Backend) -> None:
    if caselog.is_postgres:
        return  # the server's own business; what matters is what the store reads back
    conn = sqlite3.connect(caselog.home / "caselog.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_writer_killed_mid_transaction_keeps_every_committed_event(caselog: Backend) -> None:
    _log(caselog)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, "50", "fixed"], stdout=subprocess.PIPE, text=True
    )
    lines = _kill_when(proc, "mid")
    assert lines[-1] == "mid" and proc.returncode == -signal.SIGKILL

    _intact(caselog)
    assert _notes(caselog) == [f"n-{i}" for i in range(50)]


def test_writer_killed_at_any_moment_keeps_what_it_reported_committed(caselog: Backend) -> None:
    _log(caselog)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, "0", "stream"], stdout=subprocess.PIPE, text=True
    )
    lines = _kill_when(proc, "150")
    assert proc.returncode == -signal.SIGKILL

    _intact(caselog)
    notes = _notes(caselog)
    reported = [f"n-{i}" for i in map(int, lines)]
    # Everything reported is there, in order; at most the one in flight may be there too.
    assert notes[: len(reported)] == reported
    assert len(notes) - len(reported) in (0, 1)
    with caselog.open() as store:  # and the log is usable again
        store.add_note("p1", day=D, by="Kari", text="etterpå")
    assert _notes(caselog)[-1] == "etterpå"
