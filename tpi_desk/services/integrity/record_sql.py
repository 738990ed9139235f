"""The canonical text of an addendum, a co-signature or an entered-in-error mark written by
SQLite (as note_sql.py writes a note's), for verify's fast path on SQLite.

Each kind's text is a template made by ``canonical_json`` from the content its signing
writes (integrity.py), so key order cannot drift: every value a slot filled with the
record's column, the note's content hash (the note the link names), and the person (author,
co-signer, marker) as a ``PERSON`` mark, copied from the stored content as the full check
copies it. A record whose columns disagree with its link's (another note, signer or time),
or an error mark whose note is no longer entered in error, gets no text (NULL): the link
takes the full check, which names what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import (
    Addendum,
    Cosignature,
    EnteredInErrorMark,
    ProcedureSession,
    SignedRecordKind,
)
from tpi_desk.services.integrity.integrity import (
    addendum_content,
    cosignature_content,
    error_mark_content,
)
from tpi_desk.services.integrity.note_text import slot, text_template
from tpi_desk.services.integrity.sql_canonical import (
    PERSON,
    column_sql,
    sql_string,
    template_sql,
)

_SOME_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # any value: only the content's keys are used


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind's table (``r`` in the query), the content its signing writes, and how."""

    table: Any
    content: Callable[..., dict[str, object]]
    # The content's keys read from the record's columns: the first from ``id``, the others
    # from the column of the same name.
    keys: tuple[str, ...]
    person: str  # the key holding the person, copied from the stored content
    signer: str  # the record's columns the link repeats as ``signer_id`` and ``signed_at``
    signed_at: str

    def columns(self) -> dict[str, str]:
        return {key: "id" if index == 0 else key for index, key in enumerate(self.keys)}


_KINDS = {
    SignedRecordKind.ADDENDUM: _Kind(
        Addendum.__table__,
        addendum_content,
        ("addendum_id", "session_id", "author_id", "text", "created_at", "signed_at"),
        "author",
        "author_id",
        "signed_at",
    ),
    SignedRecordKind.COSIGNATURE: _Kind(
        Cosignature.__table__,
        cosignature_content,
        ("cosignature_id", "session_id", "cosigner_id", "cosigned_at"),
        "cosigner",
        "cosigner_id",
        "cosigned_at",
    ),
    SignedRecordKind.ENTERED_IN_ERROR: _Kind(
        EnteredInErrorMark.__table__,
        error_mark_content,
        ("mark_id", "session_id", "marked_by_id", "marked_at", "reason"),
        "marked_by",
        "marked_by_id",
        "marked_at",
    ),
}


def _template(kind: _Kind) -> str:
    """The kind's text as a template: its signing's content with every value a slot."""
    arguments: dict[str, object] = {"note_content_hash": None, kind.person: {}}
    for key in kind.keys:
        if key.endswith("_at"):
            arguments[key] = _SOME_TIME
        else:
            arguments[key] = "" if key in ("text", "reason") else 0
    content = kind.content(**arguments)
    return text_template(
        {key: value if key == "format" else slot(key) for key, value in content.items()}
    )


def record_text_sql(record_type: SignedRecordKind) -> str:
    """An SQL expression for the text of link ``l``'s record of ``record_type`` (the note it
    names joined as ``n``), with a ``PERSON`` mark for the person; NULL when the record is
    missing or disagrees with the link."""
    kind = _KINDS[record_type]
    columns = kind.table.c
    slots = {
        key: column_sql(columns[name].type, f"r.{name}") for key, name in kind.columns().items()
    }
    slots[kind.person] = f"char({ord(PERSON)})"
    note_hash = ProcedureSession.__table__.c.content_hash
    slots["note_content_hash"] = column_sql(note_hash.type, "n.content_hash")
    agrees = [
        "r.session_id = l.session_id",
        f"r.{kind.signer} = l.signer_id",
        f"r.{kind.signed_at} = l.signed_at",
    ]
    if record_type is SignedRecordKind.ENTERED_IN_ERROR:  # else: "status was undone"
        agrees.append(f"n.status = {sql_string(NoteStatus.ENTERED_IN_ERROR.value)}")
    return (
        f"(SELECT CASE WHEN {' AND '.join(agrees)} THEN "
        f"{template_sql(_template(kind), slots)} END "
        f"FROM {kind.table.name} r WHERE r.id = l.record_id)"
    )


def record_kinds() -> tuple[SignedRecordKind, ...]:
    """The kinds besides notes whose text SQLite writes."""
    return tuple(_KINDS)
