"""`tpi-desk restore` with the chains checked first: a tampered backup is refused.

The backup is verified on a scratch copy (upgraded there when it is of an older schema) the
way ``tpi-desk verify`` checks a database. A backup with findings is refused unless the
operator forces it; either way the restore is recorded in the restored database's audit
trail, and the workstation's checkpoint starts over from the restored heads, noting when:
anchors written before a deliberate restore describe the state it replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from tpi_desk.models.database import open_database
from tpi_desk.models.engine import normalize_url
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.services.audit.events import AuditAction, record_event
from tpi_desk.services.integrity.anchors import backup_checkpoint, workstation_checkpoint
from tpi_desk.services.integrity.checkpoints import Checkpoint
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.storage.backups import (
    BackupError,
    RestoreResult,
    check_backup,
    restore_database,
)
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

FINDINGS_SHOWN = 5
DETAIL_LIMIT = 1_000


class TamperedBackupError(BackupError):
    """The backup's signatures or audit trail were altered; nothing was replaced."""


@dataclass(frozen=True, slots=True)
class CheckedRestore:
    result: RestoreResult
    findings: tuple[str, ...]  # what verify found in the backup (empty: intact)
    forced: bool


def backup_findings(backup: Path) -> tuple[str, ...]:
    """What ``verify`` finds in ``backup``, checked on a scratch copy (the file is untouched)."""
    check_backup(backup)
    with tempfile.TemporaryDirectory(prefix="tpi-desk-restore-check-") as scratch:
        copy = Path(scratch) / "backup.sqlite3"
        shutil.copyfile(backup, copy)
        try:
            database = open_database(f"sqlite:///{copy}", check_integrity=False)
        except DatabaseOpenError as error:
            return (f"database: the backup cannot be opened to verify it ({error})",)
        try:
            report = VerificationService(database.session_factory).verify(record=False)
        finally:
            database.dispose()
    return tuple(f"{finding.chain}: {finding.message}" for finding in report.findings)


def restore_checked(
    database_url: str,
    backup: Path,
    data_folder: Path,
    *,
    force: bool = False,
    actor: Actor | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> CheckedRestore:
    """Verify ``backup``, refuse it when altered (unless ``force``), restore it, audit it."""
    findings = backup_findings(backup)
    if findings and not force:
        shown = "; ".join(findings[:FINDINGS_SHOWN])
        more = len(findings) - FINDINGS_SHOWN
        raise TamperedBackupError(
            f"{backup} was altered outside the app ({len(findings)} finding(s): {shown}"
            f"{f'; and {more} more' if more > 0 else ''}). Nothing was replaced. An "
            "administrator may restore it anyway with --force; that is recorded in the audit "
            "trail."
        )
    result = restore_database(database_url, backup, clock=clock)
    now = clock()
    if not result.needs_upgrade:  # an older schema is upgraded, and audited, at next open
        _record(database_url, backup, findings, actor, now)
    book = workstation_checkpoint(data_folder, normalize_url(database_url))
    restored = backup_checkpoint(result.database) or Checkpoint({}, now)
    book.replace(replace(restored, written_at=now, source=book.SOURCE, restored_at=now))
    return CheckedRestore(result, findings, force and bool(findings))


def _record(
    database_url: str,
    backup: Path,
    findings: tuple[str, ...],
    actor: Actor | None,
    now: datetime,
) -> None:
    outcome = (
        f"forced despite {len(findings)} finding(s): {findings[0]}" if findings else "verified"
    )
    database = open_database(database_url, upgrade=False, check_integrity=False)
    try:
        run_unit_of_work(
            database.session_factory,
            "record the restore",
            lambda db: record_event(
                db, actor, AuditAction.RESTORE, "database", None,
                f"restored from {backup.name}; {outcome}"[:DETAIL_LIMIT], at=now,
            ),
        )  # fmt: skip
    finally:
        database.dispose()
