"""Start-up benchmark: cold start to the main window vs a bare 40-widget form, in one run.

Usage: python bench/startup_bench.py [--db FILE] [--sessions N] [--repeats R] [--db-1m FILE]

Builds (or reuses, with --db) a SQLite database of N sessions (default 100,000) with the
demo-data generator, then starts `tpi-desk` and bench/_bare_form.py alternately in fresh
processes, offscreen, R times each (default 5). Each start is timed from spawning the
process to the line it prints once its window is first shown (`tpi-desk` does so under
TPI_DESK_BENCH_EXIT_AFTER_SHOW), so interpreter start-up, imports, opening the database and
building the window all count. Prints the medians, the ratio (target <= 2.5x) and the peak
memory of each process.

With --db-1m FILE (built first if it does not exist: about a minute) it also times, on a
million sessions, the app's cold start and opening the session list (its first page).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from sqlalchemy import text

from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.overview import count_records
from tpi_desk.services.session_queries import SessionFilter, SessionQueries
from tpi_desk.ui.app import BENCH_EXIT_AFTER_SHOW_ENV, BENCH_SHOWN_LINE
from tpi_desk.ui.item_models.session_list_model import SessionColumn, SessionListModel

BARE_FORM = Path(__file__).resolve().parent / "_bare_form.py"
BARE_SHOWN_LINE = "bare form shown"
TARGET_RATIO = 2.5
LIST_REPEATS = 15
# Forks and execs argv[1:], saying when (CLOCK_MONOTONIC, shared by all processes) and, at
# the end, the child's own peak resident memory.
LAUNCHER = """
import os, sys, time
print("spawned", time.monotonic(), flush=True)
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print("peak-rss-kb", usage.ru_maxrss, flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Start:
    shown_ms: float
    peak_rss_mb: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite file to use (built if missing)")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db-1m", type=Path, help="SQLite file with 1,000,000 sessions")
    args = parser.parse_args()
    catalog = load_catalog(resource_path("catalog"))
    with tempfile.TemporaryDirectory(prefix="tpi-desk-bench-") as scratch:
        folder = Path(scratch)
        db_file = args.db or folder / f"bench-{args.sessions}.sqlite3"
        ensure_database(db_file, args.sessions, catalog)
        bench_start(db_file, args.repeats, folder)
        if args.db_1m is not None:
            ensure_database(args.db_1m, 1_000_000, catalog)
            bench_million(args.db_1m, args.repeats, folder, catalog)
    return 0


def ensure_database(path: Path, sessions: int, catalog: Catalog) -> None:
    """Fill ``path`` with demo data unless it already holds sessions."""
    database = open_database(f"sqlite:///{path}")
    try:
        counts = count_records(database.session_factory)
        if counts.sessions == 0:
            patients = min(100_000, max(1, sessions // 10))
            print(f"building {path.name}: {patients:,} patients, {sessions:,} sessions ...")
            result = generate_demo_data(
                database.engine, catalog, patients=patients, sessions=sessions, seed=42
            )
            with database.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
            print(f"  built in {result.seconds:.1f} s")
            counts = count_records(database.session_factory)
        print(f"{path.name}: {counts.patients:,} patients, {counts.sessions:,} sessions")
    finally:
        database.dispose()


def bench_start(db_file: Path, repeats: int, scratch: Path) -> None:
    empty_file = scratch / "empty.sqlite3"
    open_database(f"sqlite:///{empty_file}").dispose()
    # Once each first: warms the OS file cache and writes the bytecode caches, as a second
    # launch of an installed app finds them.
    start_bare(scratch)
    start_app(empty_file, scratch)
    start_app(db_file, scratch)
    bare: list[Start] = []
    empty: list[Start] = []
    full: list[Start] = []
    for _ in range(repeats):  # interleaved, so a busy moment hurts all three alike
        bare.append(start_bare(scratch))
        empty.append(start_app(empty_file, scratch))
        full.append(start_app(db_file, scratch))
    ratio = _median(full) / _median(bare)
    print(f"\n== cold start to the window shown, median of {repeats} (offscreen) ==")
    for label, starts in (
        ("bare 40-widget form", bare),
        ("tpi-desk, empty database", empty),
        (f"tpi-desk, {db_file.name}", full),
    ):
        print(f"{label:<32} {_median(starts):6.0f} ms   peak RSS {_peak(starts):4.0f} MB")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio: {ratio:.2f}x the bare form ({verdict} the target of <= {TARGET_RATIO}x)")
    print(f"runs (ms): bare {_runs(bare)} | empty {_runs(empty)} | full {_runs(full)}")


def bench_million(db_file: Path, repeats: int, scratch: Path, catalog: Catalog) -> None:
    print(f"\n== {db_file.name} ==")
    start_app(db_file, scratch)
    starts = [start_app(db_file, scratch) for _ in range(repeats)]
    print(
        f"tpi-desk cold start to the window: {_median(starts):.0f} ms (median of {repeats}; "
        f"runs {_runs(starts)}), peak RSS {_peak(starts):.0f} MB"
    )
    database = open_database(f"sqlite:///{db_file}")
    try:
        report_list_times(database, catalog)
    finally:
        database.dispose()


def report_list_times(database: Database, catalog: Catalog) -> None:
    """Opening the session list (newest first), as the list model does: first page only."""
    _app = QCoreApplication.instance() or QCoreApplication([])
    queries = SessionQueries(database.session_factory, catalog)
    model = SessionListModel(queries, catalog, list(SessionColumn))

    def open_list() -> None:
        model.load(SessionFilter())
        assert model.rowCount() == 200

    first = _timed(open_list)
    warm = statistics.median(_timed(open_list) for _ in range(LIST_REPEATS))
    patient_id = model.summary_at(0).patient_id
    history = statistics.median(
        _timed(lambda: model.load(SessionFilter(patient_id=patient_id)))
        for _ in range(LIST_REPEATS)
    )

    def scroll_once() -> None:
        model.load(SessionFilter())
        model.fetchMore()

    more = statistics.median(_timed(scroll_once) - warm for _ in range(5))
    print(f"open the session list (first 200 rows): first {first:.1f} ms, then {warm:.1f} ms")
    print(f"a patient's history (first page):       {history:.1f} ms")
    print(f"scroll: fetch the next 200 rows:        {more:.1f} ms")
    print(f"rows held by the list model:            {model.rowCount():,} (of 1,000,000)")


def start_app(db_file: Path, scratch: Path) -> Start:
    env = {
        **_child_environment(scratch),
        BENCH_EXIT_AFTER_SHOW_ENV: "1",
        "TPI_DESK_DATA_DIR": str(scratch / "user-data"),
    }
    command = [sys.executable, "-m", "tpi_desk", "--database", f"sqlite:///{db_file}"]
    return _run_until_shown(command, env, BENCH_SHOWN_LINE)


def start_bare(scratch: Path) -> Start:
    command = [sys.executable, str(BARE_FORM)]
    return _run_until_shown(command, _child_environment(scratch), BARE_SHOWN_LINE)


def _child_environment(scratch: Path) -> dict[str, str]:
    """Offscreen Qt, and bytecode caches kept (in the scratch folder, not the checkout):
    an installed app has its .pyc files, a checkout run with PYTHONDONTWRITEBYTECODE not."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def _run_until_shown(command: list[str], env: dict[str, str], line: str) -> Start:
    """Time ``command`` from its spawn to ``line`` on its stdout; note its peak memory.

    A small launcher forks and runs the command, so the peak (``ru_maxrss``) is the
    command's own and not inherited from this large process.
    """
    process = subprocess.Popen(
        [sys.executable, "-S", "-c", LAUNCHER, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    spawned = shown = peak_kb = None
    for output in process.stdout:
        words = output.split()
        if output.strip() == line:
            shown = time.monotonic()
        elif words[:1] == ["spawned"]:
            spawned = float(words[1])
        elif words[:1] == ["peak-rss-kb"]:
            peak_kb = int(words[1])
    if process.wait() != 0 or None in (spawned, shown, peak_kb):
        raise RuntimeError(f"{command} exited with {process.returncode} before showing a window")
    assert spawned is not None and shown is not None and peak_kb is not None
    return Start((shown - spawned) * 1000, peak_kb / 1024)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _median(starts: list[Start]) -> float:
    return statistics.median(s.shown_ms for s in starts)


def _peak(starts: list[Start]) -> float:
    return max(s.peak_rss_mb for s in starts)


def _runs(starts: list[Start]) -> str:
    return " ".join(f"{s.shown_ms:.0f}" for s in starts)


if __name__ == "__main__":
    sys.exit(main())
