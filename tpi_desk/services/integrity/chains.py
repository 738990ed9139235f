"""Appending to a hash chain: take the head under a lock, link, move the head one step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.models.audit import ChainHead
from tpi_desk.services.integrity.canonical import GENESIS_HASH

SIGNATURE_CHAIN = "signatures"
AUDIT_CHAIN = "audit"
# Session.info key: the heads this transaction moved, {chain: (sequence, hash)}, for the
# checkpoint written after the commit (see checkpoints.keep_checkpoints).
MOVED_HEADS = "tpi_desk.moved_chain_heads"


@dataclass(frozen=True, slots=True)
class ChainLink:
    """A new entry's place in its chain: its number, the hash it follows, and its hash."""

    sequence: int
    previous_hash: str
    hash: str


def append_link(db: Session, chain: str, entry_hash: Callable[[int, str], str]) -> ChainLink:
    """Reserve the next link of ``chain`` inside the open unit of work.

    ``entry_hash(sequence, previous_hash)`` gives the new entry's hash, which becomes the
    head. Appends are serialised: ``run_unit_of_work`` locks the heads' table on PostgreSQL
    before the transaction's snapshot (and the head row is read ``FOR UPDATE`` as well); on
    SQLite the write transaction holds the database's write lock. So two workstations never
    give two entries the same number or let them follow the same hash: the chain cannot
    fork. Only call this inside ``run_unit_of_work``.
    """
    head = db.scalars(select(ChainHead).where(ChainHead.name == chain).with_for_update()).first()
    if head is None:  # a database built without the migration's seed rows
        head = ChainHead(name=chain, sequence=0, hash=GENESIS_HASH)
        db.add(head)
        db.flush()
    sequence = head.sequence + 1
    link = ChainLink(sequence, head.hash, entry_hash(sequence, head.hash))
    head.sequence = link.sequence
    head.hash = link.hash
    db.info.setdefault(MOVED_HEADS, {})[chain] = (link.sequence, link.hash)
    return link
