"""`tpi-desk verify`: names every signed record or audit entry changed outside the app."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tpi_desk.commands.progress import TerminalProgress
from tpi_desk.commands.reading_audit import not_recorded_note
from tpi_desk.desk import Desk
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.checkpoints import Checkpoint
from tpi_desk.services.integrity.export_manifest import load_anchor


def run_verify(
    url: str,
    *,
    stdout: TextIO,
    stderr: TextIO,
    anchors: Sequence[str] = (),
    quiet: bool = False,
) -> int:
    """Exit status 0 with a summary when intact; 1 with one line per finding otherwise.

    The database is not upgraded (a database of an older schema is refused, unchanged);
    the run itself is recorded in the audit trail, after the checks, which run beside
    another program's writing. On a terminal a progress bar on stderr shows how far the
    chains are (``quiet``: none).
    """
    extra = [_load(Path(file)) for file in anchors]
    progress = TerminalProgress(stderr, enabled=False if quiet else None)
    # SQLite's check of the whole file runs beside the chains rather than before them.
    with Desk.open(url, upgrade=False, for_reading=True, check_integrity=False) as desk:
        for checkpoint in extra:
            desk.anchors.add(checkpoint)
        try:
            report = desk.verification.verify(actor=None, progress=progress, check_file=True)
        finally:
            progress.close()
    if report.not_recorded is not None:
        print(not_recorded_note(report.not_recorded), file=stderr)
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


def _load(path: Path) -> Checkpoint:
    try:
        return load_anchor(path)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise UserError(f"{path} holds no checkpoint to compare with ({reason}).") from error
