"""Optimistic locking, cascades, child replacement, search text and integrity constraints."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.database import Database
from tpi_desk.models.people import Patient, User, patient_search_text
from tpi_desk.models.procedures import (
    FindingKind,
    InjectionSite,
    ProcedureSession,
    SessionDiagnosis,
    SessionFinding,
    replace_children,
)


def _count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_second_stale_update_raises(database: Database, draft_id: int) -> None:
    # One transaction per user action: each workstation loads (and ends that transaction),
    # later saves in a new one. Objects stay usable because expire_on_commit is off.
    first = database.session_factory()
    second = database.session_factory()
    try:
        mine = first.scalars(select(Patient)).one()
        first.commit()
        theirs = second.scalars(select(Patient)).one()
        second.commit()
        assert mine.version == theirs.version == 1
        mine.given_name = "Zoé"
        first.commit()
        theirs.given_name = "Zoey"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with database.session_factory() as session:
        patient = session.scalars(select(Patient)).one()
    assert (patient.given_name, patient.version) == ("Zoé", 2)


def test_stale_draft_save_raises(database: Database, draft_id: int) -> None:
    with database.session_factory() as first, database.session_factory() as second:
        mine = first.get_one(ProcedureSession, draft_id)
        first.commit()
        theirs = second.get_one(ProcedureSession, draft_id)
        second.commit()
        mine.notes = "Tolerated well."
        first.commit()
        theirs.notes = "Patient felt faint."
        with pytest.raises(StaleDataError):
            second.commit()


def test_deleting_a_draft_deletes_its_children(database: Database, draft_id: int) -> None:
    assert (_count(database, "injection_sites"), _count(database, "medication_lines")) == (2, 2)
    with database.session_factory.begin() as session:
        session.delete(session.get_one(ProcedureSession, draft_id))
    for table in ("session_diagnoses", "injection_sites", "medication_lines"):
        assert _count(database, table) == 0, table
    assert _count(database, "patients") == 1


def test_database_cascades_a_raw_delete(database: Database, draft_id: int) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM procedure_sessions WHERE id = :id"), {"id": draft_id})
    assert _count(database, "medication_lines") == 0
    assert _count(database, "session_diagnoses") == 0


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO session_diagnoses (session_id, position, code)"
                " VALUES (999, 0, 'M79.18')"
            )
        )


def test_children_are_ordered_and_numbered_by_position(database: Database, draft_id: int) -> None:
    with database.session_factory() as session:
        draft = session.get_one(ProcedureSession, draft_id)
        assert [d.code for d in draft.diagnoses] == ["M79.18", "M54.2"]
        assert [(d.position, d.code) for d in draft.diagnoses] == [(0, "M79.18"), (1, "M54.2")]
        assert [s.muscle_id for s in draft.sites] == ["upper_trapezius", "levator_scapulae"]
        assert [m.position for m in draft.sites[0].medications] == [0, 1]


def test_replacing_a_drafts_children(database: Database, draft_id: int) -> None:
    with database.session_factory.begin() as session:
        draft = session.get_one(ProcedureSession, draft_id)
        assert len(draft.sites[0].medications) == 2  # loaded, so the ORM deletes them too
        replace_children(
            draft,
            "diagnoses",
            [SessionDiagnosis(code="M54.2"), SessionDiagnosis(code="G44.209")],
        )
        replace_children(draft, "sites", [InjectionSite(muscle_id="rhomboid_major", side="left")])
        replace_children(
            draft,
            "findings",
            [
                SessionFinding(kind=FindingKind.SIDE_EFFECT, text="soreness"),
                SessionFinding(kind=FindingKind.COMPLICATION, text="vasovagal episode"),
            ],
        )
    with database.session_factory() as session:
        draft = session.get_one(ProcedureSession, draft_id)
        assert [(d.position, d.code) for d in draft.diagnoses] == [(0, "M54.2"), (1, "G44.209")]
        assert [s.muscle_id for s in draft.sites] == ["rhomboid_major"]
        assert draft.side_effects == ("soreness",)
        assert draft.complications == ("vasovagal episode",)
        assert draft.version == 2
    assert _count(database, "medication_lines") == 0


def test_replacing_children_of_an_unsaved_draft(database: Database, draft_id: int) -> None:
    with database.session_factory.begin() as session:
        stored = session.get_one(ProcedureSession, draft_id)
        draft = ProcedureSession(patient=stored.patient, provider=stored.provider, kind=stored.kind)
        draft.set_performed_at(stored.performed_at)
        draft.diagnoses.append(SessionDiagnosis(code="M79.10"))
        session.add(draft)
        replace_children(draft, "diagnoses", [SessionDiagnosis(code="M79.12")])
        session.flush()
        new_id = draft.id
    with database.session_factory() as session:
        codes = [d.code for d in session.get_one(ProcedureSession, new_id).diagnoses]
    assert codes == ["M79.12"]


def test_search_text_follows_name_changes(database: Database, draft_id: int) -> None:
    with database.session_factory.begin() as session:
        patient = session.scalars(select(Patient)).one()
        assert patient.search_text == "nunez zoe mrn-0001"
        patient.family_name = "Nguyễn"
    with database.session_factory() as session:
        found = session.scalars(select(Patient).where(Patient.search_text.contains("nguyen"))).one()
    assert found.search_text == patient_search_text("Nguyễn", "Zoë", "MRN-0001")


def test_enums_are_stored_as_their_values(database: Database, draft_id: int) -> None:
    with database.engine.connect() as connection:
        row = connection.execute(
            text("SELECT kind, status FROM procedure_sessions WHERE id = :id"), {"id": draft_id}
        ).one()
        role = connection.execute(text("SELECT role FROM users")).scalar()
    assert tuple(row) == ("trigger_point_injection", "draft")
    assert role == "physician"


def test_unknown_status_is_refused_by_the_database(database: Database, draft_id: int) -> None:
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        connection.execute(text("UPDATE procedure_sessions SET status = 'deleted'"))


def test_pain_outside_0_to_10_is_refused(database: Database, draft_id: int) -> None:
    with pytest.raises(IntegrityError), database.session_factory.begin() as session:
        session.get_one(ProcedureSession, draft_id).pain_before = 11


def test_duplicate_mrn_is_refused(database: Database, draft_id: int) -> None:
    with pytest.raises(IntegrityError), database.session_factory.begin() as session:
        session.add(
            Patient(
                mrn="MRN-0001",
                family_name="Ødegård",
                given_name="Łukasz",
                date_of_birth=date(1990, 1, 1),
            )
        )


def test_core_bulk_insert_with_search_text(database: Database) -> None:
    rows = [
        {
            "mrn": f"BULK-{n}",
            "family_name": "Ødegård",
            "given_name": f"Ásta {n}",
            "search_text": patient_search_text("Ødegård", f"Ásta {n}", f"BULK-{n}"),
            "date_of_birth": date(1985, 5, n),
            "allergies": [],
        }
        for n in range(1, 6)
    ]
    with database.session_factory.begin() as session:
        session.execute(insert(Patient), rows)
    with database.session_factory() as session:
        hits = session.scalar(
            select(func.count()).where(Patient.search_text.contains("odegard asta"))
        )
        versions = set(session.scalars(select(Patient.version)))
    assert hits == 5
    assert versions == {1}


def test_signed_note_keeps_its_signer(database: Database, draft_id: int) -> None:
    with database.session_factory.begin() as session:
        draft = session.get_one(ProcedureSession, draft_id)
        signer = session.scalars(select(User).where(User.role == Role.PHYSICIAN)).one()
        draft.status = NoteStatus.SIGNED
        draft.signed_by = signer
        draft.signed_at = draft.performed_at
        draft.content_hash = "a" * 64
    with database.session_factory() as session:
        signed = session.get_one(ProcedureSession, draft_id)
        assert signed.status is NoteStatus.SIGNED
        assert signed.signed_by is not None
        assert signed.signed_by.display_name == "Łukasz Ødegård"
