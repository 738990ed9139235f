"""Checks the audit chain: each entry's hash recomputed from its row, links and gaps.

On SQLite each entry's canonical text is written by SQLite (sql_canonical.py) and only
hashed here; an entry whose text does not give its hash is rebuilt in Python, which
decides (so a difference in SQLite's writing costs time, never a false alarm)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
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
from tpi_desk.services.integrity.sql_canonical import (
    column_sql,
    hashes_to,
    template_sql,
    writes_text,
)

BATCH_SIZE = 20_000  # entries per chunk
_REREAD_BATCH = 500  # entries read again by id at a time (their text did not match)
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
    chunk = ChunkWalk()
    walk = _walk()
    if writes_text(db):
        entries, to_rebuild = _written_by_sqlite(db, after, upto)
    else:
        rows = _entry_rows(db, after, upto)
        entries = [(row.id, row.sequence or 0, row.prev_hash or "", row.hash or "") for row in rows]
        to_rebuild = rows
    altered = _altered_entries(to_rebuild)
    for entry_id, sequence, previous, own in entries:
        if chunk.first is None:
            chunk.first = (sequence, previous, own)
            walk.last_sequence, walk.last_hash = sequence - 1, previous  # joined later
        chunk.findings += walk.step(sequence, previous, own)
        if entry_id in altered:
            chunk.findings.append(altered[entry_id])
    chunk.last_sequence, chunk.last_hash = walk.last_sequence, walk.last_hash
    chunk.count = walk.count
    return chunk


def _entry_rows(db: Session, after: int, upto: int | None) -> list[Any]:
    query = select(*_ENTRY_COLUMNS).order_by(_ENTRY.sequence)
    return list(db.execute(in_range(query, _ENTRY.sequence, after, upto)).all())


def _altered_entries(rows: Sequence[Any]) -> dict[int, Finding]:
    """The findings, by id, of the entries (rows) whose hash their columns do not give."""
    altered = {}
    for entry in rows:
        event = cast(AuditEvent, entry)  # a row with the entry's columns, read alike
        mapping = entry._mapping
        text = _TEMPLATE % {name: value_text(mapping[name]) for name in _HASHED}
        if sha256_hex(text) != event.hash and audit_hash(event) != event.hash:
            altered[event.id] = _altered(event.sequence or 0, entry)
    return altered


def _written_by_sqlite(
    db: Session, after: int, upto: int | None
) -> tuple[list[tuple[int, int, str, str]], list[Any]]:
    """Each entry's id, sequence and hashes, its canonical text written by SQLite and hashed
    here; and the entries whose text does not give their hash, read as rows for the Python
    check, which decides."""
    bounds = [bound for bound in (after if after > 0 else None, upto) if bound is not None]
    cursor = db.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(_entry_sql(after > 0, upto is not None), bounds).fetchall()
    finally:
        cursor.close()
    entries = []
    differing = []
    for entry_id, sequence, previous, own, text in rows:
        entries.append((entry_id, sequence or 0, previous or "", own or ""))
        if not hashes_to(text, own):
            differing.append(entry_id)
    to_rebuild: list[Any] = []
    for start in range(0, len(differing), _REREAD_BATCH):
        wanted = differing[start : start + _REREAD_BATCH]
        query = select(*_ENTRY_COLUMNS).where(_ENTRY.id.in_(wanted))
        to_rebuild += db.execute(query).all()
    return entries, to_rebuild


@cache
def _entry_sql(bounded_below: bool, bounded_above: bool) -> str:
    """The query for a chunk's entries: id, sequence, hashes and the canonical text."""
    slots = {name: column_sql(_ENTRY[name].type, f'"{name}"') for name in _HASHED}
    where = [
        *(["sequence > ?"] if bounded_below else []),
        *(["sequence <= ?"] if bounded_above else []),
    ]
    return (
        f"SELECT id, sequence, prev_hash, hash, {template_sql(_TEMPLATE, slots)} "
        f"FROM {AuditEvent.__tablename__} "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + "ORDER BY sequence"
    )


def _walk() -> ChainWalk:
    return ChainWalk(AUDIT_CHAIN, "audit entry", lambda sequence: f"audit entry #{sequence}")


def _altered(sequence: int, entry: Any) -> Finding:
    return Finding(
        AUDIT_CHAIN,
        f"audit entry #{sequence} ({entry.action}, {entry.actor_name}) was altered outside the app",
    )
