"""Fixtures for the security tests: every service, and one account of each kind of user."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

import pytest
from sqlalchemy import select

from tests.services.conftest import (
    NOW,
    PASSWORD,
    fast_hasher,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind, Role, SessionEntry, Side, SiteEntry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.audit.events import AuditService
from tpi_desk.services.audit.queries import AuditQueries
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.addenda import AddendumService
from tpi_desk.services.sessions.cosign import CosignService
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.entered_in_error import EnteredInErrorService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService
from tpi_desk.services.sessions.templates import TemplateService
from tpi_desk.services.settings.clinic_settings import ClinicSettingsService

__all__ = ["NOW", "PASSWORD"]


class Clock:
    """A clock the test moves by hand (for lockouts and audit dates)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass(frozen=True)
class Desk:
    """Every service of the app over one database, as the GUI's context will hold them."""

    database: Database
    clock: Clock
    users: UserService
    patients: PatientService
    drafts: DraftService
    queries: SessionQueries
    signing: SigningService
    cosign: CosignService
    errors: EnteredInErrorService
    addenda: AddendumService
    templates: TemplateService
    settings: ClinicSettingsService
    audit: AuditService
    audit_log: AuditQueries
    verification: VerificationService


@dataclass(frozen=True)
class Staff:
    """One signed-in account of each kind."""

    admin: Actor
    physician: Actor
    second_physician: Actor
    nurse_practitioner: Actor
    physician_assistant: Actor
    acupuncturist: Actor
    billing: Actor


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(database: Database, catalog: Catalog, clock: Clock) -> Desk:
    factory = database.session_factory
    hasher = fast_hasher()
    return Desk(
        database=database,
        clock=clock,
        users=UserService(factory, hasher=hasher, clock=clock),
        patients=PatientService(factory),
        drafts=DraftService(factory, catalog),
        queries=SessionQueries(factory, catalog, clock=clock),
        signing=SigningService(factory, catalog, clock=clock, hasher=hasher),
        cosign=CosignService(factory, clock=clock, hasher=hasher),
        errors=EnteredInErrorService(factory, clock=clock, hasher=hasher),
        addenda=AddendumService(factory, clock=clock, hasher=hasher),
        templates=TemplateService(factory, catalog),
        settings=ClinicSettingsService(factory),
        audit=AuditService(factory, clock=clock),
        audit_log=AuditQueries(factory, clock=clock),
        verification=VerificationService(factory, clock=clock),
    )


# username, display name, credentials, role
ACCOUNTS = {
    "admin": ("admin.ada", "Ada Ødegård", "", Role.ADMIN),
    "physician": ("ihartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN),
    "second_physician": ("cokonkwo", "Dr. Chidi Okonkwo", "DO", Role.PHYSICIAN),
    "nurse_practitioner": ("rvarga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER),
    "physician_assistant": ("plindgren", "Per Lindgren", "PA-C", Role.NURSE_PRACTITIONER),
    "acupuncturist": ("lnguyen", "Linh Nguyễn", "L.Ac.", Role.NURSE_PRACTITIONER),
    "billing": ("kim.billing", "Kim Łukasz", "CPC", Role.BILLING),
}


@pytest.fixture
def staff(desk: Desk) -> Staff:
    """The clinic's first administrator adds everyone else; each then signs in."""
    username, name, _, _ = ACCOUNTS["admin"]
    desk.users.create_first_admin(username, name, PASSWORD)
    admin = desk.users.authenticate(username, PASSWORD)
    signed_in = {"admin": admin}
    for key, (user, display, credentials, role) in ACCOUNTS.items():
        if key == "admin":
            continue
        desk.users.add_user(
            user, display, PASSWORD, role=role, credentials=credentials, actor=admin
        )
        signed_in[key] = desk.users.authenticate(user, PASSWORD)
    return Staff(**signed_in)


@pytest.fixture
def patient(desk: Desk, staff: Staff) -> PatientRecord:
    return desk.patients.create(patient_facts(), actor=staff.physician)


def dry_needling_entry() -> SessionEntry:
    """A complete, signable dry-needling session (no medications)."""
    return replace(
        two_site_entry(),
        kind=ProcedureKind.DRY_NEEDLING,
        sites=(
            SiteEntry("upper_trapezius", Side.LEFT, points=3, needle_gauge=32),
            SiteEntry("levator_scapulae", Side.LEFT, points=2, needle_gauge=32),
        ),
    )


class SignNote(Protocol):
    """The ``sign_note`` fixture: a draft by ``author``, signed by them."""

    def __call__(
        self, author: Actor, entry: SessionEntry | None = None, password: str = PASSWORD
    ) -> SessionRecord: ...


@pytest.fixture
def sign_note(desk: Desk, patient: PatientRecord) -> SignNote:
    """``sign_note(author, entry=None, password=PASSWORD)``: a draft by ``author``, signed
    by them."""

    def sign(
        author: Actor, entry: SessionEntry | None = None, password: str = PASSWORD
    ) -> SessionRecord:
        draft = desk.drafts.create(
            patient.id, author.user_id, entry or two_site_entry(), actor=author
        )
        return desk.signing.sign(
            draft.id, draft.version, author.user_id, actor=author, password=password
        )

    return sign


def audit_actions(database: Database) -> list[tuple[str, str, str, int | None]]:
    """(action, username, record type, record id) of every audit entry, in order."""
    with database.session_factory() as db:
        rows = db.execute(
            select(
                AuditEvent.action,
                AuditEvent.actor_name,
                AuditEvent.record_type,
                AuditEvent.record_id,
            ).order_by(AuditEvent.sequence)
        ).all()
    return [tuple(row) for row in rows]
