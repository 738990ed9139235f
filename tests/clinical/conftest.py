"""Fixtures for the clinical tests: the real catalog and a complete, signable TPI session."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.clinical.session_document_support import Document, example_document
from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)
from tpi_desk.paths import resource_path

SESSION_TIME = datetime(2026, 3, 10, 9, 30)
SESSION_DAY = SESSION_TIME.date()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(resource_path("catalog"))


LOT_EXPIRY = date(2027, 6, 30)


def _lidocaine(volume_ml: str) -> MedicationEntry:
    return MedicationEntry("lidocaine", Decimal("10"), Decimal(volume_ml), "LX-2291", LOT_EXPIRY)


@pytest.fixture(scope="session")
def complete_entry() -> SessionEntry:
    """A TPI session with everything the signing checklist asks for."""
    return SessionEntry(
        performed_at=SESSION_TIME,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.PRONE,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=7,
        pain_after=2,
        diagnoses=("M79.18",),
        sites=(
            SiteEntry("upper_trapezius", Side.LEFT, points=2, medications=(_lidocaine("3"),)),
            SiteEntry("levator_scapulae", Side.RIGHT, points=1, medications=(_lidocaine("2"),)),
        ),
    )


@pytest.fixture(scope="session")
def patient() -> PatientFacts:
    return PatientFacts(
        mrn="MRN-000417",
        family_name="Ñúñez",
        given_name="Zoë",
        date_of_birth=date(1979, 4, 2),
        sex=Sex.FEMALE,
        weight_kg=Decimal("68.5"),
    )


@pytest.fixture
def example() -> Document:
    """The session document example (docs/examples/session.json) as decoded JSON, fresh for
    each test to change."""
    return example_document()
