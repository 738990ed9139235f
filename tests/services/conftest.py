"""Fixtures for the service tests: real databases (SQLite and PostgreSQL) and sample records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from argon2 import PasswordHasher

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    Role,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord, ProviderRecord, UserRecord
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.importing import ImportService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService

CLINIC_TIME = timezone(timedelta(hours=-5))
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
# Every test account's password (the suite's accounts are synthetic).
PASSWORD = "correct horse 7"


def fast_hasher() -> PasswordHasher:
    """argon2id at its lowest cost: the same code path as the app, fast enough for tests."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass(frozen=True)
class Services:
    patients: PatientService
    providers: ProviderService
    drafts: DraftService
    queries: SessionQueries
    signing: SigningService
    importing: ImportService
    users: UserService


@pytest.fixture
def services(database: Database, catalog: Catalog) -> Services:
    factory = database.session_factory
    return Services(
        patients=PatientService(factory),
        providers=ProviderService(factory),
        drafts=DraftService(factory, catalog),
        queries=SessionQueries(factory, catalog, clock=lambda: NOW),
        signing=SigningService(factory, catalog, clock=lambda: NOW, hasher=fast_hasher()),
        importing=ImportService(factory, catalog, clock=lambda: NOW),
        users=UserService(factory, hasher=fast_hasher(), clock=lambda: NOW),
    )


def add_account(
    services: Services, facts: ProviderFacts, role: Role, password: str = PASSWORD
) -> ProviderRecord:
    """A user who can sign in (added by the local operator, as `tpi-desk users add` does)."""
    added = services.users.add_user(
        facts.username,
        facts.display_name,
        password,
        role=role,
        credentials=facts.credentials,
        npi=facts.npi,
        actor=None,
    )
    return provider_of(added)


def provider_of(user: UserRecord) -> ProviderRecord:
    return ProviderRecord(
        id=user.id,
        role=user.role,
        active=user.active,
        facts=ProviderFacts(user.username, user.display_name, user.credentials, user.npi),
    )


def actor_for(provider: ProviderRecord) -> Actor:
    """The signed-in user ``provider`` (as ``UserService.authenticate`` would return it)."""
    return Actor(provider.id, provider.facts.username, provider.role, provider.facts.credentials)


def patient_facts(mrn: str = "SYN-1001", family: str = "Ñúñez", given: str = "Zoë") -> PatientFacts:
    return PatientFacts(
        mrn=mrn,
        family_name=family,
        given_name=given,
        date_of_birth=date(1979, 4, 2),
        sex=Sex.FEMALE,
        weight_kg=Decimal("68.5"),
        allergies=("latex",),
    )


PHYSICIAN = ProviderFacts(
    username="ihartley", display_name="Dr. Imogen Hartley", credentials="MD", npi="1234567893"
)


@pytest.fixture
def physician(services: Services) -> ProviderRecord:
    """Dr. Hartley, MD, who signs in with ``PASSWORD``."""
    return add_account(services, PHYSICIAN, Role.PHYSICIAN)


@pytest.fixture
def patient(services: Services, physician: ProviderRecord) -> PatientRecord:
    return services.patients.create(patient_facts(), actor=actor_for(physician))


def lidocaine(volume_ml: str, *, expires: date = date(2027, 6, 30)) -> MedicationEntry:
    return MedicationEntry("lidocaine", Decimal(10), Decimal(volume_ml), "LX-2291", expires)


def two_site_entry(performed_at: datetime | None = None, **changes: object) -> SessionEntry:
    """A complete, signable two-site TPI session (1 % lidocaine and triamcinolone)."""
    entry = SessionEntry(
        performed_at=performed_at or datetime(2026, 11, 20, 9, 30, tzinfo=CLINIC_TIME),
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.SEATED,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=7,
        pain_after=2,
        diagnoses=("M79.12", "M54.2"),
        sites=(
            SiteEntry(
                "upper_trapezius",
                Side.BILATERAL,
                points=2,
                needle_gauge=25,
                needle_length_mm=Decimal("38.1"),
                twitch_response=True,
                medications=(
                    lidocaine("2"),
                    MedicationEntry(
                        "triamcinolone_acetonide",
                        Decimal(40),
                        Decimal("0.5"),
                        "TK-88",
                        date(2027, 1, 31),
                    ),
                ),
            ),
            SiteEntry("levator_scapulae", Side.LEFT, points=1, medications=(lidocaine("1"),)),
        ),
        side_effects=("transient numbness",),
        notes="Taut bands with local twitch response in both upper trapezius.",
        instructions="Expect soreness for a few days.",
        follow_up="Review in 6 weeks.",
    )
    # ``changes`` name any field, as `object`: mypy cannot match them to replace()'s keywords.
    return replace(entry, **changes) if changes else entry  # type: ignore[arg-type]
