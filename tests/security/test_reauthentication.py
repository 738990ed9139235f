"""Signing asks for the password again; a wrong one signs nothing and is audited."""

from __future__ import annotations

import pytest

from tests.security.conftest import PASSWORD, Desk, Staff, audit_actions
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import AccountLocked, WrongPassword
from tpi_desk.services.people.login import MAX_FAILED_LOGINS


def test_a_wrong_password_signs_nothing_and_is_audited(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    doctor = staff.physician
    draft = desk.drafts.create(patient.id, doctor.user_id, two_site_entry(), actor=doctor)

    with pytest.raises(WrongPassword, match="could not sign the note"):
        desk.signing.sign(draft.id, draft.version, doctor.user_id, actor=doctor, password="nope")

    assert desk.queries.load(draft.id, actor=doctor).status is NoteStatus.DRAFT
    assert ("password_confirm_failed", "ihartley", "user", doctor.user_id) in audit_actions(
        desk.database
    )
    assert "sign" not in {action for action, *_ in audit_actions(desk.database)}
    signed = desk.signing.sign(
        draft.id, draft.version, doctor.user_id, actor=doctor, password=PASSWORD
    )
    assert signed.status is NoteStatus.SIGNED
    assert (signed.signature_sequence, signed.signed_by_credentials) == (1, "MD")


def test_guessing_the_password_at_the_sign_dialog_locks_the_account(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    nurse = staff.nurse_practitioner
    draft = desk.drafts.create(patient.id, nurse.user_id, two_site_entry(), actor=nurse)

    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(WrongPassword):
            desk.signing.sign(draft.id, draft.version, nurse.user_id, actor=nurse, password="x")
    with pytest.raises(AccountLocked):
        desk.signing.sign(draft.id, draft.version, nurse.user_id, actor=nurse, password="x")
    with pytest.raises(AccountLocked):
        desk.signing.sign(draft.id, draft.version, nurse.user_id, actor=nurse, password=PASSWORD)

    assert desk.queries.load(draft.id, actor=nurse).status is NoteStatus.DRAFT
