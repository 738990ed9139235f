"""Patient insurance in a real database (SQLite and PostgreSQL): saved, read back, removed,
and taken in by an import (issue 15)."""

from __future__ import annotations

from dataclasses import replace

from tests.services.conftest import (
    PHYSICIAN,
    Services,
    actor_for,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.clinical.session_document import SessionDocument
from tpi_desk.services.dto import ProviderRecord

INSURANCE = PatientInsurance(
    payer_name="Harborview Mutual (demo)",
    payer_id="HBVM1",
    member_id="HBV00001001",
    group_number="HB-2208",
    relationship=InsuredRelationship.CHILD,
)


def test_insurance_is_saved_read_back_and_removed(
    services: Services, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    created = services.patients.create(replace(patient_facts(), insurance=INSURANCE), actor=actor)
    assert services.patients.get(created.id).facts.insurance == INSURANCE

    removed = services.patients.update(
        created.id, created.version, replace(created.facts, insurance=None), actor=actor
    )

    assert removed.facts.insurance is None
    assert services.patients.get(created.id).facts.insurance is None


def test_an_imported_document_brings_the_new_patients_insurance(services: Services) -> None:
    facts = replace(patient_facts(mrn="SYN-2001"), insurance=INSURANCE)

    (result,) = services.importing.import_documents(
        [SessionDocument(facts, PHYSICIAN, two_site_entry())]
    )

    assert result.patient_created
    assert services.patients.get(result.patient_id).facts.insurance == INSURANCE


def test_an_import_fills_a_known_patients_missing_insurance_but_never_replaces_one(
    services: Services, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    bare = services.patients.create(patient_facts(mrn="SYN-2002"), actor=actor)
    insured = services.patients.create(
        replace(patient_facts(mrn="SYN-2003"), insurance=INSURANCE), actor=actor
    )
    other = PatientInsurance("Contoso Care Insurance (demo)", "CCI01", "CCI00002003")

    services.importing.import_documents(
        [
            SessionDocument(replace(bare.facts, insurance=other), PHYSICIAN, two_site_entry()),
            SessionDocument(replace(insured.facts, insurance=other), PHYSICIAN, two_site_entry()),
        ]
    )

    assert services.patients.get(bare.id).facts.insurance == other
    assert services.patients.get(insured.id).facts.insurance == INSURANCE
