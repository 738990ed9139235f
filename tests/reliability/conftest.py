"""Fixtures for the reliability tests: a database with a patient and a physician in it."""

from __future__ import annotations

import pytest

from tests.reliability.workers import People, add_physician, physician_actor
from tests.services.conftest import patient_facts
from tpi_desk.models.database import Database
from tpi_desk.services.people.patients import PatientService


@pytest.fixture
def people(database: Database) -> People:
    provider_id = add_physician(database.session_factory)
    patient = PatientService(database.session_factory).create(
        patient_facts(mrn="SYN-7001", family="Nguyễn", given="Thị Ánh"),
        actor=physician_actor(provider_id),
    )
    return People(patient.id, provider_id)
