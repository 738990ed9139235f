"""Anchors outside the database: the chains' heads, written down where a database writer
cannot rewrite them along with the chains.

A checkpoint names the newest link of the signature chain and of the audit chain. The app
writes one to a file in the workstation's data folder after every write that moved a chain
(``keep_checkpoints``); backups and export batches carry one too. ``compare`` tells a
database that is behind a checkpoint (its newest entries were cut or rolled back) or that
diverges from it (the entry the checkpoint names was rewritten).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.models.procedures import Signature
from tpi_desk.services.integrity.chain_walk import Finding
from tpi_desk.services.integrity.chains import AUDIT_CHAIN, MOVED_HEADS, SIGNATURE_CHAIN

log = logging.getLogger(__name__)

CHECKPOINT_FORMAT = "tpi-desk/checkpoint@1"
CHECKPOINT_FOLDER = "checkpoints"
CHAINS = (SIGNATURE_CHAIN, AUDIT_CHAIN)
LINEAGE = "tpi_desk.chain_lineage"
# A transaction that ends the audit chain at or before this entry may have written entry #1.
_FIRST_TRANSACTION = 16


@dataclass(frozen=True, slots=True)
class Head:
    sequence: int
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The heads of both chains at one moment, and where that was written down."""

    heads: dict[str, Head]
    written_at: datetime
    source: str = ""  # e.g. "the workstation's checkpoint" or "backup <file>"
    # The hash of audit entry #1: which database (and its copies) the checkpoint is of.
    lineage: str | None = None
    # Set by a deliberate restore: anchors written before it describe the replaced state.
    restored_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "written_at": self.written_at.astimezone(UTC).isoformat(),
            "lineage": self.lineage,
            "restored_at": (
                self.restored_at.astimezone(UTC).isoformat() if self.restored_at else None
            ),
            "chains": {
                name: {"sequence": head.sequence, "hash": head.hash}
                for name, head in sorted(self.heads.items())
            },
        }

    @classmethod
    def from_json(cls, data: Any, source: str) -> Checkpoint:
        """Raises ValueError when ``data`` is not a checkpoint."""
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"{source} is not a TPI Desk checkpoint")
        chains = data.get("chains")
        if not isinstance(chains, dict):
            raise ValueError(f"{source} names no chains")
        heads = {}
        for name in CHAINS:
            entry = chains.get(name)
            if entry is None:
                continue
            sequence, digest = entry.get("sequence"), entry.get("hash")
            if not isinstance(sequence, int) or not isinstance(digest, str) or sequence < 0:
                raise ValueError(f"{source} has a malformed {name} head")
            heads[name] = Head(sequence, digest)
        written_at = datetime.fromisoformat(str(data.get("written_at")))
        lineage = data.get("lineage")
        restored = data.get("restored_at")
        return cls(
            heads,
            written_at,
            source,
            lineage if isinstance(lineage, str) else None,
            datetime.fromisoformat(restored) if isinstance(restored, str) else None,
        )

    def advanced_by(self, moved: dict[str, Head], at: datetime, lineage: str | None) -> Checkpoint:
        """This checkpoint with ``moved`` heads taken where they are newer."""
        heads = dict(self.heads)
        for name, head in moved.items():
            if name not in heads or head.sequence >= heads[name].sequence:
                heads[name] = head
        return Checkpoint(heads, at, self.source, self.lineage or lineage, self.restored_at)


def database_heads(db: Session) -> dict[str, Head]:
    """The heads as the database's ``chain_heads`` table records them."""
    rows = db.scalars(select(ChainHead).where(ChainHead.name.in_(CHAINS))).all()
    return {row.name: Head(row.sequence, row.hash) for row in rows}


def database_lineage(db: Session) -> str | None:
    """The hash of audit entry #1 (None for a database with no audit entry yet)."""
    return db.scalar(select(AuditEvent.hash).where(AuditEvent.sequence == 1))


def checkpoint_of(db: Session, *, at: datetime, source: str = "") -> Checkpoint:
    return Checkpoint(database_heads(db), at, source, database_lineage(db))


def compare(db: Session, checkpoint: Checkpoint) -> list[Finding]:
    """Findings when the database is behind ``checkpoint`` or diverges from it."""
    findings = []
    for name, anchored in sorted(checkpoint.heads.items()):
        if anchored.sequence == 0:
            continue
        entry_hash = _hash_of_entry(db, name, anchored.sequence)
        newest = _newest_sequence(db, name)
        noun = "signature" if name == SIGNATURE_CHAIN else "audit entry"
        if newest < anchored.sequence:
            findings.append(
                Finding(
                    name,
                    f"the {name} chain ends at #{newest}, behind {checkpoint.source} "
                    f"(#{anchored.sequence}, {checkpoint.written_at:%Y-%m-%d %H:%M} UTC): "
                    "its newest entries were cut or the database was rolled back",
                )
            )
        elif entry_hash != anchored.hash:
            findings.append(
                Finding(
                    name,
                    f"{noun} #{anchored.sequence} differs from {checkpoint.source} "
                    f"({checkpoint.written_at:%Y-%m-%d %H:%M} UTC): the chain was rewritten "
                    "outside the app",
                )
            )
    return findings


def _hash_of_entry(db: Session, chain: str, sequence: int) -> str | None:
    if chain == SIGNATURE_CHAIN:
        return db.scalar(select(Signature.chain_hash).where(Signature.sequence == sequence))
    return db.scalar(select(AuditEvent.hash).where(AuditEvent.sequence == sequence))


def _newest_sequence(db: Session, chain: str) -> int:
    column = Signature.sequence if chain == SIGNATURE_CHAIN else AuditEvent.sequence
    return int(db.scalar(select(column).order_by(column.desc()).limit(1)) or 0)


def read_checkpoint(path: Path, source: str) -> Checkpoint:
    """Raises OSError or ValueError (JSON, format) when ``path`` holds no checkpoint."""
    return Checkpoint.from_json(json.loads(path.read_text(encoding="utf-8")), source)


def write_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` readable by its owner only, replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = path.with_name(f".{path.name}.partial")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(checkpoint.to_json(), handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    staging.replace(path)


def database_key(database: str) -> str:
    """A stable file-name-safe key for one database (its URL or file, without a password)."""
    return hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]


class CheckpointFile:
    """The data folder's checkpoint of one database, kept current after each write."""

    SOURCE = "the workstation's checkpoint"

    def __init__(self, folder: Path, database: str) -> None:
        self.path = folder / CHECKPOINT_FOLDER / f"{database_key(database)}.json"

    def read(self) -> Checkpoint | None:
        """The checkpoint, or None when there is none yet (or it is unreadable: logged)."""
        if not self.path.exists():
            return None
        try:
            return read_checkpoint(self.path, self.SOURCE)
        except (OSError, ValueError) as error:
            log.warning("the checkpoint %s cannot be read: %s", self.path, error)
            return None

    def advance(self, moved: dict[str, Head], lineage: str | None) -> None:
        now = datetime.now(UTC)
        current = self.read() or Checkpoint({}, now, self.SOURCE)
        write_checkpoint(self.path, current.advanced_by(moved, now, lineage))

    def replace(self, checkpoint: Checkpoint) -> None:
        """Start over from ``checkpoint`` (after a deliberate restore)."""
        write_checkpoint(self.path, checkpoint)


def keep_checkpoints(session_factory: sessionmaker[Session], book: CheckpointFile) -> None:
    """After every commit that moved a chain, write the new heads to ``book``.

    A failure to write is logged, never raised: the commit has happened, and ``verify``
    still checks the chains themselves.
    """

    def after_commit(db: Session) -> None:
        moved = db.info.pop(MOVED_HEADS, None)
        lineage = db.info.pop(LINEAGE, None)
        if not moved:
            return
        try:
            book.advance({name: Head(*head) for name, head in moved.items()}, lineage)
        except OSError:
            log.warning("could not write the checkpoint %s", book.path, exc_info=True)

    def before_commit(db: Session) -> None:
        moved = db.info.get(MOVED_HEADS)
        if moved and AUDIT_CHAIN in moved and moved[AUDIT_CHAIN][0] <= _FIRST_TRANSACTION:
            # This transaction may have written entry #1 (the first administrator's account
            # and key registration are several entries): the lineage is entry #1's hash.
            db.info[LINEAGE] = database_lineage(db)

    def after_rollback(db: Session) -> None:
        db.info.pop(MOVED_HEADS, None)
        db.info.pop(LINEAGE, None)

    event.listen(session_factory, "before_commit", before_commit)
    event.listen(session_factory, "after_commit", after_commit)
    event.listen(session_factory, "after_rollback", after_rollback)
