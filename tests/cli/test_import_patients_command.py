"""`tpi-desk import-patients FILE`: a CSV of any common headers and date forms, or a FHIR
Bundle of Patients (validated with fhir.resources R4B), imported by MRN (updated, never
doubled), bad rows named by row and column, nothing half-imported, and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.cli.conftest import Run
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import Patient

TpiDesk = Callable[..., Run]
CSV_TEXT = (
    "Patient ID,Last Name,First Name,DOB,Gender,Weight (lb),Allergies,Insurance Type,Notes\n"
    "SYN-2001,Ñúñez,Zoë,03/14/1968,F,154 lb,latex; sulfa,Medicare,x\n"
    "SYN-2002,Ødegård,Łukasz,14 Mar 1979,male,80,NKDA,commercial,\n"
    "SYN-2003,Nguyen,Ana,1990-01-31,,,,,\n"
)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'clinic.sqlite3'}"


def _patients(url: str) -> dict[str, Patient]:
    with Desk.open(url) as desk, desk.database.session_factory() as db:
        return {row.mrn: row for row in db.scalars(select(Patient))}


def _imports_audited(url: str) -> int:
    with Desk.open(url) as desk, desk.database.session_factory() as db:
        detail = AuditEvent.detail.contains("imported from")
        return int(db.scalar(select(func.count()).where(detail)) or 0)


def test_a_dry_run_shows_the_mapping_and_writes_nothing(
    tpi_desk: TpiDesk, url: str, tmp_path: Path
) -> None:
    (tmp_path / "patients.csv").write_text(CSV_TEXT, encoding="utf-8")

    run = tpi_desk("import-patients", "patients.csv", "--dry-run", database=url)

    assert run.status == 0, run.stderr
    assert "  MRN: 'Patient ID'" in run.stdout
    assert "  Date of birth: 'DOB'" in run.stdout
    assert "  Not imported: 'Weight (lb)', 'Notes'" in run.stdout
    assert "Would import: 3 new patients, 0 updated, 0 unchanged." in run.stdout
    assert _patients(url) == {}


def test_the_csv_imports_once_and_a_second_run_updates_by_mrn(
    tpi_desk: TpiDesk, url: str, tmp_path: Path
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(CSV_TEXT.replace("Weight (lb)", "Weight"), encoding="utf-8")

    first = tpi_desk("import-patients", str(path), database=url)

    assert first.status == 0, first.stderr
    assert "Imported from patients.csv: 3 new patients, 0 updated, 0 unchanged." in first.stdout
    patients = _patients(url)
    zoe = patients["SYN-2001"]
    assert (zoe.family_name, zoe.given_name, zoe.date_of_birth.isoformat()) == (
        "Ñúñez",
        "Zoë",
        "1968-03-14",
    )
    assert (zoe.sex.value, str(zoe.weight_kg), zoe.allergies) == (
        "female",
        "69.85",
        ["latex", "sulfa"],
    )
    assert patients["SYN-2002"].no_known_drug_allergies
    assert patients["SYN-2002"].date_of_birth.isoformat() == "1979-03-14"

    path.write_text(CSV_TEXT.replace("Weight (lb)", "Weight").replace("Ana", "Anna"), "utf-8")
    second = tpi_desk("import-patients", str(path), database=url)

    assert second.status == 0, second.stderr
    assert "0 new patients, 1 updated, 2 unchanged" in second.stdout
    again = _patients(url)
    assert len(again) == 3 and again["SYN-2003"].given_name == "Anna"
    assert _imports_audited(url) == 4


def test_a_bad_row_is_named_and_nothing_is_written(
    tpi_desk: TpiDesk, url: str, tmp_path: Path
) -> None:
    bad = CSV_TEXT + "SYN-2004,Smith,Jo,31/31/1970,F,,,,\nSYN-2001,Twice,Al,1970-01-01,X,,,,\n"
    (tmp_path / "patients.csv").write_text(bad, encoding="utf-8")

    run = tpi_desk("import-patients", "patients.csv", database=url)

    assert run.status == 1
    assert "patients.csv: row 5, column 'DOB': '31/31/1970' is not a date" in run.stderr
    assert "row 6, column 'Patient ID': MRN SYN-2001 is also on row 2" in run.stderr
    assert "Nothing was imported: 2 problems in 2 rows." in run.stderr
    assert "Traceback" not in run.stderr
    assert _patients(url) == {}

    skipped = tpi_desk("import-patients", "patients.csv", "--skip-bad-rows", database=url)

    assert skipped.status == 0, skipped.stderr
    assert "3 new patients, 0 updated, 0 unchanged; 2 problems in 2 rows left out" in (
        skipped.stdout
    )
    assert set(_patients(url)) == {"SYN-2001", "SYN-2002", "SYN-2003"}


def test_a_fhir_bundle_of_patients_is_imported(tpi_desk: TpiDesk, url: str, tmp_path: Path) -> None:
    mr = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
    bundle: dict[str, Any] = {  # a FHIR document: JSON, of any shape
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [
                        {"system": "urn:example:ssn", "value": "000-00-0000"},
                        {"type": mr, "system": "urn:example:mrn", "value": "SYN-3001"},
                    ],
                    "name": [{"use": "official", "family": "Ødegård", "given": ["Łukasz", "J"]}],
                    "gender": "male",
                    "birthDate": "1975-06-30",
                }
            }
        ],
    }
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")

    run = tpi_desk("import-patients", "bundle.json", database=url)

    assert run.status == 0, run.stderr
    patient = _patients(url)["SYN-3001"]
    assert (patient.family_name, patient.given_name, patient.sex.value) == (
        "Ødegård",
        "Łukasz J",
        "male",
    )

    bundle["entry"][0]["resource"]["birthDate"] = "1975-13-30"
    (tmp_path / "bad.json").write_text(json.dumps(bundle), encoding="utf-8")
    bad = tpi_desk("import-patients", "bad.json", database=url)

    assert bad.status == 1
    assert "bad.json: entry 1, field 'Patient.birthDate':" in bad.stderr
    assert "Nothing was imported: 1 problem in 1 entry." in bad.stderr


def test_billing_staff_may_not_import_patients(tpi_desk: TpiDesk, url: str, tmp_path: Path) -> None:
    (tmp_path / "patients.csv").write_text(CSV_TEXT, encoding="utf-8")
    tpi_desk("import-patients", "patients.csv", "--dry-run", database=url)  # adds the admin
    with Desk.open(url) as desk:
        desk.users.add_user(
            "bkeane", "Bridget Keane", "billing password 1", role=Role.BILLING, actor=None
        )
    password = tmp_path / "billing-password"
    password.write_text("billing password 1\n", encoding="utf-8")

    run = tpi_desk(
        "--user", "bkeane", "--password-file", str(password), "import-patients", "patients.csv",
        database=url,
    )  # fmt: skip

    assert run.status == 1
    assert "bkeane (billing) may not run `tpi-desk import-patients`" in run.stderr
    assert _patients(url) == {}
