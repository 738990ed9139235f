"""Builders of synthetic rows for the database-layer tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import ProcedureKind, Role, Sex, Side
from tpi_desk.models.database import Database
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
)

NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def add_provider(session: Session, username: str = "lukasz") -> User:
    user = User(
        username=username,
        display_name="Łukasz Ødegård",
        credentials="MD",
        npi="1234567893",
        role=Role.PHYSICIAN,
    )
    session.add(user)
    return user


def add_patient(session: Session, mrn: str = "MRN-0001") -> Patient:
    patient = Patient(
        mrn=mrn,
        family_name="Ñúñez",
        given_name="Zoë",
        date_of_birth=date(1979, 3, 14),
        sex=Sex.FEMALE,
        weight_kg=Decimal("72.45"),
        allergies=["sulfites", "látex"],
    )
    session.add(patient)
    return patient


def add_draft(session: Session, patient: Patient, provider: User) -> ProcedureSession:
    """A draft with two diagnoses and two sites, the first with two medications."""
    draft = ProcedureSession(
        patient=patient, provider=provider, kind=ProcedureKind.TRIGGER_POINT_INJECTION
    )
    draft.set_performed_at(datetime(2025, 1, 15, 9, 30, tzinfo=NEW_YORK_WINTER))
    draft.diagnoses.extend([SessionDiagnosis(code="M79.18"), SessionDiagnosis(code="M54.2")])
    first = InjectionSite(muscle_id="upper_trapezius", side=Side.LEFT, points=2)
    first.medications.extend(
        [
            MedicationLine(
                drug_id="lidocaine_1pct",
                concentration_mg_per_ml=Decimal("10"),
                volume_ml=Decimal("2.5"),
                lot="LDC-2291",
                expires=date(2026, 6, 30),
            ),
            MedicationLine(
                drug_id="triamcinolone_40",
                concentration_mg_per_ml=Decimal("40"),
                volume_ml=Decimal("0.25"),
            ),
        ]
    )
    second = InjectionSite(muscle_id="levator_scapulae", side=Side.RIGHT)
    draft.sites.extend([first, second])
    session.add(draft)
    return draft


@pytest.fixture
def draft_id(database: Database) -> int:
    """The id of a committed draft (patient, provider, diagnoses, sites, medications)."""
    with database.session_factory.begin() as session:
        draft = add_draft(session, add_patient(session), add_provider(session))
        session.flush()
        return draft.id
