"""`tpi-desk export ... --x12 FILE.837`: the chosen signed notes as one X12 837P claim file.

Written before the other outputs of the same command, so that a refusal (a draft, a patient
without insurance, the clinic's billing identity incomplete) leaves nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tpi_desk.desk import Desk
from tpi_desk.services.export.exporting import ExportCriteria
from tpi_desk.services.permissions import Actor


def write_claim_file(
    desk: Desk, criteria: ExportCriteria, path: str, actor: Actor | None, stdout: TextIO
) -> None:
    """Write the claim file and say what it holds (UserErrors name what stops it)."""
    summary = desk.claim_files.write(criteria, Path(path), actor=actor)
    claims = "claim" if summary.claims == 1 else "claims"
    lines = "service line" if summary.service_lines == 1 else "service lines"
    print(
        f"X12 837P claims: {path} ({summary.claims:,} {claims}, {summary.service_lines:,} {lines})",
        file=stdout,
    )
    if summary.without_lines:
        print(
            f"  left out: {summary.without_lines:,} signed note(s) with no line of their own to "
            "bill (the day's procedure is on an earlier session's claim)",
            file=stdout,
        )
