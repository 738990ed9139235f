"""Physician co-signature of NP and PA notes, end to end (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff, audit_actions
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import LockedNoteError, PermissionDenied, WrongPassword
from tpi_desk.services.sessions.cosign import CosignNotNeeded
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN


@pytest.fixture
def cosign_required(desk: Desk, staff: Staff) -> None:
    desk.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=staff.admin)


def test_without_the_setting_no_note_waits_for_a_cosignature(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.nurse_practitioner)

    assert not note.cosign_required
    assert not note.awaiting_cosignature
    assert desk.cosign.pending_for(staff.physician) == []
    assert not desk.settings.require_physician_cosign()


@pytest.mark.usefixtures("cosign_required")
def test_an_np_note_waits_for_a_physician_who_cosigns_it(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    np_note = sign_note(staff.nurse_practitioner)
    pa_note = sign_note(staff.physician_assistant)
    physician_note = sign_note(staff.physician)

    assert np_note.cosign_required and np_note.awaiting_cosignature
    assert not physician_note.cosign_required
    assert np_note == desk.queries.load(np_note.id, actor=staff.nurse_practitioner)
    assert [s.id for s in desk.cosign.pending_for(staff.physician)] == [np_note.id, pa_note.id]
    pending = desk.cosign.pending_for(staff.second_physician)[0]
    assert (pending.id, pending.provider_name, pending.status) == (
        np_note.id,
        "Réka Varga",
        NoteStatus.SIGNED,
    )

    desk.clock.advance(timedelta(hours=1))
    cosigned = desk.cosign.cosign(np_note.id, staff.physician, PASSWORD)

    assert cosigned.cosigned_at == desk.clock.now
    assert (cosigned.cosigned_by, cosigned.cosigned_by_credentials) == ("Dr. Imogen Hartley", "MD")
    assert not cosigned.awaiting_cosignature
    assert cosigned.status is NoteStatus.SIGNED
    assert cosigned.content_hash == np_note.content_hash  # the note itself did not change
    assert cosigned.entry == np_note.entry
    assert [s.id for s in desk.cosign.pending_for(staff.second_physician)] == [pa_note.id]
    assert desk.queries.load(np_note.id, actor=staff.billing).cosigned_by == "Dr. Imogen Hartley"
    assert ("cosign", "ihartley", "session", np_note.id) in audit_actions(desk.database)
    assert desk.verification.verify(actor=staff.admin).intact


@pytest.mark.usefixtures("cosign_required")
def test_only_another_physician_cosigns_once_with_the_right_password(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    np_note = sign_note(staff.nurse_practitioner)
    physician_note = sign_note(staff.physician)

    with pytest.raises(PermissionDenied, match="may not co-sign"):
        desk.cosign.cosign(np_note.id, staff.physician_assistant, PASSWORD)
    with pytest.raises(PermissionDenied, match="may not co-sign"):
        desk.cosign.pending_for(staff.nurse_practitioner)
    with pytest.raises(WrongPassword):
        desk.cosign.cosign(np_note.id, staff.physician, "not the password")
    with pytest.raises(CosignNotNeeded, match="does not need"):
        desk.cosign.cosign(physician_note.id, staff.second_physician, PASSWORD)
    assert desk.queries.load(np_note.id, actor=staff.physician).awaiting_cosignature

    desk.cosign.cosign(np_note.id, staff.second_physician, PASSWORD)

    with pytest.raises(CosignNotNeeded, match="already co-signed"):
        desk.cosign.cosign(np_note.id, staff.physician, PASSWORD)
    assert desk.queries.load(np_note.id, actor=staff.physician).cosigned_by == "Dr. Chidi Okonkwo"


@pytest.mark.usefixtures("cosign_required")
def test_nobody_cosigns_their_own_note(desk: Desk, staff: Staff, patient: PatientRecord) -> None:
    # The physician named as the provider of a note an NP signed does not co-sign it.
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.nurse_practitioner
    )
    np_signed = desk.signing.sign(
        draft.id,
        draft.version,
        staff.nurse_practitioner.user_id,
        actor=staff.nurse_practitioner,
        password=PASSWORD,
    )

    assert np_signed.awaiting_cosignature
    with pytest.raises(PermissionDenied, match="Nobody co-signs their own note"):
        desk.cosign.cosign(np_signed.id, staff.physician, PASSWORD)
    assert [s.id for s in desk.cosign.pending_for(staff.second_physician)] == [np_signed.id]


@pytest.mark.usefixtures("cosign_required")
def test_a_note_entered_in_error_is_no_longer_waiting(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    np_note = sign_note(staff.nurse_practitioner)

    desk.errors.mark_entered_in_error(
        np_note.id, "Duplicate of an earlier note.", staff.nurse_practitioner, PASSWORD
    )

    assert desk.cosign.pending_for(staff.physician) == []
    with pytest.raises(LockedNoteError, match="entered in error"):
        desk.cosign.cosign(np_note.id, staff.physician, PASSWORD)
