"""Issue 15 item 8: a demo database carries a synthetic clinic identity (name, address, NPI
with a valid check digit, tax ID) and synthetic insurance for every demo patient."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.security.test_demo_data_database import no_operator
from tpi_desk.cli import main
from tpi_desk.clinical.insurance_checks import insurance_problems
from tpi_desk.clinical.record import Coverage
from tpi_desk.clinical.settings import clinic_setting
from tpi_desk.desk import Desk
from tpi_desk.models.people import Patient
from tpi_desk.services.sessions.record_mapping import patient_insurance
from tpi_desk.services.settings.demo_clinic import DEMO_CLINIC_IDENTITY

__all__ = ["no_operator"]


def test_a_fresh_demo_database_has_the_clinic_identity_and_insured_patients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    assert main(["--database", url, "demo-data", "--patients", "12", "--sessions", "0"]) == 0

    capsys.readouterr()
    with Desk.open(url) as desk:
        settings = desk.settings.load()
        with desk.database.session_factory() as db:
            patients = list(db.scalars(select(Patient)))
    assert settings.clinic_name == "Riverside Pain Clinic (demo)"
    assert (settings.clinic_street, settings.clinic_city, settings.clinic_state) == (
        "100 Demo Plaza Suite 4",
        "Riverside",
        "NY",
    )
    for key, value in DEMO_CLINIC_IDENTITY.items():
        declared = clinic_setting(key)
        assert declared is not None and declared.problem(value) is None, key
    assert len(patients) == 12
    member_ids = set()
    for row in patients:
        insurance = patient_insurance(row)
        assert insurance is not None, row.mrn
        assert insurance_problems(insurance) == ()
        # A dependent has the insured person on file, and commercial coverage; every patient
        # an address (2010BA N3/N4, "Required when the patient is the subscriber").
        on_file = (insurance.subscriber is not None, insurance.patient_address is not None)
        assert on_file == (insurance.is_dependent, True), row.mrn
        if insurance.is_dependent:
            assert row.coverage is Coverage.COMMERCIAL
        assert "demo" in insurance.payer_name.lower()
        member_ids.add(insurance.member_id)
    assert len(member_ids) == 12
