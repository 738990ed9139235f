"""`tpi-desk demo-data`: fill a database with synthetic patients and sessions."""

from __future__ import annotations

from typing import TextIO

from tpi_desk.desk import Desk

MAX_PATIENTS = 10_000_000
MAX_SESSIONS = 50_000_000


def demo_data(
    url: str,
    *,
    patients: int,
    sessions: int,
    seed: int,
    signatures: bool = True,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    if not 1 <= patients <= MAX_PATIENTS:
        print(f"tpi-desk: --patients must be between 1 and {MAX_PATIENTS:,}", file=stderr)
        return 1
    if not 0 <= sessions <= MAX_SESSIONS:
        print(f"tpi-desk: --sessions must be between 0 and {MAX_SESSIONS:,}", file=stderr)
        return 1
    with Desk.open(url) as desk:
        result = desk.demo_data.add(
            patients=patients, sessions=sessions, seed=seed, signatures=signatures
        )
    rate = result.sessions / result.seconds if result.seconds > 0 else 0.0
    print(
        f"Added {result.patients:,} synthetic patients and {result.sessions:,} sessions "
        f"({result.sites:,} sites, {result.medication_lines:,} medication lines) "
        f"in {result.seconds:.1f} s ({rate:,.0f} sessions/s).",
        file=stdout,
    )
    return 0
