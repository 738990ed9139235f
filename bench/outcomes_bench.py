"""Outcomes benchmark: the outcomes report over a demo database, every grouping and period.

Usage: python bench/outcomes_bench.py [--sessions 100000] [--database URL]

Without ``--database`` it builds a fresh SQLite demo database of that many sessions (one
patient per ten; past notes stamped signed, the bulk path) in a temporary folder. It then
reads the report for the last twelve months and for the whole database, grouped by each
grouping, per month and per week, and prints the best of REPEATS runs: process CPU time
(SQLite works inside this process) and elapsed time (PostgreSQL works in its server), with
the machine's load (another busy process on a 2-core machine slows the figures down).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.models.database import open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.outcomes.figures import OutcomeGrouping, OutcomePeriod, OutcomeQuery
from tpi_desk.services.outcomes.outcomes import MAX_DAYS, OutcomesService

REPEATS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--database", help="an existing database (default: a new SQLite one)")
    arguments = parser.parse_args()
    catalog = load_catalog(resource_path("catalog"))
    with tempfile.TemporaryDirectory(prefix="tpi-desk-outcomes-bench-") as folder:
        url = arguments.database or f"sqlite:///{Path(folder) / 'outcomes.sqlite3'}"
        database = open_database(url)
        try:
            if arguments.database is None:
                sessions = arguments.sessions
                generate_demo_data(
                    database.engine,
                    catalog,
                    patients=max(1, min(sessions // 10, 100_000)),
                    sessions=sessions,
                    seed=42,
                    signatures=False,
                )
                print(f"built a SQLite demo database of {sessions:,} sessions")
            outcomes = OutcomesService(database.session_factory, catalog)
            today = date.today()
            ranges = (
                ("last 12 months", today - timedelta(days=365), today),
                ("whole database", today - timedelta(days=MAX_DAYS), today),
            )
            for name, first, last in ranges:
                for grouping in OutcomeGrouping:
                    for period in OutcomePeriod:
                        query = OutcomeQuery(first, last, grouping, period)
                        _time(outcomes, query, name)
        finally:
            database.dispose()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) {load:.2f} on {os.cpu_count()} cores")


def _time(outcomes: OutcomesService, query: OutcomeQuery, name: str) -> None:
    cpu, wall = [], []
    report = None
    for _ in range(REPEATS):
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        report = outcomes.report(query, actor=None)
        cpu.append(time.process_time() - cpu_started)
        wall.append(time.perf_counter() - wall_started)
    assert report is not None
    print(
        f"outcomes {name:15} {query.grouping.value:8} per {query.period.value:5} "
        f"{len(report.cells):6,} rows, {report.sessions:7,} session counts: "
        f"CPU {min(cpu) * 1000:6.0f} ms, elapsed {min(wall) * 1000:6.0f} ms"
    )


if __name__ == "__main__":
    main()
