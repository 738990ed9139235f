"""The export service: which notes (dates, provider, status, patient), mapped and written."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services.conftest import CLINIC_TIME as SERVICES_CLINIC_TIME
from tests.services.conftest import NOW as SERVICES_NOW
from tests.services.conftest import PASSWORD, Services, actor_for, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import derive_codes
from tpi_desk.clinical.record import (
    MedicationEntry,
    NoteStatus,
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
from tpi_desk.clinical.session_document import SessionDocument
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.people import User
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, UserError
from tpi_desk.services.export.exporting import (
    DEFAULT_CLINIC_NAME,
    ExportCriteria,
    ExportFailed,
    ExportService,
    ExportStatus,
    NothingToExport,
)
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.importing import ImportService
from tpi_desk.services.sessions.session_queries import SessionQueries

TODAY = date(2026, 3, 20)  # a Friday; demo sessions before it are signed, today's are drafts
NOW = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
CLINIC_TIME = timezone(timedelta(hours=-5))
WHOLE_DEMO = ExportCriteria(date(2026, 1, 1), TODAY)


@pytest.fixture
def demo(database: Database, catalog: Catalog) -> Database:
    """Synthetic clinic data: signed notes on the weekdays of the last month, drafts today."""
    generate_demo_data(database.engine, catalog, patients=12, sessions=40, seed=5, today=TODAY)
    return database


def service(database: Database, catalog: Catalog) -> ExportService:
    return ExportService(database.session_factory, catalog, clock=lambda: NOW)


def stored(database: Database) -> list[ProcedureSession]:
    """Every session, oldest first, read straight from the tables (not via the service)."""
    with database.session_factory() as db:
        query = select(ProcedureSession).order_by(
            ProcedureSession.performed_at, ProcedureSession.id
        )
        rows = list(db.scalars(query))
        db.expunge_all()
    return rows


def exported_ids(service_: ExportService, criteria: ExportCriteria) -> list[int]:
    return [int(note.session_id) for note in service_.select(criteria)]


def document(performed_at: datetime, mrn: str = "SYN-2001") -> SessionDocument:
    """A complete injection session, as `tpi-desk import` takes it."""
    patient = PatientFacts(mrn, "Ødegård", "Ingrid", date(1962, 5, 8), Sex.FEMALE, Decimal(72))
    provider = ProviderFacts("aokafor", "Amara Okafor", "MD", "1234567893")
    entry = SessionEntry(
        performed_at=performed_at,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.SEATED,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=6,
        pain_after=2,
        diagnoses=("M79.12",),
        sites=(
            SiteEntry(
                "upper_trapezius",
                Side.LEFT,
                medications=(
                    MedicationEntry(
                        "lidocaine", Decimal(10), Decimal(2), "LX-1", date(2027, 1, 31)
                    ),
                ),
            ),
        ),
    )
    return SessionDocument(patient, provider, entry)


def test_signed_notes_of_the_range_come_oldest_first(demo: Database, catalog: Catalog) -> None:
    first, last = date(2026, 3, 2), date(2026, 3, 13)

    ids = exported_ids(service(demo, catalog), ExportCriteria(first, last))

    expected = [
        row.id
        for row in stored(demo)
        if row.status is NoteStatus.SIGNED and first <= row.local_performed_at.date() <= last
    ]
    assert ids == expected
    assert len(ids) > 10


def test_drafts_only_with_status_all_and_then_unsigned(demo: Database, catalog: Catalog) -> None:
    export = service(demo, catalog)

    signed = list(export.select(WHOLE_DEMO))
    everything = list(export.select(replace(WHOLE_DEMO, status=ExportStatus.ALL)))

    assert {note.status for note in signed} == {NoteStatus.SIGNED}
    drafts = [note for note in everything if note.status is NoteStatus.DRAFT]
    assert drafts, "today's demo sessions are drafts"
    assert all(note.signature is None for note in drafts)
    assert len(everything) == len(signed) + len(drafts) == len(stored(demo))


def test_the_clinic_local_date_of_service_decides(database: Database, catalog: Catalog) -> None:
    late_evening = datetime(2026, 3, 2, 21, 30, tzinfo=CLINIC_TIME)  # 02:30 UTC on the 3rd
    early_morning = datetime(2026, 3, 3, 0, 15, tzinfo=timezone(timedelta(hours=1)))  # 23:15 UTC
    imported = ImportService(database.session_factory, catalog).import_documents(
        [document(late_evening), document(early_morning, mrn="SYN-2002")]
    )
    evening_id, morning_id = (result.session_id for result in imported)
    export = service(database, catalog)
    every = ExportStatus.ALL

    assert exported_ids(
        export, ExportCriteria(date(2026, 3, 2), date(2026, 3, 2), status=every)
    ) == [evening_id]
    assert exported_ids(
        export, ExportCriteria(date(2026, 3, 3), date(2026, 3, 3), status=every)
    ) == [morning_id]
    (note,) = export.select(ExportCriteria(date(2026, 3, 2), date(2026, 3, 2), status=every))
    assert note.entry.performed_at == late_evening
    assert note.entry.performed_at.utcoffset() == timedelta(hours=-5)


def test_one_providers_notes(demo: Database, catalog: Catalog) -> None:
    with demo.session_factory() as db:
        users = {user.id: user.username for user in db.scalars(select(User))}
    rows = [row for row in stored(demo) if row.status is NoteStatus.SIGNED]
    username = users[rows[0].provider_id]

    notes = list(service(demo, catalog).select(replace(WHOLE_DEMO, provider_username=username)))

    assert [int(note.session_id) for note in notes] == [
        row.id for row in rows if users[row.provider_id] == username
    ]
    assert {note.provider.username for note in notes} == {username}


def test_an_unknown_provider_is_named(demo: Database, catalog: Catalog) -> None:
    with pytest.raises(NotFound, match="no provider with the username 'nobody'"):
        service(demo, catalog).select(replace(WHOLE_DEMO, provider_username="nobody"))


def test_one_patients_notes(demo: Database, catalog: Catalog) -> None:
    rows = [row for row in stored(demo) if row.status is NoteStatus.SIGNED]
    patient_id = rows[-1].patient_id

    ids = exported_ids(service(demo, catalog), replace(WHOLE_DEMO, patient_id=patient_id))

    assert ids == [row.id for row in rows if row.patient_id == patient_id]


def test_a_note_carries_the_session_its_codes_and_its_signature(
    demo: Database, catalog: Catalog
) -> None:
    queries = SessionQueries(demo.session_factory, catalog, clock=lambda: NOW)

    notes = list(service(demo, catalog).select(WHOLE_DEMO))

    for note in notes[:15]:
        record = queries.load(int(note.session_id))
        assert note.entry == record.entry
        assert note.patient == record.patient.facts
        assert note.provider == record.provider.facts
        assert note.analysis.coding == derive_codes(record.entry, catalog)
        assert note.signature is not None
        assert note.signature.signer == record.signed_by
        assert note.signature.credentials == record.provider.facts.credentials
        assert note.signature.signed_at == record.signed_at
        assert note.signature.signed_at.utcoffset() == note.entry.performed_at.utcoffset()
        assert note.content_hash == record.content_hash
        assert note.clinic.name == DEFAULT_CLINIC_NAME
        assert note.generated_at == NOW


def test_the_clinic_header_comes_from_the_settings(demo: Database, catalog: Catalog) -> None:
    settings = {
        "clinic.name": "Fjordside Pain Clinic",
        "clinic.address_lines": ["Strandgata 12", "5004 Bergen"],
        "clinic.phone": "+47 55 00 00 00",
        "clinic.logo_path": "",
        "clinic.location": "Room 3",
    }
    with demo.session_factory.begin() as db:
        db.add_all(ClinicSetting(key=key, value=value) for key, value in settings.items())

    note = next(iter(service(demo, catalog).select(WHOLE_DEMO)))

    assert note.clinic.name == "Fjordside Pain Clinic"
    assert note.clinic.address_lines == ("Strandgata 12", "5004 Bergen")
    assert note.clinic.phone == "+47 55 00 00 00"
    assert note.clinic.logo_path is None
    assert note.location == "Room 3"


def test_without_a_location_the_note_names_the_clinic_and_its_npi(
    demo: Database, catalog: Catalog
) -> None:
    """Issue 14: a clinic with no location set printed "Location —"; the first start now
    asks for its identity, and the clinic's name (and its NPI) print instead."""
    settings = {"clinic.name": "Harbor Pain Clinic", "clinic.npi": "1245319599"}
    with demo.session_factory.begin() as db:
        db.add_all(ClinicSetting(key=key, value=value) for key, value in settings.items())

    note = next(iter(service(demo, catalog).select(WHOLE_DEMO)))

    assert note.location == "Harbor Pain Clinic"
    assert note.clinic.npi == "1245319599"


def test_the_csv_holds_each_sessions_derived_codes(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    queries = SessionQueries(demo.session_factory, catalog, clock=lambda: NOW)
    claims = tmp_path / "claims.csv"

    summary = service(demo, catalog).export(WHOLE_DEMO, csv_path=claims)

    with claims.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary.claim_lines
    session_ids = list(dict.fromkeys(row["session_id"] for row in rows))
    assert session_ids == list(summary.session_ids)
    for session_id in session_ids:
        record = queries.load(int(session_id))
        # The session's share of its day's claim: analysed with the patient's other sessions
        # (one procedure line per patient and day, DOMAIN.md, CPT).
        analysis = queries.analyse(record.entry, record.patient.id, session_id=record.id)
        expected = [
            (line.code_system, line.code, ";".join(line.modifiers), str(line.units))
            for line in analysis.coding.claim_lines
        ]
        found = [
            (row["code_system"], row["code"], row["modifiers"], row["units"])
            for row in rows
            if row["session_id"] == session_id
        ]
        assert found == expected
        assert {row["patient_mrn"] for row in rows if row["session_id"] == session_id} == {
            record.patient.facts.mrn
        }


def test_an_export_is_audited_once_per_note(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    summary = service(demo, catalog).export(
        WHOLE_DEMO, merged_pdf=tmp_path / "notes.pdf", csv_path=tmp_path / "claims.csv"
    )

    with demo.session_factory() as db:
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
    assert sorted(event.record_id or 0 for event in events) == sorted(
        int(session_id) for session_id in summary.session_ids
    )
    assert {event.detail for event in events} == {
        f"merged PDF, claims CSV; {summary.notes} note(s)"
    }


def test_a_cancelled_export_writes_and_audits_nothing(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    done: list[int] = []
    out = tmp_path / "out"
    out.mkdir()

    summary = service(demo, catalog).export(
        WHOLE_DEMO,
        csv_path=out / "claims.csv",
        progress=lambda number, _total: done.append(number),
        cancelled=lambda: len(done) == 3,
    )

    assert summary.cancelled
    assert list(out.iterdir()) == []
    with demo.session_factory() as db:
        assert db.scalars(select(AuditEvent).where(AuditEvent.action == "export")).first() is None


def test_nothing_to_export_says_what_was_asked(demo: Database, catalog: Catalog) -> None:
    export = service(demo, catalog)

    with pytest.raises(NothingToExport) as signed:
        export.export(ExportCriteria(date(2025, 3, 1), date(2025, 3, 31)), csv_path=Path("x.csv"))
    with pytest.raises(NothingToExport) as every:
        export.export(
            ExportCriteria(date(2025, 3, 1), date(2025, 3, 31), status=ExportStatus.ALL),
            csv_path=Path("x.csv"),
        )

    assert signed.value.message == "No signed notes from 2025-03-01 to 2025-03-31."
    assert every.value.message == "No notes from 2025-03-01 to 2025-03-31."


def test_an_unwritable_path_is_a_plain_error(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "claims.csv"

    with pytest.raises(ExportFailed) as error:
        service(demo, catalog).export(WHOLE_DEMO, csv_path=target)

    assert (
        error.value.message == f"Cannot write {target}: the folder {target.parent} does not exist."
    )


def test_the_first_day_must_not_follow_the_last(demo: Database, catalog: Catalog) -> None:
    with pytest.raises(UserError, match="first day 2026-03-31 is after the last day 2026-03-01"):
        service(demo, catalog).select(ExportCriteria(date(2026, 3, 31), date(2026, 3, 1)))


def test_billing_staff_export_signed_notes_but_not_drafts(
    demo: Database, catalog: Catalog, tmp_path: Path
) -> None:
    billing = ProviderService(demo.session_factory).add(
        ProviderFacts("bhale", "Bea Hale", "CPC"), Role.BILLING
    )
    clerk = Actor(billing.id, "bhale", Role.BILLING)
    export = service(demo, catalog)

    summary = export.export(WHOLE_DEMO, csv_path=tmp_path / "claims.csv", actor=clerk)

    assert summary.notes == len(export.select(WHOLE_DEMO))
    with pytest.raises(PermissionDenied, match="may not view draft notes"):
        export.select(replace(WHOLE_DEMO, status=ExportStatus.ALL), actor=clerk)


def test_administrators_may_not_export_notes(demo: Database, catalog: Catalog) -> None:
    admin = ProviderService(demo.session_factory).add(
        ProviderFacts("kadmin", "Kai Admin", "IT"), Role.ADMIN
    )

    with pytest.raises(PermissionDenied, match="may not export notes"):
        service(demo, catalog).select(WHOLE_DEMO, actor=Actor(admin.id, "kadmin", Role.ADMIN))


def test_a_patients_day_is_billed_with_one_procedure_line_over_all_its_muscles(
    database: Database,
    catalog: Catalog,
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    tmp_path: Path,
) -> None:
    # DOMAIN.md, CPT: one 20552/20553 per patient per date of service over all the day's
    # muscles. Morning: bilateral upper trapezius + left levator scapulae (3 muscles) with
    # triamcinolone 20 mg (J3301 x2); later: right rhomboid major with triamcinolone 10 mg
    # (J3301 x1). The day: 4 muscles, 20553 once, on the morning session's rows.
    day = datetime(2026, 11, 20, 8, 0, tzinfo=SERVICES_CLINIC_TIME)
    triamcinolone = MedicationEntry(
        "triamcinolone_acetonide", Decimal(40), Decimal("0.25"), "TK-89", date(2027, 1, 31)
    )
    later_site = SiteEntry("rhomboid_major", Side.RIGHT, medications=(triamcinolone,))
    ids = []
    for entry in (
        two_site_entry(day),
        two_site_entry(day + timedelta(hours=2), sites=(later_site,)),
    ):
        draft = services.drafts.create(patient.id, physician.id, entry, actor=actor_for(physician))
        signed = services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )
        ids.append(str(signed.id))
    claims = tmp_path / "claims.csv"
    export = ExportService(database.session_factory, catalog, clock=lambda: SERVICES_NOW)

    export.export(ExportCriteria(date(2026, 11, 20), date(2026, 11, 20)), csv_path=claims)

    with claims.open(encoding="utf-8", newline="") as handle:
        rows = [(r["session_id"], r["code"], r["units"]) for r in csv.DictReader(handle)]
    assert rows == [(ids[0], "20553", "1"), (ids[0], "J3301", "2"), (ids[1], "J3301", "1")]
