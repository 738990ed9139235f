"""Entered in error on SQLite and PostgreSQL: a reason, who and when; never a deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff, audit_actions
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.reports.note_data import ClinicHeader
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import (
    LockedNoteError,
    PermissionDenied,
    ValidationFailed,
    WrongPassword,
)
from tpi_desk.services.export.exporting import note_data
from tpi_desk.services.sessions.addenda import AddendumNotAllowed


def test_marking_keeps_the_note_and_records_reason_author_and_time(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.nurse_practitioner)
    desk.clock.advance(timedelta(days=2))

    marked = desk.errors.mark_entered_in_error(
        note.id, "  Documented on the wrong patient (Zoë, not Zoé).  ", staff.physician, PASSWORD
    )

    assert marked.status is NoteStatus.ENTERED_IN_ERROR
    assert marked.entered_in_error_reason == "Documented on the wrong patient (Zoë, not Zoé)."
    assert marked.entered_in_error_by == "Dr. Imogen Hartley"
    assert marked.entered_in_error_at == desk.clock.now
    assert (marked.entry, marked.content_hash, marked.signed_at) == (
        note.entry,
        note.content_hash,
        note.signed_at,
    )
    assert marked.version == note.version + 1
    with desk.database.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(ProcedureSession)) == 1
    assert audit_actions(desk.database)[-1] == (
        "entered_in_error",
        "ihartley",
        "session",
        note.id,
    )
    assert desk.verification.verify(actor=staff.admin).intact


def test_the_printed_note_says_who_marked_it_when_and_why(
    desk: Desk, staff: Staff, sign_note: SignNote, catalog: Catalog
) -> None:
    note = sign_note(staff.nurse_practitioner)
    desk.clock.advance(timedelta(days=2))
    marked = desk.errors.mark_entered_in_error(note.id, "Duplicate.", staff.physician, PASSWORD)

    analysis = analyse_session(marked.entry, catalog, patient=None, today=date(2026, 12, 1))
    printed = note_data(
        marked,
        analysis=analysis,
        catalog=catalog,
        clinic=ClinicHeader("Riverside Pain & Spine Clinic"),
        location="Room 2",
        generated_at=desk.clock.now,
    )

    assert printed.error_mark is not None
    assert (printed.error_mark.marked_by, printed.error_mark.reason) == (
        "Dr. Imogen Hartley",
        "Duplicate.",
    )
    assert printed.error_mark.marked_at == desk.clock.now
    # Shown on the clock of the session, as every time on the note.
    assert printed.error_mark.marked_at.utcoffset() == marked.entry.performed_at.utcoffset()


def test_a_marked_note_takes_nothing_more(desk: Desk, staff: Staff, sign_note: SignNote) -> None:
    note = sign_note(staff.physician)
    desk.errors.mark_entered_in_error(note.id, "Duplicate.", staff.physician, PASSWORD)

    with pytest.raises(LockedNoteError, match="already marked"):
        desk.errors.mark_entered_in_error(note.id, "Again.", staff.physician, PASSWORD)
    with pytest.raises(AddendumNotAllowed, match="entered in error"):
        desk.addenda.add(
            note.id, staff.physician.user_id, "Late.", actor=staff.physician, password=PASSWORD
        )
    with pytest.raises(LockedNoteError):
        desk.drafts.save(note.id, note.version + 1, note.entry, actor=staff.physician)


def test_drafts_empty_reasons_and_wrong_passwords_are_refused(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )

    with pytest.raises(LockedNoteError, match="a draft"):
        desk.errors.mark_entered_in_error(draft.id, "Not needed.", staff.physician, PASSWORD)
    with pytest.raises(ValidationFailed) as empty:
        desk.errors.mark_entered_in_error(draft.id, "   ", staff.physician, PASSWORD)
    with pytest.raises(WrongPassword):
        desk.errors.mark_entered_in_error(draft.id, "Not needed.", staff.physician, "wrong one")

    (problem,) = empty.value.problems
    assert (problem.path, problem.message) == ("entered_in_error.reason", "is required")


def test_only_the_notes_clinician_or_a_physician_marks_it(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician)

    with pytest.raises(PermissionDenied, match="own clinician or a physician"):
        desk.errors.mark_entered_in_error(note.id, "Wrong.", staff.nurse_practitioner, PASSWORD)
    with pytest.raises(PermissionDenied, match="may not sign"):
        desk.errors.mark_entered_in_error(note.id, "Wrong.", staff.billing, PASSWORD)
    with pytest.raises(PermissionDenied, match="may not sign"):
        desk.errors.mark_entered_in_error(note.id, "Wrong.", staff.admin, PASSWORD)

    marked = desk.errors.mark_entered_in_error(
        note.id, "Wrong side documented.", staff.second_physician, PASSWORD
    )
    assert marked.entered_in_error_by == "Dr. Chidi Okonkwo"
