"""Issue 13, item 3 (patients): every change of a patient is audited with its content hash,
and `verify` names a patient row that differs from its last audited state."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from tests.security.conftest import Desk, Staff
from tests.security.test_verify import findings, tamper
from tests.services.conftest import patient_facts
from tpi_desk.models.audit import AuditEvent
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.integrity.patient_chain import CONTENT_MARKER, audited_hash


def patient_findings(desk: Desk) -> list[str]:
    """What verify says about patients (the dropped triggers are named separately)."""
    return [line for line in findings(desk) if not line.startswith("database: ")]


def patient_hashes(desk: Desk, patient_id: int) -> list[str | None]:
    with desk.database.session_factory() as db:
        details = db.scalars(
            select(AuditEvent.detail)
            .where(
                AuditEvent.record_type == "patient",
                AuditEvent.record_id == patient_id,
                AuditEvent.action.in_(("create", "update")),
            )
            .order_by(AuditEvent.sequence)
        ).all()
    return [audited_hash(detail) for detail in details]


def test_creating_and_changing_a_patient_audits_each_content_hash(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    changed = desk.patients.update(
        patient.id,
        patient.version,
        replace(patient_facts(), allergies=("latex", "sulfa")),
        actor=staff.physician,
    )

    created_hash, updated_hash = patient_hashes(desk, patient.id)
    assert created_hash is not None and updated_hash is not None
    assert len(created_hash) == 64 and created_hash != updated_hash
    assert changed.facts.allergies == ("latex", "sulfa")
    assert findings(desk) == []


def test_verify_names_a_patient_changed_outside_the_app(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    other = desk.patients.create(patient_facts(mrn="SYN-1002"), actor=staff.physician)
    statements = [
        f"UPDATE patients SET family_name = 'Synthetic-Altered' WHERE id = {patient.id}",
        f"UPDATE patients SET allergies = '[]' WHERE id = {other.id}",
    ]
    tamper(desk.database, statements)

    assert patient_findings(desk) == [
        f"patients: patient(s) #{patient.id}–#{other.id} differ from their last audited "
        "state: changed outside the app"
    ]


def test_a_date_of_birth_changed_outside_the_app_is_named(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    tamper(
        desk.database,
        [f"UPDATE patients SET date_of_birth = '1980-01-01' WHERE id = {patient.id}"],
    )

    assert patient_findings(desk) == [
        f"patients: patient(s) #{patient.id} differ from their last audited state: "
        "changed outside the app"
    ]


def test_an_audited_patient_hash_cannot_be_rewritten_without_breaking_the_audit_chain(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    tamper(
        desk.database,
        [
            f"UPDATE patients SET given_name = 'Altered' WHERE id = {patient.id}",
            "UPDATE audit_events SET detail = '" + CONTENT_MARKER + "0" * 64 + "' "
            f"WHERE record_type = 'patient' AND record_id = {patient.id}",
        ],
    )

    found = patient_findings(desk)
    assert any(line.startswith("audit: ") and "altered outside the app" in line for line in found)
    assert any(line.startswith("patients: ") for line in found)
