"""Stored sessions as the note PDF prints them: loaded, analysed with their history, mapped.

Plain functions of a session factory and a catalog, so that the export service and the
export's worker processes (``parallel_render``, each with its own read connection) load
notes the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.analysis import SessionAnalysis, analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import PriorSession, ProviderFacts
from tpi_desk.clinical.settings import ClinicSettings
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.reports.note_data import (
    ClinicHeader,
    NoteAddendum,
    NoteData,
    NoteErrorMark,
    NoteSignature,
)
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.sessions.batch_history import prior_sessions_of_many

# The eager loads of one whole session, kept in one place; exports load them chunk by chunk.
from tpi_desk.services.sessions.session_loading import _WHOLE_SESSION as WHOLE_SESSION
from tpi_desk.services.sessions.session_loading import session_record
from tpi_desk.services.settings.clinic_settings import clinic_settings
from tpi_desk.services.settings.demo_database import is_demo_database
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

DEFAULT_CLINIC_NAME = "TPI Desk clinic"


def load_notes(
    session_factory: sessionmaker[Session],
    catalog: Catalog,
    session_ids: Sequence[int],
    generated_at: datetime,
) -> list[NoteData]:
    """One short read: the sessions with their history, analysed and mapped to notes, in the
    order of ``session_ids``."""
    query = select(ProcedureSession).where(ProcedureSession.id.in_(session_ids))
    with (
        database_errors_as_user_errors("read the notes to export"),
        session_factory() as db,
    ):
        clinic = clinic_settings(db)
        demo = is_demo_database(db)
        rows = {row.id: row for row in db.scalars(query.options(*WHOLE_SESSION))}
        histories = prior_sessions_of_many(
            db, [(row.id, row.patient_id, row.performed_at) for row in rows.values()]
        )
        notes = []
        for session_id in session_ids:
            row = rows.get(session_id)
            if row is None:  # sessions are never deleted; nothing to print if one were
                continue
            history = histories[row.id]
            record = session_record(row)
            notes.append(_note(record, history, clinic, catalog, generated_at, demo=demo))
    return notes


def _note(
    record: SessionRecord,
    history: Sequence[PriorSession],
    clinic: ClinicSettings,
    catalog: Catalog,
    generated_at: datetime,
    *,
    demo: bool = False,
) -> NoteData:
    analysis = analyse_session(
        record.entry,
        catalog,
        patient=record.patient.facts,
        history=history,
        settings=clinic.coding,
        today=generated_at.date(),
        provider=record.provider.facts,
        safety=clinic.safety,
    )
    return note_data(
        record,
        analysis=analysis,
        catalog=catalog,
        clinic=clinic_header(clinic, demo=demo),
        location=clinic.location_for_notes,
        generated_at=generated_at,
    )


def note_data(
    record: SessionRecord,
    *,
    analysis: SessionAnalysis,
    catalog: Catalog,
    clinic: ClinicHeader,
    location: str,
    generated_at: datetime,
) -> NoteData:
    """A stored session as the note PDF prints it; times shown on the session's own clock."""
    local = record.entry.performed_at.tzinfo
    signature = None
    if record.signed_at is not None and record.signed_by is not None:
        signature = NoteSignature(
            record.signed_by, record.signed_by_credentials or "", _on(record.signed_at, local)
        )
    supervising = None
    if record.cosigned_by is not None:
        # The physician who co-signed a nurse practitioner's or PA's note supervised it.
        supervising = ProviderFacts("", record.cosigned_by, record.cosigned_by_credentials or "")
    addenda = tuple(
        NoteAddendum(
            author=addendum.author_name,
            credentials=addendum.author_credentials,
            created_at=_on(addendum.created_at, local),
            signed_at=None if addendum.signed_at is None else _on(addendum.signed_at, local),
            text=addendum.text,
        )
        for addendum in record.addenda
    )
    error_mark = None
    if record.entered_in_error_at is not None:
        error_mark = NoteErrorMark(
            marked_by=record.entered_in_error_by or "",
            marked_at=_on(record.entered_in_error_at, local),
            reason=record.entered_in_error_reason or "",
        )
    return NoteData(
        clinic=clinic,
        patient=record.patient.facts,
        provider=record.provider.facts,
        supervising_provider=supervising,
        location=location,
        session_id=str(record.id),
        status=record.status,
        entry=record.entry,
        analysis=analysis,
        catalog=catalog,
        generated_at=_on(generated_at, local),
        signature=signature,
        content_hash=record.content_hash,
        addenda=addenda,
        error_mark=error_mark,
    )


def clinic_header(settings: ClinicSettings, *, demo: bool = False) -> ClinicHeader:
    """The clinic header from the clinic's settings, defaulting to a neutral name; ``demo``
    for a demo database (a DEMO watermark on every page)."""
    logo = settings.clinic_logo_path
    return ClinicHeader(
        name=settings.clinic_name or DEFAULT_CLINIC_NAME,
        address_lines=settings.clinic_address_lines,
        phone=settings.clinic_phone,
        logo_path=Path(logo) if logo else None,
        demo=demo,
        npi=settings.clinic_npi,
    )


def _on(moment: datetime, clock: tzinfo | None) -> datetime:
    """``moment`` on the session's clock (unchanged if that clock is unknown)."""
    return moment.astimezone(clock) if clock is not None else moment
