"""Appending to a hash chain: take the head under a lock, link, move the head one step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
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
    (link,) = append_links(db, chain, [entry_hash])
    return link


def append_links(
    db: Session, chain: str, entry_hashes: Sequence[Callable[[int, str], str]]
) -> list[ChainLink]:
    """Reserve the next links of ``chain`` for several entries, in order, reading the head
    once and moving it in one round trip (an export's thousand entries); as ``append_link``
    otherwise."""
    head = db.scalars(select(ChainHead).where(ChainHead.name == chain).with_for_update()).first()
    if head is None:  # a database built without the migration's seed rows
        head = ChainHead(name=chain, sequence=0, hash=GENESIS_HASH)
        db.add(head)
        db.flush()
    links = []
    sequence, previous = head.sequence, head.hash
    for entry_hash in entry_hashes:
        sequence += 1
        link = ChainLink(sequence, previous, entry_hash(sequence, previous))
        links.append(link)
        previous = link.hash
    if len(links) == 1:
        head.sequence, head.hash = links[0].sequence, links[0].hash
    elif links:
        # A trigger lets the head move one link at a time: one UPDATE per link, sent as one
        # executemany; the head object is then read again when next needed.
        db.flush()
        db.connection().execute(
            _MOVE_HEAD,
            [{"head_name": chain, "to": link.sequence, "hash": link.hash} for link in links],
        )
        db.expire(head)
    if links:
        db.info.setdefault(MOVED_HEADS, {})[chain] = (links[-1].sequence, links[-1].hash)
    return links


_MOVE_HEAD = (
    update(ChainHead)
    .where(ChainHead.name == bindparam("head_name"))
    .values(sequence=bindparam("to"), hash=bindparam("hash"))
)
