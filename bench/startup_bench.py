"""Start-up benchmark: cold start to the main window vs a bare 40-widget form, in one run.

Usage: python bench/startup_bench.py [--db FILE] [--sessions N] [--repeats R] [--db-1m FILE]

Builds (or reuses, with --db) a SQLite database of N sessions (default 100,000) with the
demo-data generator, then starts `tpi-desk` and bench/_bare_form.py alternately in fresh
processes, offscreen, R times each (default 5). Each start is timed from spawning the
process to the line it prints once its window is first shown (`tpi-desk` does so under
TPI_DESK_BENCH_EXIT_AFTER_SHOW), so interpreter start-up, imports, opening the database and
building the window all count. Prints the medians, the ratio (target <= 2.5x) and the peak
memory of each process.

Every clinic signs in, so the first window is the sign-in dialog (each bench database gets
an administrator account); the database, the services and the main window's code load
behind it. bench/_signed_in_start.py then drives the real app through signing in, to time
what follows: Enter to the main window after a user's 1.5 s of typing, and launch to the
main window when Enter is pressed the instant the dialog shows (the worst case), with the
peak memory of the app showing its main window and session list.

With --db-1m FILE (built first if it does not exist: about a minute) it also times, on a
million sessions, the app's cold start, its main window's memory and opening the session
list (its first page).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from sqlalchemy import text

from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.people.users import UserService
from tpi_desk.services.sessions.overview import count_records
from tpi_desk.services.sessions.session_queries import SessionFilter, SessionQueries
from tpi_desk.ui.app import BENCH_EXIT_AFTER_SHOW_ENV, BENCH_SHOWN_LINE
from tpi_desk.ui.item_models.session_list_model import SessionColumn, SessionListModel

BARE_FORM = Path(__file__).resolve().parent / "_bare_form.py"
SIGNED_IN_START = Path(__file__).resolve().parent / "_signed_in_start.py"
BARE_SHOWN_LINE = "bare form shown"
BENCH_ADMIN = ("benchadmin", "Bench Administrator", "bench-password-1")
TYPING_MS = 1_500
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
        bench_sign_in(db_file, args.repeats, folder)
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
                database.engine,
                catalog,
                patients=patients,
                sessions=sessions,
                seed=42,
                signatures=False,  # a million notes: the bulk path (DESIGN.md's target)
            )
            with database.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
            print(f"  built in {result.seconds:.1f} s")
            counts = count_records(database.session_factory)
        print(f"{path.name}: {counts.patients:,} patients, {counts.sessions:,} sessions")
        users = UserService(database.session_factory)
        if users.needs_first_admin():
            users.create_first_admin(*BENCH_ADMIN)
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
    print(f"\n== cold start to the first window (sign in), median of {repeats} (offscreen) ==")
    for label, starts in (
        ("bare 40-widget form", bare),
        ("tpi-desk, empty database", empty),
        (f"tpi-desk, {db_file.name}", full),
    ):
        print(f"{label:<32} {_median(starts):6.0f} ms   peak RSS {_peak(starts):4.0f} MB")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio: {ratio:.2f}x the bare form ({verdict} the target of <= {TARGET_RATIO}x)")
    print(f"runs (ms): bare {_runs(bare)} | empty {_runs(empty)} | full {_runs(full)}")


def bench_sign_in(db_file: Path, repeats: int, scratch: Path) -> None:
    """Through signing in to the main window, typing for 1.5 s and pressing Enter at once."""
    typed = [sign_in(db_file, scratch, TYPING_MS) for _ in range(repeats)]
    at_once = [sign_in(db_file, scratch, 0) for _ in range(repeats)]
    after_enter = statistics.median(run.after_enter_ms for run in typed)
    print(f"\n== signing in, {db_file.name}, median of {repeats} ==")
    print(f"Enter to the main window (typed for {TYPING_MS / 1000:.1f} s):  {after_enter:4.0f} ms")
    print(
        f"launch to the main window, Enter at once:  {_median(at_once):4.0f} ms   "
        f"peak RSS {_peak(at_once):4.0f} MB"
    )


def bench_million(db_file: Path, repeats: int, scratch: Path, catalog: Catalog) -> None:
    print(f"\n== {db_file.name} ==")
    start_app(db_file, scratch)
    starts = [start_app(db_file, scratch) for _ in range(repeats)]
    print(
        f"tpi-desk cold start to the window: {_median(starts):.0f} ms (median of {repeats}; "
        f"runs {_runs(starts)})"
    )
    at_once = [sign_in(db_file, scratch, 0) for _ in range(repeats)]
    print(
        f"launch to the main window, Enter at once:  {_median(at_once):.0f} ms   "
        f"peak RSS {_peak(at_once):.0f} MB"
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


@dataclass(frozen=True)
class SignIn(Start):
    after_enter_ms: float


def sign_in(db_file: Path, scratch: Path, typing_ms: int) -> SignIn:
    """Launch to the main window through the sign-in dialog, typing for ``typing_ms``."""
    env = {**_child_environment(scratch), "TPI_DESK_DATA_DIR": str(scratch / "user-data")}
    username, _, password = BENCH_ADMIN
    command = [sys.executable, str(SIGNED_IN_START), f"sqlite:///{db_file}", username]
    moments, peak_mb = _run_launched([*command, password, str(typing_ms)], env)
    if "main window shown" not in moments:
        raise RuntimeError(f"{command} exited before its main window was shown")
    return SignIn(
        (moments["main window shown"] - moments["spawned"]) * 1000,
        peak_mb,
        (moments["main window shown"] - moments["enter pressed"]) * 1000,
    )


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
    """Time ``command`` from its spawn to ``line`` on its stdout; note its peak memory."""
    moments, peak_mb = _run_launched(command, env)
    if line not in moments:
        raise RuntimeError(f"{command} exited without showing a window")
    return Start((moments[line] - moments["spawned"]) * 1000, peak_mb)


def _run_launched(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """Run ``command`` under the launcher: when each line of its output came (monotonic
    seconds; a line "NAME T" counts as said at T), and its peak memory in MB.

    The launcher forks and runs the command, so the peak (``ru_maxrss``) is the command's
    own and not inherited from this large process.
    """
    process = subprocess.Popen(
        [sys.executable, "-S", "-c", LAUNCHER, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    moments: dict[str, float] = {}
    peak_kb = None
    for output in process.stdout:
        name, _, said_at = output.strip().rpartition(" ")
        if name == "peak-rss-kb":
            peak_kb = int(said_at)
        elif name and _is_number(said_at):
            moments[name] = float(said_at)
        else:
            moments[output.strip()] = time.monotonic()
    if process.wait() != 0 or peak_kb is None or "spawned" not in moments:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return moments, peak_kb / 1024


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _median(starts: Sequence[Start]) -> float:
    return statistics.median(s.shown_ms for s in starts)


def _peak(starts: Sequence[Start]) -> float:
    return max(s.peak_rss_mb for s in starts)


def _runs(starts: Sequence[Start]) -> str:
    return " ".join(f"{s.shown_ms:.0f}" for s in starts)


if __name__ == "__main__":
    sys.exit(main())
