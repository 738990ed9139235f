"""The images of signed-note@4 notes as their signed text holds them, read for a chunk of
the signature chain in one query (verify's fast path on SQLite).

Each image is written from its row with the SHA-256 of its bytes, computed here (never the
stored column), as signing writes it (``entry_part_v4``). Only rows stored exactly as the
app stores them are written (bytes as a blob, text as text, sizes as integers, positions
0, 1, 2 ... in order); a note with any other row gets no text and takes the full check,
which names what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from hashlib import sha256
from typing import Any

from tpi_desk.services.integrity.canonical import canonical_json

# Bytes stored as text (which may not decode) are read as NULL: not as the app stores them.
_QUERY = (
    "SELECT session_id, position, file_name, media_type, "
    "CASE typeof(content) WHEN 'blob' THEN content END, width, height "
    "FROM session_images WHERE session_id IN (SELECT value FROM json_each(?)) "
    "ORDER BY session_id, position, id"
)


def image_texts(cursor: Any, session_ids: Iterable[int]) -> dict[int, str | None]:
    """Per note of ``session_ids``: its images' canonical text (``[]`` for none), or None
    for a note with a row not stored as the app stores it. ``cursor``: SQLite's own."""
    images: dict[int, list[dict[str, object]] | None] = {
        session_id: [] for session_id in session_ids
    }
    rows = cursor.execute(_QUERY, [json.dumps(sorted(images))]).fetchall()
    for session_id, position, file_name, media_type, content, width, height in rows:
        found = images.get(session_id)
        if found is None:
            continue
        if not (
            type(position) is int
            and position == len(found)
            and type(file_name) is str
            and type(media_type) is str
            and type(content) is bytes
            and type(width) is int
            and type(height) is int
        ):
            images[session_id] = None
            continue
        found.append(
            {
                "sha256": sha256(content).hexdigest(),
                "media_type": media_type,
                "file_name": file_name,
                "width": width,
                "height": height,
            }
        )
    return {
        session_id: None if found is None else canonical_json(found)
        for session_id, found in images.items()
    }
