"""`tpi-desk verify`: names every signed record or audit entry changed outside the app."""

from __future__ import annotations

from typing import TextIO

from tpi_desk.desk import Desk


def run_verify(url: str, *, stdout: TextIO, stderr: TextIO) -> int:
    """Exit status 0 with a summary when intact; 1 with one line per finding otherwise.

    The database is not upgraded (a database of an older schema is refused, unchanged);
    the run itself is recorded in the audit trail.
    """
    with Desk.open(url, upgrade=False) as desk:
        report = desk.verification.verify(actor=None)
    if report.intact:
        print(
            f"Intact: {report.summary()} verified; the protective triggers are in place.",
            file=stdout,
        )
        print(f"Newest links: {report.tips()}", file=stdout)
        return 0
    for finding in report.findings:
        print(f"{finding.chain}: {finding.message}", file=stdout)
    count = len(report.findings)
    print(
        f"tpi-desk: {count} finding{'s' if count != 1 else ''} after checking {report.summary()}.",
        file=stderr,
    )
    return 1
