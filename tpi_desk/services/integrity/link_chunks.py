"""Checking one range of the signature chain (verify splits the chain into such chunks).

Each note is written from its rows straight into canonical text and compared with the signed
content; only a link that differs, the rarer kinds (addenda, co-signatures, error marks) and
notes holding ultrasound images (whose bytes are hashed again) take the full check that
names what changed. Every link's Ed25519 signature is checked.
The chunk walks its own links; the caller joins the chunks (``ChainWalk.join``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import SignedRecordKind
from tpi_desk.services.integrity.canonical import link_hash, sha256_hex
from tpi_desk.services.integrity.chain_walk import ChainWalk, ChunkWalk, Finding
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.key_check import KeyCheck
from tpi_desk.services.integrity.link_rows import LinkRows, load_link_rows
from tpi_desk.services.integrity.note_text import note_format_of, note_text, people_texts
from tpi_desk.services.integrity.signature_check import check_in_detail, link_label


def check_link_chunk(db: Session, keys: KeyCheck, after: int, upto: int | None) -> ChunkWalk:
    """Check the links numbered ``after`` + 1 .. ``upto`` (None: to the end)."""
    rows = load_link_rows(db, after, upto)
    chunk = ChunkWalk()
    if not rows.links:
        return chunk
    detailed = [link.sequence for link in rows.links if not _as_signed(link, rows)]
    details = check_in_detail(db, detailed) if detailed else {}
    first = rows.links[0]
    chunk.first = (first.sequence, first.previous_hash, first.chain_hash)
    walk = ChainWalk(SIGNATURE_CHAIN, "signature", lambda sequence: f"signature #{sequence}")
    walk.last_sequence, walk.last_hash = first.sequence - 1, first.previous_hash  # joined later
    findings = chunk.findings
    for link in rows.links:
        kind = link.record_type
        chunk.by_kind[kind] = chunk.by_kind.get(kind, 0) + 1
        findings += walk.step(link.sequence, link.previous_hash, link.chain_hash)
        findings += details.get(link.sequence, ())
        problems = keys.problems(link, link_label(link))  # type: ignore[arg-type]  # a row
        findings += [Finding(SIGNATURE_CHAIN, problem) for problem in problems]
    chunk.last_sequence, chunk.last_hash = walk.last_sequence, walk.last_hash
    chunk.count = walk.count
    return chunk


def _as_signed(link: Row[Any], rows: LinkRows) -> bool:
    """Whether the link is a note whose rows write exactly its signed content (and whose
    hashes and columns agree); False sends it to the full check."""
    if link.record_type != SignedRecordKind.SESSION or link.record_id != link.session_id:
        return False
    note = rows.notes.get(link.session_id)
    content = link.content
    if (
        note is None
        or link.session_id in rows.with_images
        or note["status"] == NoteStatus.DRAFT
        or note["content_hash"] != link.content_hash
        or note["signed_by_id"] != link.signer_id
        or note["signed_at"] is None
        or note["signed_at"] != link.signed_at
        or sha256_hex(content) != link.content_hash
        or link_hash(link.previous_hash, link.content_hash) != link.chain_hash
    ):
        return False
    note_format = note_format_of(content)
    people = people_texts(content) if note_format is not None else None
    if note_format is None or people is None:
        return False
    values = note | {"session_id": note["id"], "signer_id": note["signed_by_id"]}
    sites = rows.sites.get(link.session_id, ())
    return bool(note_text(note_format, values, sites, people) == content)
