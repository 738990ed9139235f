"""Where ``verify`` finds the anchors of a database: the workstation's checkpoint file and
the backups in the data folder (each backup holds the chains' heads as they were then).

A backup is compared only when it is a copy of the same database (the same audit entry #1)
and was made after the last deliberate restore, which the workstation's checkpoint records.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL
from sqlalchemy.orm import Session

from tpi_desk.models.engine import is_sqlite, sqlite_file
from tpi_desk.services.integrity.chain_walk import Finding
from tpi_desk.services.integrity.checkpoints import (
    CHAINS,
    Checkpoint,
    CheckpointFile,
    Head,
    compare,
    database_lineage,
)

log = logging.getLogger(__name__)

BACKUP_PATTERN = "*.sqlite3"
BACKUPS_FOLDER = "backups"


def database_identity(url: URL) -> str:
    """One database's name for its checkpoint file: its resolved file, or its server URL."""
    if is_sqlite(url):
        path = sqlite_file(url)
        return f"sqlite:{path.resolve()}" if path is not None else "sqlite:memory"
    return url.set(password=None).render_as_string(hide_password=True)


def workstation_checkpoint(data_folder: Path, url: URL) -> CheckpointFile:
    return CheckpointFile(data_folder, database_identity(url))


def backup_checkpoint(path: Path) -> Checkpoint | None:
    """The heads a backup file holds (None when it is not a readable TPI Desk database)."""
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            heads = {
                str(name): Head(int(sequence), str(digest))
                for name, sequence, digest in reader.execute(
                    "SELECT name, sequence, hash FROM chain_heads"
                )
                if name in CHAINS
            }
            first = reader.execute("SELECT hash FROM audit_events WHERE sequence = 1").fetchone()
        finally:
            reader.close()
        written_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except (sqlite3.Error, OSError, ValueError) as error:
        log.info("%s holds no readable chain heads: %s", path, error)
        return None
    return Checkpoint(heads, written_at, f"backup {path.name}", first[0] if first else None)


def backups_in(folder: Path) -> Iterator[Checkpoint]:
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(BACKUP_PATTERN)):
        checkpoint = backup_checkpoint(path)
        if checkpoint is not None:
            yield checkpoint


class Anchors:
    """Every checkpoint of one database that this workstation can find."""

    def __init__(self, data_folder: Path, url: URL) -> None:
        self.file = workstation_checkpoint(data_folder, url)
        self.backup_folder = data_folder / BACKUPS_FOLDER
        self._extra: list[Checkpoint] = []

    def add(self, checkpoint: Checkpoint) -> None:
        """Compare with ``checkpoint`` too (one the operator names: a manifest, a backup)."""
        self._extra.append(checkpoint)

    def findings(self, db: Session) -> list[Finding]:
        own = self.file.read()
        lineage = database_lineage(db)
        restored_at = own.restored_at if own is not None else None
        candidates = [*([own] if own is not None else []), *self._extra]
        for backup in backups_in(self.backup_folder):
            if backup.lineage is None or backup.lineage != lineage:
                continue  # a backup of another database, or of an empty one
            if restored_at is not None and backup.written_at < restored_at:
                continue  # the state a deliberate restore replaced
            candidates.append(backup)
        findings: list[Finding] = []
        for checkpoint in candidates:
            findings += [f for f in compare(db, checkpoint) if f not in findings]
        return findings
