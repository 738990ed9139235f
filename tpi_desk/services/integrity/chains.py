"""Appending to a hash chain: take the head under a lock, link, move the head one step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, select, update
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


def append_links(
    db: Session, chain: str, entry_hashes: Sequence[Callable[[int, str], str]]
) -> list[ChainLink]:
    """``append_link`` for many entries in a row (an import's), in as few statements.

    The head is taken under its lock as ``append_link`` takes it, then moved one link per
    entry by a single many-rows UPDATE (the head's trigger lets it move one step at a
    time, and sees each step).
    """
    if not entry_hashes:
        return []
    links = [append_link(db, chain, entry_hashes[0])]
    db.flush()  # the first step, through the head's row
    for entry_hash in entry_hashes[1:]:
        last = links[-1]
        links.append(
            ChainLink(last.sequence + 1, last.hash, entry_hash(last.sequence + 1, last.hash))
        )
    if len(links) > 1:
        heads = cast(Table, ChainHead.__table__)
        db.execute(
            update(heads)
            .where(heads.c.name == bindparam("chain_name"))
            .values(sequence=bindparam("new_sequence"), hash=bindparam("new_hash")),
            [
                {"chain_name": chain, "new_sequence": link.sequence, "new_hash": link.hash}
                for link in links[1:]
            ],
        )
        head = db.get(ChainHead, chain)
        if head is not None:
            db.expire(head)  # the statement moved it: read it again when next asked
    db.info.setdefault(MOVED_HEADS, {})[chain] = (links[-1].sequence, links[-1].hash)
    return links
