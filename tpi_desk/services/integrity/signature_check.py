"""Checks the signature chain: every link's hashes, and every signed record re-serialised
from the database rows it signs (the content is what was signed, the rows are what is)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, raiseload, selectinload

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.audit import ChainHead
from tpi_desk.models.procedures import (
    Addendum,
    Cosignature,
    EnteredInErrorMark,
    InjectionSite,
    ProcedureSession,
    Signature,
    SignedRecordKind,
)
from tpi_desk.services.integrity.canonical import (
    canonical_instant,
    canonical_json,
    link_hash,
    sha256_hex,
)
from tpi_desk.services.integrity.chain_walk import (
    ChainTip,
    ChainWalk,
    ChunkRunner,
    Finding,
    Progress,
    chunk_ranges,
    no_progress,
)
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.integrity import (
    NOTE_FORMATS_WITH_IMAGES,
    READABLE_FORMATS,
    addendum_content,
    cosignature_content,
    error_mark_content,
    note_content,
)
from tpi_desk.services.integrity.key_check import KeyCheck
from tpi_desk.services.sessions.record_mapping import session_entry

BATCH_SIZE = 5_000  # links per chunk
_DETAIL_BATCH = 1_000
PROGRESS_LABEL = "Checking signatures"
# What re-serialising a note reads: its columns, its children and whether a co-signature was
# requested; never its people, signature or addenda (each checked through its own link).
_NOTE_AS_SIGNED = (
    selectinload(ProcedureSession.diagnoses),
    selectinload(ProcedureSession.findings),
    selectinload(ProcedureSession.images),
    selectinload(ProcedureSession.sites).selectinload(InjectionSite.medications),
    joinedload(ProcedureSession.cosign_request),
    raiseload("*"),
)
# Per kind: the content keys naming the record, the signer and the signing time.
_ID_KEYS = {
    SignedRecordKind.SESSION: ("session_id", "signer_id", "signed_at"),
    SignedRecordKind.ADDENDUM: ("addendum_id", "author_id", "signed_at"),
    SignedRecordKind.COSIGNATURE: ("cosignature_id", "cosigner_id", "cosigned_at"),
    SignedRecordKind.ENTERED_IN_ERROR: ("mark_id", "marked_by_id", "marked_at"),
}


@dataclass(slots=True)
class SignatureTally:
    """How many links of each kind were checked."""

    by_kind: dict[SignedRecordKind, int] = field(default_factory=dict)

    def add(self, kind: SignedRecordKind) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def check_signature_chain(
    db: Session, chunks: ChunkRunner, progress: Progress = no_progress
) -> tuple[list[Finding], SignatureTally, ChainTip]:
    """Walk the signature chain in order; findings name each altered or removed record.

    The chain is checked in chunks of ``BATCH_SIZE`` links by ``chunks`` (side by side in
    worker processes for a large database) and joined here in order."""
    walk = ChainWalk(SIGNATURE_CHAIN, "signature", lambda sequence: f"signature #{sequence}")
    tally = SignatureTally()
    keys = KeyCheck.load(db)
    findings = [Finding(SIGNATURE_CHAIN, problem) for problem in keys.key_problems()]
    head = db.get(ChainHead, SIGNATURE_CHAIN)
    total = head.sequence if head is not None else 0
    progress(PROGRESS_LABEL, 0, total)
    for chunk in chunks.links(keys, chunk_ranges(total, BATCH_SIZE)):
        findings += walk.join(chunk)
        for kind, count in chunk.by_kind.items():
            kind = SignedRecordKind(kind)
            tally.by_kind[kind] = tally.by_kind.get(kind, 0) + count
        progress(PROGRESS_LABEL, walk.count, max(total, walk.count))
    head = db.get(ChainHead, SIGNATURE_CHAIN)
    findings += walk.finish(head.sequence if head else None, head.hash if head else None)
    return findings, tally, ChainTip(walk.last_sequence, walk.last_hash)


def check_in_detail(db: Session, sequences: Sequence[int]) -> dict[int, list[Finding]]:
    """The findings of each link numbered in ``sequences``, comparing every field (its
    Ed25519 signature aside): for the links whose rows do not write their content exactly."""
    found: dict[int, list[Finding]] = {}
    for start in range(0, len(sequences), _DETAIL_BATCH):
        wanted = sequences[start : start + _DETAIL_BATCH]
        batch = db.scalars(
            select(Signature).where(Signature.sequence.in_(wanted)).order_by(Signature.sequence)
        ).all()
        records = _Records.load(db, batch)
        for signature in batch:
            found[signature.sequence] = _check_link(signature, records)
        db.expunge_all()  # keep memory flat however many links differ
    return found


@dataclass(frozen=True, slots=True)
class _Records:
    """The rows a batch of links signs, loaded together."""

    sessions: dict[int, ProcedureSession]
    addenda: dict[int, Addendum]
    cosignatures: dict[int, Cosignature]
    marks: dict[int, EnteredInErrorMark]

    @classmethod
    def load(cls, db: Session, batch: Sequence[Signature]) -> _Records:
        def ids(kind: SignedRecordKind) -> list[int]:
            return [s.record_id for s in batch if s.record_type is kind]

        session_ids = sorted({s.session_id for s in batch} | set(ids(SignedRecordKind.SESSION)))
        return cls(
            sessions=_notes(db, session_ids),
            addenda=_by_id(db, Addendum, ids(SignedRecordKind.ADDENDUM)),
            cosignatures=_by_id(db, Cosignature, ids(SignedRecordKind.COSIGNATURE)),
            marks=_by_id(db, EnteredInErrorMark, ids(SignedRecordKind.ENTERED_IN_ERROR)),
        )


def _notes(db: Session, ids: list[int]) -> dict[int, ProcedureSession]:
    if not ids:
        return {}
    query = select(ProcedureSession).where(ProcedureSession.id.in_(ids)).options(*_NOTE_AS_SIGNED)
    return {row.id: row for row in db.scalars(query)}


def _by_id(db: Session, model: Any, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.scalars(select(model).where(model.id.in_(ids)))}


def link_label(signature: Signature) -> str:
    at = f"signature #{signature.sequence}"
    kind = signature.record_type
    if kind is SignedRecordKind.SESSION:
        return f"signed note #{signature.record_id} ({at})"
    if kind is SignedRecordKind.ADDENDUM:
        return f"addendum #{signature.record_id} of note #{signature.session_id} ({at})"
    if kind is SignedRecordKind.COSIGNATURE:
        return f"co-signature of note #{signature.session_id} ({at})"
    return f"entered-in-error mark of note #{signature.session_id} ({at})"


def _check_link(signature: Signature, records: _Records) -> list[Finding]:
    label = link_label(signature)
    problems = []
    if sha256_hex(signature.content) != signature.content_hash:
        problems.append(f"{label}: its signed content was altered outside the app")
    if link_hash(signature.previous_hash, signature.content_hash) != signature.chain_hash:
        problems.append(f"{label}: its chain hash was altered outside the app")
    stored = _parse(signature.content)
    if stored is None or stored.get("format") not in READABLE_FORMATS[signature.record_type]:
        problems.append(f"{label}: its signed content is unreadable (altered outside the app)")
        return [Finding(SIGNATURE_CHAIN, problem) for problem in problems]
    if not _columns_agree(signature, stored):
        problems.append(f"{label}: its signature record was altered outside the app")
    problems += _compare_record(signature, stored, records, label)
    return [Finding(SIGNATURE_CHAIN, problem) for problem in problems]


def _parse(content: str) -> dict[str, Any] | None:
    try:
        value = json.loads(content, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _columns_agree(signature: Signature, stored: dict[str, Any]) -> bool:
    record_key, signer_key, time_key = _ID_KEYS[signature.record_type]
    return (
        stored.get(record_key) == signature.record_id
        and stored.get(signer_key) == signature.signer_id
        and stored.get(time_key) == canonical_instant(signature.signed_at)
        and stored.get("session_id") == signature.session_id
    )


def _compare_record(
    signature: Signature, stored: dict[str, Any], records: _Records, label: str
) -> list[str]:
    note = records.sessions.get(signature.session_id)
    kind = signature.record_type
    if kind is SignedRecordKind.SESSION:
        if note is None:
            return [f"{label} was removed outside the app"]
        problems = []
        if note.status is NoteStatus.DRAFT:
            problems.append(f"{label} was turned back into a draft outside the app")
        live = _live_note(note, stored)
        differing = _differences(live, stored, signature.content)
        if note.content_hash != signature.content_hash:
            differing.append("content hash")
        if note.images and stored["format"] not in NOTE_FORMATS_WITH_IMAGES:
            # Signed in a format without images: any image row came later.
            differing.append("ultrasound images added after signing")
        if differing:
            problems.append(f"{label} was altered outside the app ({', '.join(differing)})")
        return problems
    found: dict[SignedRecordKind, dict[int, Any]] = {
        SignedRecordKind.ADDENDUM: records.addenda,
        SignedRecordKind.COSIGNATURE: records.cosignatures,
        SignedRecordKind.ENTERED_IN_ERROR: records.marks,
    }
    record = found[kind].get(signature.record_id)
    if record is None:
        return [f"{label} was removed outside the app"]
    note_hash = note.content_hash if note is not None else None
    live = _live_record(kind, record, stored, note_hash)
    problems = []
    if kind is SignedRecordKind.ENTERED_IN_ERROR and (
        note is None or note.status is not NoteStatus.ENTERED_IN_ERROR
    ):
        problems.append(f"{label}: the note's entered-in-error status was undone outside the app")
    differing = _differences(live, stored, signature.content)
    if differing:
        problems.append(f"{label} was altered outside the app ({', '.join(differing)})")
    return problems


def _live_note(note: ProcedureSession, stored: dict[str, Any]) -> dict[str, object]:
    """The note as its rows are now; people's facts as they were signed (see integrity)."""
    if note.signed_at is None or note.signed_by_id is None:
        return {"format": "missing signer or signing time"}
    return note_content(
        session_id=note.id,
        patient_id=note.patient_id,
        patient=_part(stored, "patient"),
        provider_id=note.provider_id,
        provider=_part(stored, "provider"),
        entry=session_entry(note),
        signer_id=note.signed_by_id,
        signer=_part(stored, "signer"),
        signed_at=note.signed_at,
        cosign_required=note.cosign_request is not None,
        note_format=str(stored["format"]),
    )


def _live_record(
    kind: SignedRecordKind, record: Any, stored: dict[str, Any], note_hash: str | None
) -> dict[str, object]:
    if kind is SignedRecordKind.ADDENDUM:
        return addendum_content(
            addendum_id=record.id,
            session_id=record.session_id,
            author_id=record.author_id,
            author=_part(stored, "author"),
            text=record.text,
            created_at=record.created_at,
            signed_at=record.signed_at,
            note_content_hash=note_hash,
        )
    if kind is SignedRecordKind.COSIGNATURE:
        return cosignature_content(
            cosignature_id=record.id,
            session_id=record.session_id,
            cosigner_id=record.cosigner_id,
            cosigner=_part(stored, "cosigner"),
            cosigned_at=record.cosigned_at,
            note_content_hash=note_hash,
        )
    return error_mark_content(
        mark_id=record.id,
        session_id=record.session_id,
        marked_by_id=record.marked_by_id,
        marked_by=_part(stored, "marked_by"),
        marked_at=record.marked_at,
        reason=record.reason,
        note_content_hash=note_hash,
    )


def _part(stored: dict[str, Any], key: str) -> dict[str, Any]:
    value = stored.get(key)
    return value if isinstance(value, dict) else {}


def _differences(live: dict[str, Any], stored: dict[str, Any], content: str) -> list[str]:
    """The keys whose canonical text differs; none when the live record's canonical text is
    the signed ``content`` itself (the usual case, one serialisation instead of a walk)."""
    if _text(live) == content:
        return []
    return _differing_keys(live, stored)


def _differing_keys(live: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The keys (one level into ``session``) whose canonical text differs."""
    differing = []
    for key in sorted(set(live) | set(stored)):
        mine, theirs = live.get(key), stored.get(key)
        if key == "session" and isinstance(mine, dict) and isinstance(theirs, dict):
            differing += [f"session {name}" for name in _differing_keys(mine, theirs)]
        elif _text(mine) != _text(theirs):
            differing.append(key.replace("_", " "))
    return differing


def _text(value: object) -> str:
    try:
        return canonical_json(value)
    except (TypeError, ValueError):
        return repr(value)
