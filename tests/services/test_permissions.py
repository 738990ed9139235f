"""Permissions are enforced by the services, whatever the UI shows."""

from __future__ import annotations

import pytest

from tests.services.conftest import Services, patient_facts, two_site_entry
from tpi_desk.clinical.record import Role
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import PermissionDenied
from tpi_desk.services.permissions import Actor


def test_billing_staff_read_but_do_not_write_clinical_content(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    billing = Actor(user_id=99, username="billing.kim", role=Role.BILLING)
    draft = services.drafts.create(patient.id, physician.id, two_site_entry())

    assert services.queries.load(draft.id, actor=billing).id == draft.id
    with pytest.raises(PermissionDenied, match=r"billing\.kim \(billing\) may not write"):
        services.drafts.create(patient.id, physician.id, two_site_entry(), actor=billing)
    with pytest.raises(PermissionDenied, match="may not sign"):
        services.signing.sign(draft.id, draft.version, physician.id, actor=billing)
    with pytest.raises(PermissionDenied):
        services.patients.create(patient_facts("SYN-7"), actor=billing)


def test_clinicians_sign_only_as_themselves(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(patient.id, physician.id, two_site_entry())
    someone_else = Actor(user_id=physician.id + 1, username="other", role=Role.PHYSICIAN)
    themselves = Actor(user_id=physician.id, username="ihartley", role=Role.PHYSICIAN)

    with pytest.raises(PermissionDenied, match="signed-in clinician"):
        services.signing.sign(draft.id, draft.version, physician.id, actor=someone_else)
    assert services.signing.sign(draft.id, draft.version, physician.id, actor=themselves).signed_at
