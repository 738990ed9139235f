"""Database triggers keep signed notes, their contents, signed addenda and the audit log
unchangeable even through raw SQL (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.errors import LockedNoteError
from tpi_desk.services.storage.unit_of_work import LOCKED_RECORD_MARKER, run_unit_of_work

SITES_OF_NOTE = "(SELECT id FROM injection_sites WHERE session_id = :id)"
REFUSED = {
    "change a signed note": "UPDATE procedure_sessions SET notes = 'x' WHERE id = :id",
    "turn it back into a draft": "UPDATE procedure_sessions SET status = 'draft' WHERE id = :id",
    "mark it in error without a reason": (
        "UPDATE procedure_sessions SET status = 'entered_in_error', version = version + 1 "
        "WHERE id = :id"
    ),
    "delete it": "DELETE FROM procedure_sessions WHERE id = :id",
    "change a site": "UPDATE injection_sites SET points = 9 WHERE session_id = :id",
    "delete a site": "DELETE FROM injection_sites WHERE session_id = :id",
    "add a site": (
        "INSERT INTO injection_sites (session_id, position, muscle_id, side, points, "
        "twitch_response) VALUES (:id, 7, 'deltoid', 'left', 1, FALSE)"
    ),
    "change a medication": (
        f"UPDATE medication_lines SET volume_ml = 9 WHERE site_id IN {SITES_OF_NOTE}"
    ),
    "delete a medication": f"DELETE FROM medication_lines WHERE site_id IN {SITES_OF_NOTE}",
    "add a medication": (
        "INSERT INTO medication_lines (site_id, position, drug_id, concentration_mg_per_ml, "
        "volume_ml, lot) SELECT MIN(id), 9, 'lidocaine', 10, 1, 'X' FROM injection_sites "
        "WHERE session_id = :id"
    ),
    "change a diagnosis": "UPDATE session_diagnoses SET code = 'M79.7' WHERE session_id = :id",
    "delete a diagnosis": "DELETE FROM session_diagnoses WHERE session_id = :id",
    "add a diagnosis": (
        "INSERT INTO session_diagnoses (session_id, position, code) VALUES (:id, 9, 'M79.7')"
    ),
    "change a finding": "UPDATE session_findings SET text = 'none' WHERE session_id = :id",
    "delete a finding": "DELETE FROM session_findings WHERE session_id = :id",
    "add a finding": (
        "INSERT INTO session_findings (session_id, kind, position, text) "
        "VALUES (:id, 'complication', 5, 'bleeding')"
    ),
    "change a signed addendum": "UPDATE addenda SET text = 'x' WHERE session_id = :id",
    "delete a signed addendum": "DELETE FROM addenda WHERE session_id = :id",
    "change the audit log": "UPDATE audit_events SET detail = 'x' WHERE :id > 0",
    "delete from the audit log": "DELETE FROM audit_events WHERE :id > 0",
    "change a signature": "UPDATE signatures SET content = 'x' WHERE session_id = :id",
    "delete a signature": "DELETE FROM signatures WHERE session_id = :id",
    "rewind a chain": "UPDATE chain_heads SET sequence = 1 WHERE :id > 0",
    "delete a chain head": "DELETE FROM chain_heads WHERE :id > 0",
}


@pytest.fixture
def note(desk: Desk, staff: Staff, sign_note: SignNote) -> SessionRecord:
    """A signed note with sites, medications, diagnoses, a finding and a signed addendum."""
    signed = sign_note(staff.physician)
    desk.addenda.add(
        signed.id,
        staff.physician.user_id,
        "Called: fine.",
        actor=staff.physician,
        password=PASSWORD,
    )
    return signed


def test_raw_sql_cannot_touch_signed_records_and_leaves_them_as_signed(
    desk: Desk, database: Database, staff: Staff, note: SessionRecord
) -> None:
    before = desk.queries.load(note.id, actor=staff.physician)
    accepted = []
    for what, statement in REFUSED.items():
        try:
            with database.engine.begin() as connection:
                connection.execute(text(statement), {"id": note.id})
        except DBAPIError as refusal:
            if LOCKED_RECORD_MARKER not in str(refusal.orig):
                accepted.append(f"{what}: failed for another reason: {refusal.orig}")
        else:
            accepted.append(what)

    assert accepted == []
    after = desk.queries.load(note.id, actor=staff.physician)
    assert after == before
    assert (after.entry, after.content_hash, len(after.addenda)) == (
        note.entry,
        note.content_hash,
        1,
    )
    assert desk.verification.verify(actor=staff.admin).intact


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_plain_sqlite3_update_of_a_signed_note_fails(
    database: Database, note: SessionRecord
) -> None:
    connection = sqlite3.connect(str(database.url.database))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="signed note cannot change"):
            connection.execute(f"UPDATE procedure_sessions SET notes = 'x' WHERE id = {note.id}")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_plain_psycopg_update_of_a_signed_note_fails(
    database: Database, note: SessionRecord
) -> None:
    url = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.RaiseException, match="cannot change"):
            connection.execute(
                "UPDATE procedure_sessions SET notes = 'x' WHERE id = %s", (note.id,)
            )
        for table in ("audit_events", "signatures", "procedure_sessions"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                connection.execute(f"TRUNCATE {table} CASCADE")


def test_drafts_stay_editable_through_raw_sql(
    desk: Desk, database: Database, staff: Staff, patient: PatientRecord
) -> None:
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE procedure_sessions SET notes = 'raw' WHERE id = :id"), {"id": draft.id}
        )
        connection.execute(
            text("DELETE FROM session_diagnoses WHERE session_id = :id"), {"id": draft.id}
        )
        connection.execute(text("DELETE FROM procedure_sessions WHERE id = :id"), {"id": draft.id})
    with database.session_factory() as db:
        assert db.get(ProcedureSession, draft.id) is None


def test_services_report_a_trigger_refusal_as_a_locked_note(
    database: Database, note: SessionRecord
) -> None:
    def change(db: Session) -> None:
        db.execute(
            text("UPDATE procedure_sessions SET notes = 'x' WHERE id = :id"), {"id": note.id}
        )

    with pytest.raises(LockedNoteError) as refusal:
        run_unit_of_work(database.session_factory, "change the note", change)

    assert refusal.value.message.startswith("Could not change the note: ")
    assert "cannot change" in refusal.value.message
    assert "Nothing was changed." in refusal.value.message
    with database.session_factory() as db:
        status = db.scalar(select(ProcedureSession.status).where(ProcedureSession.id == note.id))
    assert status is NoteStatus.SIGNED
