"""`tpi-desk verify` benchmark: seconds per signature (and its audit entry), scaled to 1M.

Usage: python bench/verify_bench.py [--sessions 2000] [--runs 2] [--db FILE]

Builds (or reuses, with --db) a SQLite database of signed synthetic notes with
`generate_demo_data`, runs the whole verification (both chains, every note re-serialised,
the patients, the triggers) ``--runs`` times and prints the best run, its CPU time and the
machine's load (another busy process on a 2-core machine slows the figures down). Where
the demo notes carry no Ed25519 signature, one signature check, timed alone, is added per
note, so the figure covers what a clinic's notes cost. Issue 13's target: < 60 s for 1M.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, select

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.models.database import open_database
from tpi_desk.models.procedures import Signature
from tpi_desk.paths import resource_path
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.integrity.signing_keys import signature_message, signature_valid
from tpi_desk.services.integrity.verification import VerificationService

MILLION = 1_000_000
ED25519_CHECKS = 2_000


def ed25519_seconds() -> float:
    """One Ed25519 link check as verify makes it (key parsed, message built), in seconds."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    previous, content = "0" * 64, "1" * 64
    signed = key.sign(signature_message(1, previous, content)).hex()
    started = time.perf_counter()
    for _ in range(ED25519_CHECKS):
        assert signature_valid(public, signed, 1, previous, content)
    return (time.perf_counter() - started) / ED25519_CHECKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--db", type=Path, help="reuse (or build) this database file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpi-verify-bench-") as scratch:
        path = args.db or Path(scratch) / f"verify-{args.sessions}.sqlite3"
        database = open_database(f"sqlite:///{path}")
        try:
            with database.session_factory() as db:
                existing = db.scalar(select(func.count()).select_from(Signature)) or 0
            if not existing:
                catalog = load_catalog(resource_path("catalog"))
                patients = max(1, args.sessions // 10)
                generate_demo_data(
                    database.engine, catalog, patients=patients, sessions=args.sessions, seed=11
                )
            with database.session_factory() as db:
                unsigned = db.scalar(
                    select(func.count()).select_from(Signature).where(Signature.key_id.is_(None))
                )
            service = VerificationService(database.session_factory)
            best_wall = best_cpu = float("inf")
            report = None
            for _ in range(args.runs):
                load = os.getloadavg()[0]
                wall, cpu = time.perf_counter(), time.process_time()
                report = service.verify(actor=None, record=False)
                best_wall = min(best_wall, time.perf_counter() - wall)
                best_cpu = min(best_cpu, time.process_time() - cpu)
        finally:
            database.dispose()
    assert report is not None and report.intact, report
    links = report.signatures.total
    entries = report.audit_entries
    per_link = best_wall / links
    extra = ed25519_seconds() if unsigned else 0.0
    scaled = (per_link + extra) * MILLION
    print(f"verify: {links:,} signatures and {entries:,} audit entries in {best_wall:.2f} s")
    print(f"  CPU {best_cpu:.2f} s; load average before the run {load:.1f}")
    print(f"  per signature: {per_link * 1e6:.0f} us")
    if unsigned:
        print(f"  + Ed25519 check timed alone (demo notes carry none): {extra * 1e6:.0f} us")
    print(f"1M signatures at this rate: {scaled:.0f} s (target < 60 s)")


if __name__ == "__main__":
    main()
