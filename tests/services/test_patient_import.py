"""Patients in (issue 15 item 4) on real SQLite and PostgreSQL databases: created and updated
by MRN in one transaction, each audited with its content hash in the chain (``verify``
finds everything intact), refused to readers who may not edit patients, rolled back whole."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services.conftest import Services, actor_for, add_account, patient_facts
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber, SubscriberSex
from tpi_desk.clinical.patient_import import map_columns, read_rows
from tpi_desk.clinical.record import PatientFacts, ProviderFacts, Role
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.services.errors import PermissionDenied, UserError
from tpi_desk.services.integrity.anchors import Anchors
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.people.patient_files import read_patient_file
from tpi_desk.services.people.patient_import import PatientImportService

TODAY = date(2026, 11, 20)


@pytest.fixture
def importer(database: Database) -> PatientImportService:
    return PatientImportService(database.session_factory)


def _many(count: int) -> list[PatientFacts]:
    return [patient_facts(f"SYN-{n:05d}", "Nguyen", f"Ana{n}") for n in range(count)]


def test_new_and_known_mrns_are_created_and_updated_and_the_chain_stays_intact(
    database: Database,
    services: Services,
    importer: PatientImportService,
    physician: ProviderRecord,
    tmp_path: Path,
) -> None:
    actor = actor_for(physician)
    known = services.patients.create(patient_facts("SYN-00001"), actor=actor)
    patients = _many(1500)  # more than one statement's worth
    patients[1] = replace(patients[1], family_name="Ñúñez-Ødegård")
    steps: list[tuple[int, int]] = []

    counts = importer.import_patients(
        patients, source="clinic.csv", actor=actor, progress=lambda _, d, t: steps.append((d, t))
    )

    assert (counts.created, counts.updated, counts.unchanged) == (1499, 1, 0)
    assert steps[-1] == (1500, 1500)
    assert services.patients.get(known.id, actor=actor).facts.family_name == "Ñúñez-Ødegård"
    assert len(services.patients.search("nguyen", limit=2000, actor=actor)) == 1499
    again = importer.import_patients(patients, source="clinic.csv", actor=actor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1500)
    with database.session_factory() as db:
        details = db.scalars(
            select(AuditEvent.detail).where(AuditEvent.detail.contains("imported from"))
        ).all()
    assert len(details) == 1500 and all("content sha256:" in d for d in details)
    report = VerificationService(
        database.session_factory, anchors=Anchors(tmp_path, database.url)
    ).verify(actor=None)
    # The fixture's physician registered a key outside an administrator's signature: that
    # finding is the fixture's; no patient and no audit entry may be named.
    assert [f.message for f in report.findings if "signing key" not in f.message] == []


def test_billing_staff_may_not_import_and_nothing_is_written(
    services: Services, importer: PatientImportService
) -> None:
    billing = add_account(services, ProviderFacts("bkeane", "Bridget Keane", ""), Role.BILLING)

    with pytest.raises(PermissionDenied):
        importer.import_patients(_many(3), source="x.csv", actor=actor_for(billing))

    assert services.patients.search("nguyen") == []


def test_a_failure_in_the_middle_leaves_nothing(
    services: Services, importer: PatientImportService, physician: ProviderRecord
) -> None:
    patients = _many(5)
    patients[3] = replace(patients[3], mrn="SYN-00001")  # the database refuses the second

    with pytest.raises(UserError):
        importer.import_patients(patients, source="x.csv", actor=actor_for(physician))

    assert services.patients.search("nguyen") == []


def test_the_csv_reader_names_rows_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "MRN;Surname;Given Name;Date of Birth;Sex;Weight\n"
        "SYN-1;Ñúñez;Zoë;25.12.1970;W;72,5\n"
        "SYN-2;;Al;01.02.1971;M;heavy\n",
        encoding="utf-8",
    )

    read = read_patient_file(path, today=TODAY)

    assert read.mapping.date_order.value == "DMY"
    assert read.headers == ("MRN", "Surname", "Given Name", "Date of Birth", "Sex", "Weight")
    assert [p.text() for p in read.problems] == [
        "row 3, column 'Weight': 'heavy' is not a weight: write kilograms, e.g. 72.5 (or 160 lb)",
    ]
    mapping = map_columns(read.headers, today=TODAY)
    second = read_rows(mapping, [{"MRN": "SYN-2", "Date of Birth": "1971-02-01"}], today=TODAY)
    assert [p.column for p in second.problems] == ["Surname", "Given Name"]
    assert [p.row for p in second.problems] == [2, 2]
    zoe = read.read.patients[0]
    assert (zoe.date_of_birth, str(zoe.weight_kg)) == (date(1970, 12, 25), "72.5")


def test_a_bundle_names_its_bad_entries(tmp_path: Path) -> None:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"value": "SYN-5001"}],
        "name": [{"family": "Ñúñez", "given": ["Zoë"]}],
        "birthDate": "1980-02-29",
    }
    practitioner = {"resourceType": "Practitioner", "name": [{"family": "Hartley"}]}
    entries = [{"resource": r} for r in (patient, patient, practitioner)]
    path = tmp_path / "bundle.json"
    path.write_text(
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}), "utf-8"
    )

    read = read_patient_file(path, today=TODAY)

    assert [p.text() for p in read.problems] == [
        "entry 2, field 'Patient.identifier': MRN SYN-5001 is also in entry 1; keep one per "
        "patient",
        "entry 3, field 'resourceType': is Practitioner; only Patient resources are imported",
    ]
    assert [p.mrn for p in read.read.patients] == ["SYN-5001"]


def test_a_list_without_insurance_keeps_the_insurance_on_file_and_new_patients_get_theirs(
    services: Services, importer: PatientImportService, physician: ProviderRecord
) -> None:
    """Failed before: an imported patient's hash ignored the insurance columns (a crash), and a
    list without insurance would have erased the coverage on file (a dependent's insured
    person and address included)."""
    actor = actor_for(physician)
    on_file = PatientInsurance(
        payer_name="Synthetic Mutual", payer_id="SYN01", member_id="M-1",
        relationship=InsuredRelationship.CHILD,
        subscriber=Subscriber("Okafor", "Adaeze", date(1961, 8, 14), SubscriberSex.FEMALE),
        patient_address=PostalAddress("14 Alder Lane", "Portland", "ME", "04101"),
    )  # fmt: skip
    known = services.patients.create(
        replace(patient_facts("SYN-00001"), insurance=on_file), actor=actor
    )
    newcomer = replace(
        patient_facts("SYN-00002"),
        insurance=PatientInsurance(payer_name="Example Health", payer_id="EXH", member_id="Z9"),
    )

    counts = importer.import_patients(
        [replace(patient_facts("SYN-00001"), given_name="Renamed"), newcomer],
        source="clinic.csv",
        actor=actor,
    )

    assert (counts.created, counts.updated) == (1, 1)
    kept = services.patients.get(known.id, actor=actor).facts
    assert (kept.given_name, kept.insurance) == ("Renamed", on_file)
    found = services.patients.search("SYN-00002", limit=5, actor=actor)
    assert [services.patients.get(p.id, actor=actor).facts.insurance for p in found] == [
        newcomer.insurance
    ]
