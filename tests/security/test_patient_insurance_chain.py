"""Patient insurance (issue 15) is covered by the patient's audited content hash: `verify`
names a member id changed outside the app."""

from __future__ import annotations

from dataclasses import replace

from tests.security.conftest import Desk, Staff
from tests.security.test_patient_chain import patient_findings, patient_hashes
from tests.security.test_verify import tamper
from tests.services.test_patient_insurance_storage import INSURANCE
from tpi_desk.services.dto import PatientRecord


def test_the_audited_hash_covers_the_insurance(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    insured = desk.patients.update(
        patient.id,
        patient.version,
        replace(patient.facts, insurance=INSURANCE),
        actor=staff.physician,
    )
    created_hash, insured_hash = patient_hashes(desk, patient.id)
    assert created_hash != insured_hash
    assert insured.facts.insurance == INSURANCE
    assert patient_findings(desk) == []

    tamper(
        desk.database,
        [f"UPDATE patients SET insurance_member_id = 'HBV9' WHERE id = {patient.id}"],
    )

    assert patient_findings(desk) == [
        f"patients: patient(s) #{patient.id} differ from their last audited state: "
        "changed outside the app"
    ]
