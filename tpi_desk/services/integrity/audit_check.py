"""Checks the audit chain: each entry's hash recomputed from its row, links and gaps."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.services.audit.events import audit_content, audit_hash
from tpi_desk.services.integrity.canonical import sha256_hex
from tpi_desk.services.integrity.chain_walk import (
    ChainTip,
    ChainWalk,
    ChunkRunner,
    ChunkWalk,
    Finding,
    Progress,
    chunk_ranges,
    id_ranges,
    in_range,
    no_progress,
    numbers,
)
from tpi_desk.services.integrity.chains import AUDIT_CHAIN
from tpi_desk.services.integrity.note_text import slot, text_template, value_text

BATCH_SIZE = 20_000  # entries per chunk
PROGRESS_LABEL = "Checking audit entries"
_ENTRY = AuditEvent.__table__.c


class _Slots:
    """Stands in for an entry: each column reads as the template slot named after it."""

    def __getattr__(self, name: str) -> str:
        return slot(name)


_ENTRY_COLUMNS = tuple(_ENTRY)
# What an entry's hash covers, as a template made by canonical_json from audit_content's
# own keys, filled with each column's canonical text (the hash is recomputed the slow way
# only when this text's does not match).
_HASHED = tuple(
    name for name, value in audit_content(cast(AuditEvent, _Slots())).items()
    if value == slot(name)
)  # fmt: skip
_TEMPLATE = text_template(audit_content(cast(AuditEvent, _Slots())))


def check_audit_chain(
    db: Session, chunks: ChunkRunner, progress: Progress = no_progress
) -> tuple[list[Finding], int, ChainTip]:
    """Findings naming every audit entry altered, removed or added outside the app, and how
    many entries were checked (in chunks by ``chunks``, joined here in order)."""
    walk = _walk()
    findings: list[Finding] = []
    head = db.get(ChainHead, AUDIT_CHAIN)
    total = head.sequence if head is not None else 0
    progress(PROGRESS_LABEL, 0, total)
    for chunk in chunks.audit(chunk_ranges(total, BATCH_SIZE)):
        findings += walk.join(chunk)
        progress(PROGRESS_LABEL, walk.count, max(total, walk.count))
    findings += walk.finish(head.sequence if head else None, head.hash if head else None)
    outside = list(
        db.scalars(
            select(AuditEvent.id).where(AuditEvent.sequence.is_(None)).order_by(AuditEvent.id)
        )
    )
    findings += [
        Finding(
            AUDIT_CHAIN,
            f"audit rows with id {numbers(first, last)} are outside the chain: "
            "inserted outside the app",
        )
        for first, last in id_ranges(outside)
    ]
    return findings, walk.count, ChainTip(walk.last_sequence, walk.last_hash)


def check_audit_chunk(db: Session, after: int, upto: int | None) -> ChunkWalk:
    """Check the entries numbered ``after`` + 1 .. ``upto`` (None: to the end) on their own."""
    query = select(*_ENTRY_COLUMNS).order_by(_ENTRY.sequence)
    query = in_range(query, _ENTRY.sequence, after, upto)
    chunk = ChunkWalk()
    walk = _walk()
    for entry in db.execute(query).all():
        event = cast(AuditEvent, entry)  # a row with the entry's columns, read alike
        sequence = event.sequence or 0
        previous, own = event.prev_hash or "", event.hash or ""
        if chunk.first is None:
            chunk.first = (sequence, previous, own)
            walk.last_sequence, walk.last_hash = sequence - 1, previous  # joined later
        chunk.findings += walk.step(sequence, previous, own)
        mapping = entry._mapping
        text = _TEMPLATE % {name: value_text(mapping[name]) for name in _HASHED}
        if sha256_hex(text) != event.hash and audit_hash(event) != event.hash:
            chunk.findings.append(_altered(sequence, entry))
    chunk.last_sequence, chunk.last_hash = walk.last_sequence, walk.last_hash
    chunk.count = walk.count
    return chunk


def _walk() -> ChainWalk:
    return ChainWalk(AUDIT_CHAIN, "audit entry", lambda sequence: f"audit entry #{sequence}")


def _altered(sequence: int, entry: Any) -> Finding:
    return Finding(
        AUDIT_CHAIN,
        f"audit entry #{sequence} ({entry.action}, {entry.actor_name}) was altered outside the app",
    )
