"""Checking one range of the signature chain (verify splits the chain into such chunks).

Each signed record is written from its rows straight into canonical text and compared with
the signed content: on SQLite by SQLite itself (note_sql.py for notes, record_sql.py for
addenda, co-signatures and error marks, a signed-note@4's images from their bytes by
note_images.py), elsewhere, and for any note SQLite's text does not match, in Python
(note_text.py); only a link that still differs, and on PostgreSQL the kinds besides notes
and notes holding images, take the full check that names what changed.
Every link's Ed25519 signature is checked.
The chunk walks its own links; the caller joins the chunks (``ChainWalk.join``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from hashlib import sha256
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Row
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import SignedRecordKind
from tpi_desk.services.integrity.canonical import link_hash, sha256_hex
from tpi_desk.services.integrity.chain_walk import ChainWalk, ChunkWalk, Finding
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.key_check import KeyCheck
from tpi_desk.services.integrity.link_rows import LinkRows, load_link_rows, notes_with_images
from tpi_desk.services.integrity.note_images import image_texts
from tpi_desk.services.integrity.note_sql import link_chunk_sql
from tpi_desk.services.integrity.note_text import note_format_of, note_text, people_texts
from tpi_desk.services.integrity.signature_check import check_in_detail, link_label
from tpi_desk.services.integrity.sql_canonical import IMAGES, same_note_text, writes_text


def check_link_chunk(db: Session, keys: KeyCheck, after: int, upto: int | None) -> ChunkWalk:
    """Check the links numbered ``after`` + 1 .. ``upto`` (None: to the end)."""
    links: Sequence[Any]
    if writes_text(db):
        links, as_signed = _written_by_sqlite(db, after, upto)
    else:
        rows = load_link_rows(db, after, upto)
        links = rows.links
        as_signed = {link.sequence for link in links if _as_signed(link, rows)}
    chunk = ChunkWalk()
    if not links:
        return chunk
    detailed = [link.sequence for link in links if link.sequence not in as_signed]
    details = check_in_detail(db, detailed) if detailed else {}
    first = links[0]
    chunk.first = (first.sequence, first.previous_hash, first.chain_hash)
    walk = ChainWalk(SIGNATURE_CHAIN, "signature", lambda sequence: f"signature #{sequence}")
    walk.last_sequence, walk.last_hash = first.sequence - 1, first.previous_hash  # joined later
    findings = chunk.findings
    chunk.by_kind.update(Counter(map(attrgetter("record_type"), links)))
    step, signed_validly = walk.step, keys.signed_validly
    for link in links:
        findings += step(link.sequence, link.previous_hash, link.chain_hash)
        if details:
            findings += details.get(link.sequence, ())
        if not signed_validly(link):
            problems = keys.problems(link, link_label(link))  # type: ignore[arg-type]  # a row
            findings += [Finding(SIGNATURE_CHAIN, problem) for problem in problems]
    chunk.last_sequence, chunk.last_hash = walk.last_sequence, walk.last_hash
    chunk.count = walk.count
    return chunk


class _Link(NamedTuple):
    """A link as the SQLite query reads it (the columns ``KeyCheck`` and the walk use)."""

    sequence: int
    record_type: SignedRecordKind
    record_id: int
    session_id: int
    signer_id: int
    content: str
    content_hash: str
    previous_hash: str
    chain_hash: str
    key_id: int | None
    signature: str | None


def _written_by_sqlite(db: Session, after: int, upto: int | None) -> tuple[list[_Link], set[int]]:
    """The range's links, and those whose record SQLite writes exactly as signed (with its
    hashes right); the other notes get the Python rebuild, then, if it differs, the full
    check, other kinds the full check directly."""
    sql = link_chunk_sql(after > 0, upto is not None)
    bounds = [bound for bound in (after if after > 0 else None, upto) if bound is not None]
    cursor = db.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(sql, bounds).fetchall()
        links = []
        as_signed = set()
        with_images: list[tuple[_Link, str]] = []  # signed-note@4 notes, their text to fill
        kinds = {kind.value: kind for kind in SignedRecordKind}
        for row in rows:
            *columns, rendered = row
            columns[1] = kinds.get(columns[1]) or SignedRecordKind(columns[1])
            link = _Link._make(columns)
            links.append(link)
            if rendered is not None and IMAGES in rendered:
                with_images.append((link, rendered))
            elif _same(link, rendered):
                as_signed.add(link.sequence)
        if with_images:
            texts = image_texts(cursor, {link.session_id for link, _ in with_images})
            as_signed.update(
                link.sequence
                for link, rendered in with_images
                if (images := texts.get(link.session_id)) is not None
                and rendered.count(IMAGES) == 1
                and _same(link, rendered.replace(IMAGES, images))
            )
    finally:
        cursor.close()
    # A note signed in a format without images that holds an image row takes the full
    # check, which names the images added after signing.
    note_ids = {
        link.session_id
        for link in links
        if link.sequence in as_signed and link.record_type is SignedRecordKind.SESSION
    }
    if note_ids:
        imaged = notes_with_images(db, min(note_ids), max(note_ids), note_ids)
        imaged_formats = {link.sequence for link, _ in with_images}
        as_signed.difference_update(
            link.sequence
            for link in links
            if link.session_id in imaged
            and link.record_type is SignedRecordKind.SESSION
            and link.sequence not in imaged_formats
        )
    # Notes whose SQLite text differs get the Python rebuild; other kinds (addenda,
    # co-signatures, marks) the full check directly, as the rebuild would send them.
    rebuilt = [
        link.sequence
        for link in links
        if link.sequence not in as_signed
        and link.record_type is SignedRecordKind.SESSION
        and link.record_id == link.session_id
    ]
    wanted = set(rebuilt)
    for first, last in _nearby(rebuilt):
        rows_read = load_link_rows(db, first - 1, last)
        as_signed.update(
            link.sequence
            for link in rows_read.links
            if link.sequence in wanted and _as_signed(link, rows_read)
        )
    return links, as_signed


def _same(link: _Link, rendered: str | None) -> bool:
    """Whether SQLite's ``rendered`` text is the link's signed content, with its hashes."""
    content, content_hash = link.content, link.content_hash
    return (
        same_note_text(rendered, content)
        and sha256(content.encode()).hexdigest() == content_hash
        and sha256((link.previous_hash + content_hash).encode()).hexdigest() == link.chain_hash
    )


_NEARBY = 64  # links read along rather than a separate read for each (six queries)


def _nearby(sequences: list[int]) -> list[tuple[int, int]]:
    """Ranges covering the ascending ``sequences``, one per group less than ``_NEARBY``
    apart: rows are read per range, never much beyond the links wanted."""
    ranges: list[tuple[int, int]] = []
    for sequence in sequences:
        if ranges and sequence - ranges[-1][1] < _NEARBY:
            ranges[-1] = (ranges[-1][0], sequence)
        else:
            ranges.append((sequence, sequence))
    return ranges


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
