"""Each role allowed and refused at the service level (SQLite and PostgreSQL); every refusal
is audited; credentials decide the procedure kinds a clinician documents and signs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff, audit_actions
from tests.security.conftest import dry_needling_entry as needling
from tests.services.conftest import patient_facts, two_site_entry
from tpi_desk.clinical.record import NoteStatus, ProcedureKind
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.errors import PermissionDenied
from tpi_desk.services.permissions import Actor, allowed_kinds
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN

ROLES = (
    "admin",
    "physician",
    "nurse_practitioner",
    "physician_assistant",
    "acupuncturist",
    "billing",
)
CLINICIANS = {"physician", "nurse_practitioner", "physician_assistant", "acupuncturist"}
INJECTORS = {"physician", "nurse_practitioner", "physician_assistant"}


@dataclass(frozen=True)
class Notes:
    signed: SessionRecord
    draft: SessionRecord
    patient: PatientRecord


@pytest.fixture
def notes(desk: Desk, staff: Staff, patient: PatientRecord, sign_note: SignNote) -> Notes:
    signed = sign_note(staff.physician)
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )
    return Notes(signed, draft, patient)


Attempt = Callable[[Desk, Actor, Notes], object]


def _sign_own(kind: ProcedureKind) -> Attempt:
    def attempt(desk: Desk, actor: Actor, notes: Notes) -> object:
        entry = needling() if kind is ProcedureKind.DRY_NEEDLING else two_site_entry()
        if kind in allowed_kinds(actor.role, actor.credentials):
            draft = desk.drafts.create(notes.patient.id, actor.user_id, entry, actor=actor)
        else:  # they cannot write one: they try the physician's draft instead
            draft = notes.draft
        return desk.signing.sign(
            draft.id, draft.version, actor.user_id, actor=actor, password=PASSWORD
        )

    return attempt


ATTEMPTS: dict[str, tuple[Attempt, set[str]]] = {
    "create a patient": (
        lambda desk, actor, notes: desk.patients.create(patient_facts("SYN-77"), actor=actor),
        CLINICIANS | {"admin"},
    ),
    "write an injection draft": (
        lambda desk, actor, notes: desk.drafts.create(
            notes.patient.id, actor.user_id, two_site_entry(), actor=actor
        ),
        INJECTORS,
    ),
    "write a dry-needling draft": (
        lambda desk, actor, notes: desk.drafts.create(
            notes.patient.id, actor.user_id, needling(), actor=actor
        ),
        CLINICIANS,
    ),
    "sign an injection note": (_sign_own(ProcedureKind.TRIGGER_POINT_INJECTION), INJECTORS),
    "sign a dry-needling note": (_sign_own(ProcedureKind.DRY_NEEDLING), CLINICIANS),
    "read a signed note": (
        lambda desk, actor, notes: desk.queries.load(notes.signed.id, actor=actor),
        set(ROLES),
    ),
    "read a draft": (
        lambda desk, actor, notes: desk.queries.load(notes.draft.id, actor=actor),
        CLINICIANS,
    ),
    "export a signed note": (
        lambda desk, actor, notes: desk.audit.record_export(actor, [notes.signed.id], "PDF"),
        CLINICIANS | {"billing"},
    ),
    "change a clinic setting": (
        lambda desk, actor, notes: desk.settings.set_value(
            REQUIRE_PHYSICIAN_COSIGN, True, actor=actor
        ),
        {"admin"},
    ),
    "list user accounts": (lambda desk, actor, notes: desk.users.list_users(actor), {"admin"}),
    "read the audit log": (
        lambda desk, actor, notes: desk.audit_log.report(actor),
        {"admin"},
    ),
    "list notes to co-sign": (
        lambda desk, actor, notes: desk.cosign.pending_for(actor),
        {"physician"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", list(ATTEMPTS))
def test_each_role_is_allowed_or_refused_and_refusals_are_audited(
    desk: Desk, staff: Staff, notes: Notes, what: str, role: str
) -> None:
    attempt, allowed = ATTEMPTS[what]
    actor: Actor = getattr(staff, role)

    if role in allowed:
        attempt(desk, actor, notes)
        refusals = [a for a in audit_actions(desk.database) if a[0] == "permission_refused"]
        assert refusals == []
    else:
        with pytest.raises(PermissionDenied):
            attempt(desk, actor, notes)
        last = audit_actions(desk.database)[-1]
        assert last[:2] == ("permission_refused", actor.username)


def test_an_acupuncturist_documenting_an_injection_gets_a_clear_message(
    desk: Desk, staff: Staff, notes: Notes
) -> None:
    with pytest.raises(PermissionDenied) as refusal:
        desk.drafts.create(
            notes.patient.id,
            staff.acupuncturist.user_id,
            two_site_entry(),
            actor=staff.acupuncturist,
        )

    assert refusal.value.message == (
        "lnguyen (L.Ac.) may not document trigger point injections: they are performed by "
        "physicians, physician assistants and nurse practitioners."
    )


def test_an_injection_cannot_name_an_acupuncturist_as_its_provider(
    desk: Desk, staff: Staff, notes: Notes
) -> None:
    with pytest.raises(
        PermissionDenied, match=re.escape("Linh Nguyễn (L.Ac.) may not document trigger")
    ):
        desk.drafts.create(
            notes.patient.id, staff.acupuncturist.user_id, two_site_entry(), actor=staff.physician
        )
    needled = desk.drafts.create(
        notes.patient.id, staff.acupuncturist.user_id, needling(), actor=staff.physician
    )
    with pytest.raises(PermissionDenied, match="may not document trigger"):
        desk.drafts.save(needled.id, needled.version, two_site_entry(), actor=staff.physician)


def test_billing_lists_show_signed_notes_only(desk: Desk, staff: Staff, notes: Notes) -> None:
    clinician_view = {row.id for row in desk.queries.page(actor=staff.physician).rows}
    billing_view = {row.id for row in desk.queries.page(actor=staff.billing).rows}
    latest = desk.queries.latest_for_patient(notes.patient.id, actor=staff.billing)

    assert clinician_view == {notes.signed.id, notes.draft.id}
    assert billing_view == {notes.signed.id}
    assert latest is not None and latest.status is NoteStatus.SIGNED
    with pytest.raises(PermissionDenied, match="draft"):
        desk.audit.record_export(staff.billing, [notes.signed.id, notes.draft.id], "merged PDF")


def test_nobody_signed_in_may_change_clinical_content(
    desk: Desk, staff: Staff, notes: Notes
) -> None:
    with pytest.raises(PermissionDenied, match="Sign in first"):
        desk.patients.create(patient_facts("SYN-78"), actor=None)
    with pytest.raises(PermissionDenied, match="Sign in first"):
        desk.drafts.create(notes.patient.id, staff.physician.user_id, two_site_entry(), actor=None)
    with pytest.raises(PermissionDenied, match="Sign in first"):
        desk.signing.sign(
            notes.draft.id, notes.draft.version, staff.physician.user_id, actor=None, password=""
        )
    with pytest.raises(PermissionDenied, match="Sign in first"):
        desk.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=None)
    # Reading stays open to the local operator of a command-line tool (and is audited).
    assert desk.queries.load(notes.draft.id, actor=None).id == notes.draft.id
    action, who, record_type, record_id = audit_actions(desk.database)[-1]
    assert (action, record_type, record_id) == ("view", "session", notes.draft.id)
    assert who.startswith("local operator")


def test_signing_checks_the_signers_credentials_against_the_kind(
    desk: Desk, staff: Staff, notes: Notes
) -> None:
    draft = desk.drafts.create(
        notes.patient.id, staff.acupuncturist.user_id, needling(), actor=staff.acupuncturist
    )
    with desk.database.engine.begin() as connection:  # the kind changed behind the app's back
        connection.execute(
            text("UPDATE procedure_sessions SET kind = 'trigger_point_injection' WHERE id = :id"),
            {"id": draft.id},
        )
    current = desk.queries.load(draft.id, actor=staff.acupuncturist)

    with pytest.raises(PermissionDenied, match="may not sign trigger point injections"):
        desk.signing.sign(
            draft.id,
            current.version,
            staff.acupuncturist.user_id,
            actor=staff.acupuncturist,
            password=PASSWORD,
        )
    assert desk.queries.load(draft.id, actor=staff.physician).status is NoteStatus.DRAFT
