"""Every export batch carries an anchor: a manifest naming its files and notes and the
chains' heads once the export was audited. Kept with the exported files (a billing
service, an archive), it is a checkpoint out of reach of anyone who rewrites the database;
``tpi-desk verify --anchor MANIFEST`` compares the database with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.services.integrity.anchors import backup_checkpoint
from tpi_desk.services.integrity.checkpoints import Checkpoint, checkpoint_of, read_checkpoint

MANIFEST_FORMAT = "tpi-desk/export-manifest@1"
MANIFEST_SUFFIX = ".manifest.json"
SQLITE_HEADER = b"SQLite format 3\x00"


def manifest_path(output: Path) -> Path:
    """Beside the batch's first output: ``notes.pdf`` -> ``notes.pdf.manifest.json``, and a
    folder of PDFs ``pdfs/`` -> ``pdfs.manifest.json`` (the folder holds notes only)."""
    return output.with_name(f"{output.name}{MANIFEST_SUFFIX}")


def write_export_manifest(
    session_factory: sessionmaker[Session],
    output: Path,
    files: Sequence[Path],
    session_ids: Sequence[str],
    *,
    at: datetime,
) -> Path:
    """Write the batch's manifest beside ``output`` (owner-only) and return its path."""
    with session_factory() as db:
        checkpoint = checkpoint_of(db, at=at)
    content = {
        "format": MANIFEST_FORMAT,
        "exported_at": at.astimezone(UTC).isoformat(),
        "files": sorted(path.name for path in files),
        "session_ids": list(session_ids),
        "checkpoint": checkpoint.to_json(),
    }
    path = manifest_path(output)
    staging = path.with_name(f".{path.name}.partial")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2, sort_keys=True)
        handle.write("\n")
    staging.replace(path)
    return path


def load_anchor(path: Path) -> Checkpoint:
    """A checkpoint from a backup, an export manifest or a checkpoint file.

    Raises OSError or ValueError saying why ``path`` holds none.
    """
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        checkpoint = backup_checkpoint(path)
        if checkpoint is None:
            raise ValueError(f"{path} is not a TPI Desk database with chain heads")
        return checkpoint
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT:
        return Checkpoint.from_json(data.get("checkpoint"), f"export manifest {path.name}")
    return read_checkpoint(path, f"checkpoint {path.name}")
