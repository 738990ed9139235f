"""The insured person of a dependent and the patient's address (migration 0011; the address
of a patient who is the insured too) in the patient's audited content hash: a patient whose
insurance was audited before they were kept keeps its hash (verify does not call it changed),
adding them is a new audited state, and a birth date or ZIP code changed outside the app is
named by `verify`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.security.conftest import Desk, Staff
from tests.security.test_patient_chain import patient_findings, patient_hashes
from tests.security.test_verify import tamper
from tests.services.test_patient_insurance_storage import INSURANCE
from tpi_desk.clinical.insurance import InsuredRelationship
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber, SubscriberSex
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.patient_chain import PATIENT_FORMAT

INSURED = Subscriber("Okafor", "Adaeze", date(1961, 8, 14), SubscriberSex.FEMALE)
ADDRESS = PostalAddress("14 Alder Lane", "Portland", "ME", "04101")


def content_as_0008_hashed_it(record: PatientRecord) -> str:
    """The hash of a patient with insurance exactly as written before migration 0011."""
    facts, insurance = record.facts, INSURANCE
    return sha256_hex(
        canonical_json(
            {
                "format": PATIENT_FORMAT, "mrn": facts.mrn, "family_name": facts.family_name,
                "given_name": facts.given_name, "date_of_birth": facts.date_of_birth,
                "sex": facts.sex, "weight_kg": facts.weight_kg,
                "allergies": list(facts.allergies),
                "no_known_drug_allergies": facts.no_known_drug_allergies,
                "coverage": facts.coverage,
                "insurance": {
                    "payer_name": insurance.payer_name, "payer_id": insurance.payer_id,
                    "member_id": insurance.member_id, "group_number": insurance.group_number,
                    "relationship": insurance.relationship,
                },
            }
        )
    )  # fmt: skip


def test_insurance_without_the_insured_person_keeps_its_hash(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    insured = desk.patients.update(
        patient.id, patient.version, replace(patient.facts, insurance=INSURANCE),
        actor=staff.physician,
    )  # fmt: skip

    _, insured_hash = patient_hashes(desk, patient.id)
    assert insured_hash == content_as_0008_hashed_it(insured)
    assert patient_findings(desk) == []


def test_the_insured_person_is_covered_and_a_change_outside_the_app_is_named(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    child = replace(INSURANCE, subscriber=INSURED, patient_address=ADDRESS)
    insured = desk.patients.update(
        patient.id, patient.version, replace(patient.facts, insurance=child),
        actor=staff.physician,
    )  # fmt: skip
    _, insured_hash = patient_hashes(desk, patient.id)
    assert insured.facts.insurance == child
    assert insured_hash != content_as_0008_hashed_it(insured)
    assert patient_findings(desk) == []

    tamper(
        desk.database,
        [
            "UPDATE patients SET insurance_subscriber_birth_date = '1971-08-14' "
            f"WHERE id = {patient.id}"
        ],
    )

    assert patient_findings(desk) == [
        f"patients: patient(s) #{patient.id} differ from their last audited state: "
        "changed outside the app"
    ]


def test_the_address_of_a_patient_who_is_the_insured_is_covered_and_a_change_is_named(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    """005010X222A1 2010BA N3/N4, "Required when the patient is the subscriber": the address
    of a patient insured in their own name is kept too, and hashed once on file (the
    same columns as a dependent's: no migration, no new hash for anyone else)."""
    self_insured = replace(
        INSURANCE, relationship=InsuredRelationship.SELF, patient_address=ADDRESS
    )
    insured = desk.patients.update(
        patient.id, patient.version, replace(patient.facts, insurance=self_insured),
        actor=staff.physician,
    )  # fmt: skip
    _, insured_hash = patient_hashes(desk, patient.id)
    assert insured.facts.insurance == self_insured
    assert patient_hashes(desk, patient.id)[0] != insured_hash
    assert patient_findings(desk) == []

    tamper(
        desk.database,
        [f"UPDATE patients SET insurance_patient_zip = '04102' WHERE id = {patient.id}"],
    )

    assert patient_findings(desk) == [
        f"patients: patient(s) #{patient.id} differ from their last audited state: "
        "changed outside the app"
    ]
