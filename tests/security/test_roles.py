"""Each role allowed and refused at the service level (SQLite and PostgreSQL); every refusal
is audited. Roles gate the actions; credentials never refuse a clinician (issue 12: NP-C,
PA-C, L.Ac., PT... are warned about by the scope-of-practice check instead)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

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
# Issue 12: credentials warn (injection_scope), never refuse: every clinician may write and
# sign an injection note.
INJECTORS = CLINICIANS


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


def test_an_acupuncturist_documenting_an_injection_is_warned_not_refused(
    desk: Desk, staff: Staff, notes: Notes
) -> None:
    # Issue 12 (scope of practice): outside the scope table -> injection_scope, never a refusal.
    draft = desk.drafts.create(
        notes.patient.id,
        staff.acupuncturist.user_id,
        two_site_entry(),
        actor=staff.acupuncturist,
    )
    analysis = desk.queries.analyse(
        draft.entry,
        notes.patient.id,
        session_id=draft.id,
        provider_id=staff.acupuncturist.user_id,
        actor=staff.acupuncturist,
    )
    (scope,) = [a for a in analysis.alerts if a.code == "injection_scope"]
    assert scope.message.startswith("Linh Nguyễn, LAc: Trigger point injections are performed")
    assert scope.path == "provider.credentials"


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
