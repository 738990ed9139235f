"""Signs the demo data's past notes as a clinician's signature does: content hash and a link
in the signature chain, so `tpi-desk verify` finds a demo database intact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.engine import UnitOfWorkSession
from tpi_desk.models.procedures import CosignRequest, SignedRecordKind
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.integrity import append_signature, signed_note_content
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import load_session_rows, session_record
from tpi_desk.services.settings.clinic_settings import require_physician_cosign
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

# Notes signed per transaction: loaded together (six queries), each signed, one commit.
BATCH_SIZE = 250


@dataclass(frozen=True, slots=True)
class DemoSignature:
    """A demo draft to sign, by its provider, at ``signed_at``."""

    session_id: int
    signed_at: datetime


def sign_demo_notes(engine: Engine, signatures: Sequence[DemoSignature]) -> None:
    """Sign the drafts ``signatures`` name, oldest signature first (the chain's order)."""
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=UnitOfWorkSession, expire_on_commit=False
    )
    ordered = sorted(signatures, key=lambda s: (s.signed_at, s.session_id))
    for start in range(0, len(ordered), BATCH_SIZE):
        batch = ordered[start : start + BATCH_SIZE]
        run_unit_of_work(factory, "sign the demo notes", partial(_sign_batch, batch=batch))


def _sign_batch(db: Session, *, batch: Sequence[DemoSignature]) -> None:
    rows = load_session_rows(db, [signature.session_id for signature in batch])
    clinic_requires_cosign = require_physician_cosign(db)
    for signature in batch:
        row = rows[signature.session_id]
        signer = row.provider
        cosign_required = clinic_requires_cosign and signer.role is not Role.PHYSICIAN
        content = signed_note_content(
            session_record(row),
            provider_record(signer),
            signed_at=signature.signed_at,
            cosign_required=cosign_required,
        )
        row.status = NoteStatus.SIGNED
        row.signed_at = signature.signed_at
        row.signed_by = signer
        row.content_hash = sha256_hex(canonical_json(content))
        row.updated_at = signature.signed_at
        db.flush()
        if cosign_required:
            db.add(CosignRequest(session_id=row.id, requested_at=signature.signed_at))
        append_signature(
            db,
            SignedRecordKind.SESSION,
            record_id=row.id,
            session_id=row.id,
            signer_id=signer.id,
            signed_at=signature.signed_at,
            content=content,
        )
