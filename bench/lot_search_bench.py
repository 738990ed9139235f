"""Lot recall benchmark (issue 15): one lot searched across 1M sessions, target < 100 ms.

Usage: python bench/lot_search_bench.py [--sessions 1000000] [--db FILE] [--runs 15]

Uses --db when it exists (e.g. run.py's bench-1000000.sqlite3, built by storage_bench.py;
opening it adds the lot index of migration 0009 if it is older), else builds a SQLite
database of that many sessions with `generate_demo_data` (bulk path, one patient per ten
sessions up to 100,000). The demo clinic uses one lot per drug per month, so the busiest
lot of a million sessions is given thousands of times: the worst case of a recall.

Times, median of --runs after a warm-up, the search a screen makes (the counts and the
newest 200 lines, audited), the next page, the type-ahead of a lot's first characters, and
the whole list for a CSV or PDF; wall time and this process's CPU time, with the machine's
load (other busy processes on a 2-core machine slow the wall figures down). Prints the
query plan, which must walk ix_medication_lines_lot_key_ndc. The searches add their audit
entries to the database searched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.desk import Desk
from tpi_desk.models.database import open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.sessions.lot_recall import LotMatching


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``action`` over ``runs`` (after one warm-up)."""
    action()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def build(path: Path, sessions: int) -> None:
    database = open_database(f"sqlite:///{path}")
    try:
        result = generate_demo_data(
            database.engine,
            load_catalog(resource_path("catalog")),
            patients=min(100_000, max(1, sessions // 10)),
            sessions=sessions,
            seed=42,
            signatures=False,
        )
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    finally:
        database.dispose()
    print(f"built {result.sessions:,} sessions, {result.medication_lines:,} lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="a demo database to search (built if missing)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpi-lots-") as scratch:
        path = args.db or Path(scratch) / f"lots-{args.sessions}.sqlite3"
        if not path.exists():
            build(path, args.sessions)
        with Desk.open(f"sqlite:///{path}", data_dir=Path(scratch)) as desk:
            bench(desk, args.runs)
    return 0


def bench(desk: Desk, runs: int) -> None:
    with desk.database.engine.connect() as connection:
        sessions = connection.execute(text("SELECT count(*) FROM procedure_sessions")).scalar()
        lot, lines = connection.execute(
            text(
                "SELECT lot, count(*) FROM medication_lines WHERE lot <> '' "
                "GROUP BY lot ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
        sql = str(
            LotMatching(lot, "", with_drafts=True)
            .line_ids()
            .compile(desk.database.engine, compile_kwargs={"literal_binds": True})
        )
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    recall = desk.lot_recall
    typed = f"{lot[:2].lower()} {lot[2:]}"
    load = os.getloadavg()[0]
    print(f"== {sessions:,} sessions; busiest lot {lot}: {lines:,} medication lines ==")
    first = recall.search(typed)
    print(f"found: {first.summary()}")
    search_wall, search_cpu = timed(lambda: recall.search(typed), runs)
    print(
        f"lot search (counts + newest 200 lines, audited): {search_wall:.1f} ms "
        f"({search_cpu:.1f} ms CPU) (target < 100 ms)"
    )
    page_wall, page_cpu = timed(lambda: recall.lines_after(first, 200), runs)
    print(f"next 200 lines: {page_wall:.1f} ms ({page_cpu:.1f} ms CPU)")
    ahead_wall, ahead_cpu = timed(lambda: recall.suggest(lot[:2]), runs)
    print(f"type-ahead '{lot[:2]}' (12 lots): {ahead_wall:.1f} ms ({ahead_cpu:.1f} ms CPU)")
    whole_wall, whole_cpu = timed(lambda: recall.search(typed, first=None), max(1, runs // 5))
    print(
        f"whole list ({lines:,} lines, for CSV/PDF): {whole_wall:.0f} ms ({whole_cpu:.0f} ms CPU)"
    )
    print("plan of the lot search:", "; ".join(str(row[-1]) for row in plan))
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    sys.exit(main())
