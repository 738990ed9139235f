"""FhirExportService (issue 15): signed notes only, audited per note, the MRN system from the
clinic's settings; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.clinical.settings import CLINIC_NPI, FHIR_MRN_SYSTEM
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.errors import PermissionDenied, UserError
from tpi_desk.services.export.exporting import ExportCriteria, ExportStatus, NothingToExport
from tpi_desk.services.export.fhir_export import FHIR_DESTINATION, FhirExportService
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.permissions import Actor

TODAY = date(2026, 3, 20)  # demo sessions before it are signed, today's are drafts
NOW = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
LAST_WEEK = ExportCriteria(date(2026, 3, 13), TODAY)


@pytest.fixture
def demo(database: Database, catalog: Catalog) -> Database:
    generate_demo_data(database.engine, catalog, patients=5, sessions=16, seed=9, today=TODAY)
    return database


def service(database: Database, catalog: Catalog) -> FhirExportService:
    return FhirExportService(database.session_factory, catalog, clock=lambda: NOW)


def patient_systems(path: Path) -> set[str]:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    return {
        entry["resource"]["identifier"][0]["system"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Patient"
    }


def test_the_bundle_is_valid_and_each_note_audited(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "bundle.json"
    summary = service(demo, catalog).export(LAST_WEEK, path)

    Bundle.model_validate_json(path.read_text(encoding="utf-8"))
    with demo.session_factory() as db:
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
    assert summary.notes > 0
    assert sorted(event.record_id or 0 for event in events) == sorted(
        int(session_id) for session_id in summary.session_ids
    )
    assert {event.detail for event in events} == {f"{FHIR_DESTINATION}; {summary.notes} note(s)"}
    assert patient_systems(path) == {"urn:tpi-desk:clinic:local:mrn"}


def test_the_mrn_system_follows_the_clinic_settings(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    export = service(demo, catalog)
    with demo.session_factory.begin() as db:
        db.add(ClinicSetting(key=CLINIC_NPI, value="1234567893"))
    export.export(LAST_WEEK, tmp_path / "by-npi.json")
    with demo.session_factory.begin() as db:
        db.add(ClinicSetting(key=FHIR_MRN_SYSTEM, value="urn:oid:2.16.840.1.113883.19.5"))
    export.export(LAST_WEEK, tmp_path / "set.json")

    assert patient_systems(tmp_path / "by-npi.json") == {"urn:tpi-desk:clinic:1234567893:mrn"}
    assert patient_systems(tmp_path / "set.json") == {"urn:oid:2.16.840.1.113883.19.5"}
    assert export.mrn_system() == "urn:oid:2.16.840.1.113883.19.5"


def test_drafts_are_refused_and_nothing_written(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="signed notes only"):
        service(demo, catalog).export(replace(LAST_WEEK, status=ExportStatus.ALL), tmp_path / "b")
    with pytest.raises(NothingToExport, match="No signed notes from 2025-03-01"):
        service(demo, catalog).export(
            ExportCriteria(date(2025, 3, 1), date(2025, 3, 31)), tmp_path / "b"
        )
    assert not (tmp_path / "b").exists()


def test_administrators_may_not_export_notes(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    admin = ProviderService(demo.session_factory).add(
        ProviderFacts("kadmin", "Kai Admin", "IT"), Role.ADMIN
    )
    with pytest.raises(PermissionDenied):
        service(demo, catalog).export(
            LAST_WEEK, tmp_path / "b.json", actor=Actor(admin.id, "kadmin", Role.ADMIN)
        )
    assert not (tmp_path / "b.json").exists()
