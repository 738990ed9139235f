"""Storage benchmark: demo-data throughput, newest-200 list and patient search at scale.

Usage: python bench/storage_bench.py [--sizes 100000 1000000] [--url-dir DIR]

For each size it builds a fresh SQLite database with that many sessions (one patient per
ten sessions, capped at 100,000 patients) with `generate_demo_data` and prints its
throughput, CPU time and the machine's load (another busy process on a 2-core machine
slows the figures down), then prints medians of repeated runs of the queries the app
makes: the newest-200 session list (first page and a later page), the same list filtered
by provider, a patient's own sessions, and patient search as you type.

The big sets use the bulk path (past notes stamped signed, no signature chain: DESIGN.md's
demo-data target); the default, which signs each past note as the app does, is timed on
SIGNED_SESSIONS sessions at the end (target >= 3,000 sessions/s), next to the same run
unsigned.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlalchemy import text

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.desk import Desk
from tpi_desk.models.database import open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.sessions.session_queries import SessionFilter, SessionQueries

REPEATS = 15
SIGNED_SESSIONS = 20_000  # into a fresh SQLite file, 2,000 patients
SIGNED_PATIENTS = 2_000
BENCH_DEMO_PASSWORD = "bench demo password 1"  # synthetic: a throwaway benchmark database
TYPED_QUERIES = ("n", "ng", "ngu", "nguy", "nguye", "nguyen", "zoe n", "D00004", "ødegård")


def median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    action()  # warm the cache, as a running app would have it
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_size(sessions: int, folder: Path) -> None:
    patients = min(100_000, max(1, sessions // 10))
    url = f"sqlite:///{folder / f'bench-{sessions}.sqlite3'}"
    catalog = load_catalog(resource_path("catalog"))
    database = open_database(url)
    load_before = os.getloadavg()[0]
    cpu_started = time.process_time()
    result = generate_demo_data(
        database.engine,
        catalog,
        patients=patients,
        sessions=sessions,
        seed=42,
        signatures=False,  # the bulk path the target is about; signing is timed below
    )
    cpu_seconds = time.process_time() - cpu_started
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    rows = result.patients + result.sessions + result.sites + result.medication_lines
    size_mib = Path(url.removeprefix("sqlite:///")).stat().st_size / 2**20
    print(f"\n== {sessions:,} sessions, {patients:,} patients ==")
    print(
        f"demo-data: {result.seconds:.1f} s, {result.sessions / result.seconds:,.0f} sessions/s "
        f"(~{rows / result.seconds:,.0f} rows/s incl. patients, sites, medication lines; "
        f"1M sessions at this rate: {1_000_000 * result.seconds / sessions:.0f} s, "
        "target < 60 s)"
    )
    print(
        f"demo-data: {result.sites:,} sites, {result.medication_lines:,} medication lines, "
        f"{size_mib:,.0f} MiB file; {cpu_seconds:.1f} s CPU in {result.seconds:.1f} s; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, "
        f"{os.cpu_count()} CPUs"
    )

    queries = SessionQueries(database.session_factory, catalog)
    first = queries.page()
    later_cursor = first.next_cursor
    for _ in range(20):
        if later_cursor is None:
            break
        later_cursor = queries.page(after=later_cursor).next_cursor
    provider_id = ProviderService(database.session_factory).clinicians()[0].id
    patient_id = first.rows[0].patient_id
    print(f"newest-200 list, first page:      {median_ms(queries.page):7.2f} ms")
    if later_cursor is not None:
        cursor = later_cursor
        print(
            "newest-200 list, page 21:         "
            f"{median_ms(lambda: queries.page(after=cursor)):7.2f} ms"
        )
    by_provider = SessionFilter(provider_id=provider_id)
    print(
        f"newest-200 of one provider:       {median_ms(lambda: queries.page(by_provider)):7.2f} ms"
    )
    by_patient = SessionFilter(patient_id=patient_id)
    print(
        f"one patient's sessions:           {median_ms(lambda: queries.page(by_patient)):7.2f} ms"
    )
    newest_id = first.rows[0].id
    print(f"load one whole session:           {median_ms(lambda: queries.load(newest_id)):7.2f} ms")

    patients_service = PatientService(database.session_factory)
    per_keystroke = [median_ms(partial(patients_service.search, q)) for q in TYPED_QUERIES]
    typical = statistics.median(per_keystroke)
    print(
        f"patient search ({patients:,} patients): median {typical:.2f} ms, "
        f"worst {max(per_keystroke):.2f} ms per keystroke (target < 30 ms)"
    )
    with database.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM procedure_sessions "
            "ORDER BY performed_at DESC, id DESC LIMIT 200"
        ).all()
    print("plan of the newest-200 list:", "; ".join(str(row[-1]) for row in plan))
    database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dir", type=Path, help="where to put the databases (default: temp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        for size in args.sizes:
            bench_size(size, folder)
        bench_signed_demo_data(folder)
    return 0


def bench_signed_demo_data(folder: Path) -> None:
    """Demo data as `tpi-desk demo-data` makes it by default, every past note signed (issue 13:
    >= 3,000 sessions/s) with its clinician's Ed25519 key (the demo accounts and keys are made
    first, by ``fill``'s claim, outside the timed run), and the same run unsigned, each into a
    fresh SQLite file."""
    catalog = load_catalog(resource_path("catalog"))
    rates = {}
    for signatures in (False, True):
        name = "signed" if signatures else "unsigned"
        url = f"sqlite:///{folder / f'bench-{name}.sqlite3'}"
        load_before = os.getloadavg()[0]
        cpu_started = time.process_time()
        if signatures:
            with Desk.open(url) as desk:
                result = desk.demo_data.fill(
                    None,
                    admin_password=BENCH_DEMO_PASSWORD,
                    patients=SIGNED_PATIENTS,
                    sessions=SIGNED_SESSIONS,
                ).result
        else:
            database = open_database(url)
            try:
                result = generate_demo_data(
                    database.engine,
                    catalog,
                    patients=SIGNED_PATIENTS,
                    sessions=SIGNED_SESSIONS,
                    signatures=False,
                )
            finally:
                database.dispose()
        cpu_seconds = time.process_time() - cpu_started
        rates[name] = result.sessions / result.seconds
        print(
            f"\n{name} demo-data: {SIGNED_SESSIONS:,} sessions in {result.seconds:.2f} s, "
            f"{rates[name]:,.0f} sessions/s ({cpu_seconds:.1f} s CPU; load average "
            f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after)"
        )
    print(f"signing costs {rates['unsigned'] / rates['signed']:.1f}x the unsigned run's time")


if __name__ == "__main__":
    sys.exit(main())
