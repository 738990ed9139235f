"""The links besides plain notes a clinic's signature chain holds, added to a demo database
for the `verify` benchmark: addenda, physicians' co-signatures of nurse practitioners'
notes, entered-in-error marks, and notes holding ultrasound images (signed-note@4).

Demo data signs plain notes only. Here, on a scratch copy with its triggers dropped, a
seeded share of the notes gets each (``SHARES``), written as the app writes them: the
records' rows, their content from the app's own content functions, the images' rows with
their bytes, a re-signed @4 content for a note with images (its row's content hash too),
and an error mark's note set entered in error. The chain is then rebuilt in time order
(each new link where its time puts it) with every hash recomputed; the Ed25519 signatures
and audit entries are added afterwards (verify_bench_data.py).
"""

from __future__ import annotations

import heapq
import json
import random
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from hashlib import sha256
from typing import Any

from tpi_desk.services.integrity.canonical import GENESIS_HASH, canonical_json, link_hash
from tpi_desk.services.integrity.integrity import (
    NOTE_FORMAT_V4,
    addendum_content,
    cosignature_content,
    error_mark_content,
)

# The share of notes given each (a co-signature: of a nurse practitioner's notes).
SHARES = {"addendum": 0.03, "cosignature": 0.1, "mark": 0.01, "images": 0.03}
IMAGES_PER_NOTE = 2
_IMAGE_SIZE = (320, 240)  # grayscale pixels: about 77 kB a file, as a retained still
_STORED = "%Y-%m-%d %H:%M:%S.%f"  # an instant as the app stores it on SQLite
_LINK_COLUMNS = (
    "id", "sequence", "record_type", "record_id", "session_id", "signer_id", "signed_at",
    "content", "content_hash", "previous_hash", "chain_hash",
)  # fmt: skip


def add_clinic_mix(connection: sqlite3.Connection, seed: int = 13) -> dict[str, int]:
    """Add the mix to the database open on ``connection`` (its triggers dropped); how many
    of each were added."""
    rng = random.Random(seed)
    people = _people(connection)
    physicians = [user_id for user_id, (role, _) in people.items() if role == "physician"]
    images = [_png(rng) for _ in range(4)]
    added = dict.fromkeys(SHARES, 0)
    new_links: list[tuple[str, str, int, int, int, str]] = []  # kind, at, ids, content
    ids = {"addendum": 0, "cosignature": 0, "mark": 0}
    rewritten: list[tuple[int, str, str]] = []  # link id, content, hash
    notes = connection.execute(
        "SELECT id, session_id, signer_id, signed_at, content FROM signatures "
        "WHERE record_type = 'session' ORDER BY sequence"
    ).fetchall()
    for link_id, session_id, signer_id, signed_at, content in notes:
        note_hash = sha256(content.encode()).hexdigest()
        if rng.random() < SHARES["images"]:
            content, note_hash = _with_images(connection, session_id, content, images, rng)
            rewritten.append((link_id, content, note_hash))
            added["images"] += 1
        at = datetime.strptime(signed_at, _STORED).replace(tzinfo=UTC)
        if rng.random() < SHARES["addendum"]:
            ids["addendum"] += 1
            new_links.append(
                _addendum(connection, ids["addendum"], session_id, signer_id, at, note_hash, people)
            )
            added["addendum"] += 1
        others = [p for p in physicians if p != signer_id]
        is_np = people[signer_id][0] == "nurse_practitioner"
        if is_np and others and rng.random() < SHARES["cosignature"]:
            ids["cosignature"] += 1
            new_links.append(
                _cosignature(
                    connection,
                    ids["cosignature"],
                    session_id,
                    rng.choice(others),
                    at,
                    note_hash,
                    people,
                )
            )
            added["cosignature"] += 1
        if rng.random() < SHARES["mark"]:
            ids["mark"] += 1
            new_links.append(
                _mark(connection, ids["mark"], session_id, signer_id, at, note_hash, people)
            )
            added["mark"] += 1
    connection.executemany(
        "UPDATE signatures SET content = ?, content_hash = ? WHERE id = ?",
        [(content, content_hash, link_id) for link_id, content, content_hash in rewritten],
    )
    _rebuild_chain(connection, sorted(new_links))
    return added


def _people(connection: sqlite3.Connection) -> dict[int, tuple[str, dict[str, object]]]:
    """Each user's role and facts as addenda, co-signatures and marks hold them."""
    rows = connection.execute(
        "SELECT id, role, username, display_name, credentials, npi FROM users"
    )
    return {
        user_id: (
            role,
            {"username": name, "display_name": display, "credentials": cred, "npi": npi},
        )
        for user_id, role, name, display, cred, npi in rows
    }


def _png(rng: random.Random) -> tuple[bytes, int, int]:
    """A grayscale PNG of noise (it compresses as little as an ultrasound still)."""
    width, height = _IMAGE_SIZE
    raw = b"".join(b"\x00" + rng.randbytes(width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    return png + chunk(b"IEND", b""), width, height


def _with_images(
    connection: sqlite3.Connection,
    session_id: int,
    content: str,
    images: list[tuple[bytes, int, int]],
    rng: random.Random,
) -> tuple[str, str]:
    """Give the note image rows; its content re-signed in @4 (and its row's hash)."""
    signed = json.loads(content, parse_float=Decimal)
    parts = []
    for position in range(IMAGES_PER_NOTE):
        data, width, height = rng.choice(images)
        digest = sha256(data).hexdigest()
        name = f"still-{position + 1}.png"
        connection.execute(
            "INSERT INTO session_images (session_id, position, file_name, media_type, content, "
            "sha256, width, height, dicom_patient_name, dicom_patient_id) "
            "VALUES (?, ?, ?, 'image/png', ?, ?, ?, ?, '', '')",
            (session_id, position, name, data, digest, width, height),
        )
        parts.append(
            {
                "sha256": digest,
                "media_type": "image/png",
                "file_name": name,
                "width": width,
                "height": height,
            }
        )
    signed["format"] = NOTE_FORMAT_V4
    signed["session"]["ultrasound"]["images"] = parts
    text = canonical_json(signed)
    content_hash = sha256(text.encode()).hexdigest()
    connection.execute(
        "UPDATE procedure_sessions SET content_hash = ? WHERE id = ?", (content_hash, session_id)
    )
    return text, content_hash


def _stored(at: datetime) -> str:
    return at.strftime(_STORED)


def _addendum(
    connection: sqlite3.Connection, record_id: int, session_id: int, author_id: int,
    at: datetime, note_hash: str, people: dict[int, tuple[str, dict[str, object]]],
) -> tuple[str, str, int, int, int, str]:  # fmt: skip
    created, signed = at + timedelta(days=2), at + timedelta(days=2, minutes=3)
    text = "Patient called: soreness resolved within 48 hours, no bruising."
    connection.execute(
        "INSERT INTO addenda (id, session_id, author_id, created_at, text, signed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (record_id, session_id, author_id, _stored(created), text, _stored(signed)),
    )
    content = addendum_content(
        addendum_id=record_id, session_id=session_id, author_id=author_id,
        author=people[author_id][1], text=text, created_at=created, signed_at=signed,
        note_content_hash=note_hash,
    )  # fmt: skip
    return _stored(signed), "addendum", record_id, session_id, author_id, canonical_json(content)


def _cosignature(
    connection: sqlite3.Connection, record_id: int, session_id: int, cosigner_id: int,
    at: datetime, note_hash: str, people: dict[int, tuple[str, dict[str, object]]],
) -> tuple[str, str, int, int, int, str]:  # fmt: skip
    cosigned = at + timedelta(days=1, hours=2)
    connection.execute(
        "INSERT INTO cosignatures (id, session_id, cosigner_id, cosigned_at) VALUES (?, ?, ?, ?)",
        (record_id, session_id, cosigner_id, _stored(cosigned)),
    )
    content = cosignature_content(
        cosignature_id=record_id, session_id=session_id, cosigner_id=cosigner_id,
        cosigner=people[cosigner_id][1], cosigned_at=cosigned, note_content_hash=note_hash,
    )  # fmt: skip
    return (
        _stored(cosigned), "cosignature", record_id, session_id, cosigner_id,
        canonical_json(content),
    )  # fmt: skip


def _mark(
    connection: sqlite3.Connection, record_id: int, session_id: int, marker_id: int,
    at: datetime, note_hash: str, people: dict[int, tuple[str, dict[str, object]]],
) -> tuple[str, str, int, int, int, str]:  # fmt: skip
    marked = at + timedelta(days=3)
    reason = "Documented on the wrong patient's chart."
    connection.execute(
        "INSERT INTO entered_in_error_marks (id, session_id, marked_by_id, marked_at, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        (record_id, session_id, marker_id, _stored(marked), reason),
    )
    connection.execute(
        "UPDATE procedure_sessions SET status = 'entered_in_error' WHERE id = ?", (session_id,)
    )
    content = error_mark_content(
        mark_id=record_id, session_id=session_id, marked_by_id=marker_id,
        marked_by=people[marker_id][1], marked_at=marked, reason=reason,
        note_content_hash=note_hash,
    )  # fmt: skip
    kind = "entered_in_error"
    return _stored(marked), kind, record_id, session_id, marker_id, canonical_json(content)


def _rebuild_chain(
    connection: sqlite3.Connection, new_links: list[tuple[str, str, int, int, int, str]]
) -> None:
    """Every link, old and new, in time order, renumbered and rehashed from the start."""
    connection.execute("PRAGMA legacy_alter_table = ON")  # references stay on 'signatures'
    connection.execute("ALTER TABLE signatures RENAME TO signatures_before")
    table, *indexes = [
        sql.replace('"signatures_before"', "signatures").replace("signatures_before", "signatures")
        for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'signatures_before' "
            "AND sql IS NOT NULL ORDER BY type = 'index'"
        ).fetchall()
    ]
    connection.execute(table)
    old = connection.execute(
        "SELECT signed_at, record_type, record_id, session_id, signer_id, content "
        "FROM signatures_before ORDER BY sequence"
    )
    previous = GENESIS_HASH
    batch: list[tuple[Any, ...]] = []
    sequence = 0
    for at, kind, record_id, session_id, signer_id, content in _merged(old, new_links):
        sequence += 1
        content_hash = sha256(content.encode()).hexdigest()
        chain_hash = link_hash(previous, content_hash)
        batch.append(
            (sequence, kind, record_id, session_id, signer_id, at, content, content_hash,
             previous, chain_hash)
        )  # fmt: skip
        previous = chain_hash
        if len(batch) >= 5_000:
            _insert(connection, batch)
            batch = []
    _insert(connection, batch)
    connection.execute("DROP TABLE signatures_before")  # and its indexes, made again here
    for sql in indexes:
        connection.execute(sql)
    connection.execute(
        "UPDATE chain_heads SET sequence = ?, hash = ? WHERE name = 'signatures'",
        (sequence, previous),
    )


def _merged(
    old: Iterator[tuple[Any, ...]], new_links: list[tuple[str, str, int, int, int, str]]
) -> Iterator[tuple[Any, ...]]:
    """The old links in their order, each new one after the links signed before it."""
    return heapq.merge(old, iter(new_links), key=lambda link: link[0])


def _insert(connection: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
    connection.executemany(
        f"INSERT INTO signatures ({', '.join(_LINK_COLUMNS[1:])}) "
        f"VALUES ({', '.join('?' * (len(_LINK_COLUMNS) - 1))})",
        batch,
    )
