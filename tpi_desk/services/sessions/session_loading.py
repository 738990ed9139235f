"""Loads a whole session row with its children and addenda, and a patient's prior sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tpi_desk.clinical.record import NoteStatus, PriorSession, ProcedureKind, Side
from tpi_desk.models.procedures import (
    Addendum,
    Cosignature,
    EnteredInErrorMark,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
)
from tpi_desk.services.dto import AddendumRecord, SessionRecord
from tpi_desk.services.errors import NotFound
from tpi_desk.services.integrity.signed_people import people_as_signed
from tpi_desk.services.sessions.record_mapping import patient_record, provider_record, session_entry

# Payer rules look back a rolling year; a little more covers leap years and time zones.
HISTORY_WINDOW = timedelta(days=367)
# Later sessions the same day: a day and a bit, whatever the time zones of the two moments.
SAME_DAY_WINDOW = timedelta(days=1, hours=14)

# One query for the session and everything that is one-per-session (joined), then one per
# collection: seven round trips whatever the note holds, its images' bytes included (eleven
# with a selectin per relationship, about twice as slow; every save and signature loads a
# note). Lists and overviews never use it, so they never read an image.
_WHOLE_SESSION = (
    joinedload(ProcedureSession.patient),
    joinedload(ProcedureSession.provider),
    joinedload(ProcedureSession.signed_by),
    joinedload(ProcedureSession.signature),
    joinedload(ProcedureSession.cosign_request),
    joinedload(ProcedureSession.cosignature).joinedload(Cosignature.cosigner),
    joinedload(ProcedureSession.error_mark).joinedload(EnteredInErrorMark.marked_by),
    selectinload(ProcedureSession.diagnoses),
    selectinload(ProcedureSession.findings),
    selectinload(ProcedureSession.images),
    selectinload(ProcedureSession.sites).selectinload(InjectionSite.medications),
    # Oldest first (created_at, id): the relationship's own order.
    selectinload(ProcedureSession.addenda).joinedload(Addendum.author),
    selectinload(ProcedureSession.addenda).joinedload(Addendum.signature),
)
# Built once: SQLAlchemy then computes its cache key once, not on every load.
_ONE_WHOLE_SESSION = (
    select(ProcedureSession)
    .where(ProcedureSession.id == bindparam("session_id"))
    .options(*_WHOLE_SESSION)
)


def load_session_row(db: Session, session_id: int) -> ProcedureSession:
    row = db.scalar(_ONE_WHOLE_SESSION, {"session_id": session_id})
    if row is None:
        raise NotFound(f"Session #{session_id} does not exist.")
    return row


def load_session_rows(db: Session, session_ids: Sequence[int]) -> dict[int, ProcedureSession]:
    """Whole sessions by id (as ``load_session_row`` loads one); missing ids are left out."""
    if not session_ids:
        return {}
    query = (
        select(ProcedureSession)
        .where(ProcedureSession.id.in_(session_ids))
        .options(*_WHOLE_SESSION)
    )
    return {row.id: row for row in db.scalars(query)}


def session_record(row: ProcedureSession) -> SessionRecord:
    """The record of a session loaded with ``load_session_row`` (everything eager).

    A signed note names its patient, provider and signer as they were when it was signed.
    """
    signature, cosignature, mark = row.signature, row.cosignature, row.error_mark
    provider = provider_record(row.provider)
    signed_by = row.signed_by.display_name if row.signed_by is not None else None
    signed_by_credentials = row.signed_by.credentials if row.signed_by is not None else None
    patient = patient_record(row.patient)
    people = people_as_signed(signature.content, patient.facts) if signature else None
    if people is not None:
        provider = replace(provider, facts=people.provider)
        signed_by, signed_by_credentials = people.signer.display_name, people.signer.credentials
        if people.patient is not None:  # the demographics the signed note attests
            patient = replace(patient, facts=people.patient)
    return SessionRecord(
        id=row.id,
        version=row.version,
        status=row.status,
        patient=patient,
        provider=provider,
        entry=session_entry(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        signed_at=row.signed_at,
        signed_by=signed_by,
        content_hash=row.content_hash,
        addenda=tuple(addendum_record(addendum) for addendum in row.addenda),
        signed_by_credentials=signed_by_credentials,
        signature_sequence=signature.sequence if signature is not None else None,
        chain_hash=signature.chain_hash if signature is not None else None,
        cosign_required=row.cosign_request is not None,
        cosigned_at=cosignature.cosigned_at if cosignature is not None else None,
        cosigned_by=cosignature.cosigner.display_name if cosignature is not None else None,
        cosigned_by_credentials=cosignature.cosigner.credentials if cosignature else None,
        entered_in_error_at=mark.marked_at if mark is not None else None,
        entered_in_error_by=mark.marked_by.display_name if mark is not None else None,
        entered_in_error_reason=mark.reason if mark is not None else None,
    )


def addendum_record(row: Addendum) -> AddendumRecord:
    """An addendum with its author and signature (``author``, ``signature`` loaded)."""
    signature = row.signature
    return AddendumRecord(
        id=row.id,
        session_id=row.session_id,
        author_name=row.author.display_name,
        author_credentials=row.author.credentials,
        created_at=row.created_at,
        signed_at=row.signed_at,
        text=row.text,
        content_hash=signature.content_hash if signature is not None else None,
        signature_sequence=signature.sequence if signature is not None else None,
    )


def prior_sessions(
    db: Session, patient_id: int, before: datetime, *, exclude_session_id: int | None
) -> tuple[PriorSession, ...]:
    """The patient's other sessions (not entered in error): those of the year before
    ``before``, and those later on the same day (the once-per-day coding rules count them)."""
    query = (
        select(
            ProcedureSession.id,
            ProcedureSession.performed_at,
            ProcedureSession.kind,
            ProcedureSession.status,
            InjectionSite.muscle_id,
            InjectionSite.side,
        )
        .outerjoin(InjectionSite, InjectionSite.session_id == ProcedureSession.id)
        .where(
            ProcedureSession.patient_id == patient_id,
            ProcedureSession.performed_at >= before - HISTORY_WINDOW,
            ProcedureSession.performed_at < before + SAME_DAY_WINDOW,
            ProcedureSession.status != NoteStatus.ENTERED_IN_ERROR,
        )
    )
    if exclude_session_id is not None:
        query = query.where(ProcedureSession.id != exclude_session_id)
    sessions: dict[int, tuple[datetime, ProcedureKind, NoteStatus, set[tuple[str, Side]]]] = {}
    for session_id, performed_at, kind, status, muscle_id, side in db.execute(query):
        found = sessions.setdefault(session_id, (performed_at, kind, status, set()))
        if muscle_id is not None:
            found[3].add((muscle_id, side))
    doses = _drug_doses(db, tuple(sessions))
    return tuple(
        PriorSession(
            performed_at=at,
            kind=kind,
            muscle_ids=frozenset(muscle for muscle, _ in sites),
            status=status,
            sites=frozenset(sites),
            drug_doses_mg=tuple(sorted(doses.get(session_id, {}).items())),
        )
        for session_id, (at, kind, status, sites) in sorted(
            sessions.items(), key=lambda item: item[1][0]
        )
    )


def _drug_doses(db: Session, session_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    """Total mg of each drug given at each of ``session_ids`` (the cumulative steroid check)."""
    if not session_ids:
        return {}
    query = (
        select(
            InjectionSite.session_id,
            MedicationLine.drug_id,
            MedicationLine.concentration_mg_per_ml,
            MedicationLine.volume_ml,
        )
        .join(MedicationLine, MedicationLine.site_id == InjectionSite.id)
        .where(InjectionSite.session_id.in_(session_ids))
    )
    totals: dict[int, dict[str, Decimal]] = {}
    for session_id, drug_id, concentration, volume in db.execute(query):
        per_drug = totals.setdefault(session_id, {})
        per_drug[drug_id] = per_drug.get(drug_id, Decimal(0)) + concentration * volume
    return totals
