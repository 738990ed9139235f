"""A clinic for the admin and co-signature GUI tests: one account of each role, a patient."""

from __future__ import annotations

from dataclasses import dataclass

from tests.gui.window_support import RecordingMessages, make_context
from tests.services.conftest import PASSWORD, patient_facts, two_site_entry
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.services.audit.queries import AuditQueries
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.cosign import CosignService
from tpi_desk.services.sessions.entered_in_error import EnteredInErrorService
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN
from tpi_desk.ui.app_context import AppContext

__all__ = ["PASSWORD", "Clinic", "open_clinic"]

# username, display name, credentials, role
ACCOUNTS = {
    "admin": ("admin.ada", "Ada Ødegård", "", Role.ADMIN),
    "physician": ("ihartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN),
    "second_physician": ("cokonkwo", "Dr. Chidi Okonkwo", "DO", Role.PHYSICIAN),
    "nurse_practitioner": ("rvarga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER),
    "billing": ("kim.billing", "Kim Łukasz", "CPC", Role.BILLING),
}


@dataclass(frozen=True)
class Clinic:
    """The app's context, the services the admin screens use, and signed-in accounts."""

    context: AppContext
    messages: RecordingMessages
    users: UserService
    cosign: CosignService
    errors: EnteredInErrorService
    audit_log: AuditQueries
    admin: Actor
    physician: Actor
    second_physician: Actor
    nurse_practitioner: Actor
    billing: Actor
    patient: PatientRecord

    def sign_note(self, author: Actor) -> SessionRecord:
        """A complete two-site note written and signed by ``author``."""
        draft = self.context.drafts.create(
            self.patient.id, author.user_id, two_site_entry(), actor=author
        )
        return self.context.signing.sign(
            draft.id, draft.version, author.user_id, actor=author, password=PASSWORD
        )

    def require_cosign(self) -> None:
        self.context.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=self.admin)


def open_clinic(desk: Desk) -> Clinic:
    """The accounts and the patient added to ``desk`` (a test desk: fast hasher, fixed clock)."""
    context = make_context(desk)
    users = desk.users
    username, name, _, _ = ACCOUNTS["admin"]
    users.create_first_admin(username, name, PASSWORD)
    admin = users.authenticate(username, PASSWORD)
    actors = {"admin": admin}
    for key, (user, display, credentials, role) in ACCOUNTS.items():
        if key != "admin":
            users.add_user(user, display, PASSWORD, role=role, credentials=credentials, actor=admin)
            actors[key] = users.authenticate(user, PASSWORD)
    patient = context.patients.create(patient_facts(), actor=actors["physician"])
    return Clinic(
        context=context,
        messages=RecordingMessages(answer=True),
        users=users,
        cosign=desk.cosign,
        errors=desk.entered_in_error,
        audit_log=desk.audit_log,
        patient=patient,
        **actors,
    )
