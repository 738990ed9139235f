"""Permissions are enforced by the services, whatever the UI shows."""

from __future__ import annotations

import pytest

from tests.services.conftest import (
    PASSWORD,
    Services,
    actor_for,
    add_account,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.record import ProcedureKind, ProviderFacts, Role
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import PermissionDenied
from tpi_desk.services.permissions import allowed_kinds


def test_billing_staff_read_signed_notes_but_do_not_write_clinical_content(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    billing = actor_for(
        add_account(services, ProviderFacts("billing.kim", "Kim Nguyễn", "CPC"), Role.BILLING)
    )
    doctor = actor_for(physician)
    draft = services.drafts.create(patient.id, physician.id, two_site_entry(), actor=doctor)
    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=doctor, password=PASSWORD
    )

    assert services.queries.load(signed.id, actor=billing).id == signed.id
    with pytest.raises(PermissionDenied, match=r"billing\.kim \(billing\) may not write"):
        services.drafts.create(patient.id, physician.id, two_site_entry(), actor=billing)
    with pytest.raises(PermissionDenied, match="may not sign"):
        services.signing.sign(draft.id, draft.version, physician.id, actor=billing, password="x")
    with pytest.raises(PermissionDenied):
        services.patients.create(patient_facts("SYN-7"), actor=billing)


def test_clinicians_sign_only_as_themselves(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    someone_else = actor_for(
        add_account(services, ProviderFacts("cokonkwo", "Dr. Chidi Okonkwo", "DO"), Role.PHYSICIAN)
    )
    themselves = actor_for(physician)

    with pytest.raises(PermissionDenied, match="signed-in clinician"):
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=someone_else, password=PASSWORD
        )
    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=themselves, password=PASSWORD
    )
    assert signed.signed_at is not None


@pytest.mark.parametrize(
    "credentials", ["NP-C", "DNP", "AGPCNP-BC", "PA-C", "PT, DPT", "L.Ac.", "DC", "XYZ", ""]
)
def test_credentials_never_refuse_a_clinician(credentials: str) -> None:
    # Issue 12: credentials such as NP-C, DNP, AGPCNP-BC, PA-C were refused; roles gate the
    # actions and the scope-of-practice check warns instead.
    assert allowed_kinds(Role.NURSE_PRACTITIONER, credentials) == frozenset(ProcedureKind)
    assert allowed_kinds(Role.PHYSICIAN, credentials) == frozenset(ProcedureKind)
    assert allowed_kinds(Role.BILLING, credentials) == frozenset()
    assert allowed_kinds(Role.ADMIN, credentials) == frozenset()
