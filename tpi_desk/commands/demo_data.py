"""`tpi-desk demo-data`: fill a demo database with synthetic patients and sessions.

Only a new database or one demo data made is accepted (``DemoDatabase.claim``): it is marked
a demo database and gets the administrator ``admin``, whose password is
``TPI_DESK_DEMO_PASSWORD`` if set, otherwise generated and printed once; the demo clinicians
get the same password and signing keys the administrator's key registers.
"""

from __future__ import annotations

import os
from typing import TextIO

from tpi_desk.commands.operator import SignIn, nobody
from tpi_desk.desk import Desk
from tpi_desk.services.settings.demo_database import DemoClaim

MAX_PATIENTS = 10_000_000
MAX_SESSIONS = 50_000_000
DEMO_PASSWORD_ENV = "TPI_DESK_DEMO_PASSWORD"
EVERY_DEMO_ACCOUNT = (
    "Every demo account (admin and the clinicians demo.hartley, demo.okonkwo, demo.varga "
    "and demo.lindgren, who sign the demo notes) signs in with"
)


def demo_data(
    url: str,
    *,
    patients: int,
    sessions: int,
    seed: int,
    signatures: bool = True,
    sign_in: SignIn = nobody,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    if not 1 <= patients <= MAX_PATIENTS:
        print(f"tpi-desk: --patients must be between 1 and {MAX_PATIENTS:,}", file=stderr)
        return 1
    if not 0 <= sessions <= MAX_SESSIONS:
        print(f"tpi-desk: --sessions must be between 0 and {MAX_SESSIONS:,}", file=stderr)
        return 1
    operator = sign_in()

    def tell(claim: DemoClaim) -> None:
        if claim.generated_password is not None:
            print(
                f"Created the demo administrator admin with the password "
                f"{claim.generated_password} (shown only now; set {DEMO_PASSWORD_ENV} to "
                f"choose it). {EVERY_DEMO_ACCOUNT} this password.",
                file=stdout,
                flush=True,
            )
        elif claim.admin_created:
            print(
                f"Created the demo administrator admin (password from {DEMO_PASSWORD_ENV}). "
                f"{EVERY_DEMO_ACCOUNT} that password.",
                file=stdout,
                flush=True,
            )

    with Desk.open(url) as desk:
        result = desk.demo_data.fill(
            operator,
            admin_password=os.environ.get(DEMO_PASSWORD_ENV) or None,
            patients=patients,
            sessions=sessions,
            seed=seed,
            signatures=signatures,
            on_claimed=tell,
        ).result
        rate = result.sessions / result.seconds if result.seconds > 0 else 0.0
        desk.audit.record_command(
            operator,
            "demo-data",
            f"{result.patients:,} synthetic patients, {result.sessions:,} sessions, seed {seed}",
        )
    print(
        f"Added {result.patients:,} synthetic patients and {result.sessions:,} sessions "
        f"({result.sites:,} sites, {result.medication_lines:,} medication lines) "
        f"in {result.seconds:.1f} s ({rate:,.0f} sessions/s).",
        file=stdout,
    )
    return 0
