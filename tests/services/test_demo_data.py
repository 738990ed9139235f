"""Bulk demo data: what it stores reads back through the services exactly as the ORM's would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import QueuePool, distinct, func, select, text

from tests.services.conftest import Services, actor_for, patient_facts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, ProcedureKind
from tpi_desk.clinical.text_folding import fold
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.people import Patient, patient_search_text
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
)
from tpi_desk.services.demo_data import DemoDataResult, generate_demo_data
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.sessions.session_queries import SessionFilter, SessionQueries

TODAY = date(2026, 11, 20)  # a Friday, the day the services' clock says it is


def generate(
    database: Database, catalog: Catalog, *, patients: int, sessions: int, seed: int = 5
) -> DemoDataResult:
    return generate_demo_data(
        database.engine, catalog, patients=patients, sessions=sessions, seed=seed, today=TODAY
    )


def all_records(queries: SessionQueries, count: int) -> Iterator[SessionRecord]:
    for session_id in range(1, count + 1):
        yield queries.load(session_id)


def test_sessions_read_back_with_aware_times_decimals_enums_and_lists(
    database: Database, catalog: Catalog, services: Services
) -> None:
    generate(database, catalog, patients=30, sessions=260)

    page = services.queries.page()
    records = [services.queries.load(row.id) for row in page.rows[::25]]

    assert len(page.rows) == 200
    assert page.next_cursor is not None
    assert [row.performed_at for row in page.rows] == sorted(
        (row.performed_at for row in page.rows), reverse=True
    )
    assert all(row.performed_at.utcoffset() == timedelta(0) for row in page.rows)
    assert all(isinstance(row.kind, ProcedureKind) for row in page.rows)
    assert all(row.muscle_ids for row in page.rows)
    for record in records:
        entry = record.entry
        assert entry.performed_at.utcoffset() == timedelta(hours=-5)
        assert record.created_at.tzinfo is not None
        assert record.updated_at >= record.created_at
        assert isinstance(entry.indication.conservative_care_tried, tuple)
        assert all(isinstance(item, str) for item in entry.indication.ongoing_care)
        assert isinstance(record.patient.facts.weight_kg, Decimal)
        assert isinstance(record.patient.facts.allergies, tuple)
        twitched = any(site.twitch_response for site in entry.sites)
        assert ("with local twitch response in the" in entry.notes) == twitched
        assert entry.instructions.startswith(catalog.default_instructions)
        for site in entry.sites:
            assert isinstance(site.needle_length_mm, Decimal)
            for medication in site.medications:
                assert isinstance(medication.volume_ml, Decimal)
                assert isinstance(medication.concentration_mg_per_ml, Decimal)
                assert medication.lot
                assert medication.expires is not None
                assert medication.expires > entry.performed_at.date()


def test_past_sessions_are_signed_by_their_provider_and_todays_are_drafts(
    database: Database, catalog: Catalog, services: Services
) -> None:
    result = generate(database, catalog, patients=20, sessions=120)

    records = list(all_records(services.queries, result.sessions))
    drafts = [r for r in records if r.status is NoteStatus.DRAFT]
    signed = [r for r in records if r.status is NoteStatus.SIGNED]

    assert len(drafts) + len(signed) == 120
    assert drafts
    assert signed
    for record in drafts:
        assert record.entry.performed_at.astimezone(UTC).date() == TODAY
        assert record.signed_at is None
        assert record.signed_by is None
    for record in signed:
        performed = record.entry.performed_at
        assert performed.astimezone(UTC).date() < TODAY
        assert performed.weekday() < 5
        assert record.signed_by == record.provider.facts.display_name
        assert record.signed_at is not None
        assert performed < record.signed_at <= performed + timedelta(hours=1)
        assert record.updated_at == record.signed_at


def test_signed_demo_notes_are_signed_as_the_app_signs_them_and_verify_finds_them_intact(
    database: Database, catalog: Catalog, services: Services
) -> None:
    result = generate(database, catalog, patients=20, sessions=150)

    records = list(all_records(services.queries, result.sessions))
    signed = [r for r in records if r.status is NoteStatus.SIGNED]
    report = VerificationService(database.session_factory).verify(record=False)

    assert report.findings == ()
    assert report.signatures.total == len(signed) > 100
    signed_times = [r.signed_at for r in signed if r.signed_at is not None]
    assert len(signed_times) == len(signed)
    sequences = sorted((r.signature_sequence, r.signed_at, r.id) for r in signed)
    assert [s[0] for s in sequences] == list(range(1, len(signed) + 1))
    assert [s[1] for s in sequences] == sorted(signed_times)  # chain = time
    assert all(r.content_hash and r.chain_hash for r in signed)


def test_without_signatures_the_bulk_path_stamps_notes_signed_and_verify_names_them(
    database: Database, catalog: Catalog, services: Services, tmp_path: Path
) -> None:
    bulk = generate_demo_data(
        database.engine, catalog, patients=20, sessions=150, seed=5, today=TODAY, signatures=False
    )
    reference = open_database(f"sqlite:///{tmp_path / 'signed.sqlite3'}")
    try:
        generate(reference, catalog, patients=20, sessions=150)
        signed = list(all_records(SessionQueries(reference.session_factory, catalog), 150))
    finally:
        reference.dispose()
    stamped = list(all_records(services.queries, bulk.sessions))
    report = VerificationService(database.session_factory).verify(record=False)

    # The same notes, signer and signing time either way; only the signature is missing.
    assert [(r.entry, r.status, r.signed_by, r.signed_at) for r in stamped] == [
        (r.entry, r.status, r.signed_by, r.signed_at) for r in signed
    ]
    assert all(r.signature_sequence is None for r in stamped)
    assert report.signatures.total == 0
    assert len(report.findings) == 1
    assert "have no signature" in report.findings[0].message


def test_every_catalog_reference_exists_and_the_content_varies(
    database: Database, catalog: Catalog, services: Services
) -> None:
    result = generate(database, catalog, patients=40, sessions=400)

    with database.session_factory() as db:
        muscles = set(db.scalars(select(distinct(InjectionSite.muscle_id))))
        drugs = set(db.scalars(select(distinct(MedicationLine.drug_id))))
        codes = set(db.scalars(select(distinct(SessionDiagnosis.code))))
        kinds = set(db.scalars(select(distinct(ProcedureSession.kind))))
        lines = db.scalar(select(func.count()).select_from(MedicationLine))
    care = {
        item
        for record in all_records(services.queries, 40)
        for item in (
            *record.entry.indication.conservative_care_tried,
            *record.entry.indication.ongoing_care,
        )
    }

    assert muscles <= set(catalog.muscles)
    assert drugs <= set(catalog.drugs)
    assert codes <= set(catalog.icd10)
    assert care <= set(catalog.conservative_care_options)
    assert all(catalog.icd10[code].billable for code in codes)
    assert len(muscles) >= 20
    assert len(drugs) >= 4
    assert len(codes) >= 6
    assert kinds == {ProcedureKind.TRIGGER_POINT_INJECTION, ProcedureKind.DRY_NEEDLING}
    assert lines == result.medication_lines
    assert result.sites >= result.sessions


def test_signed_demo_notes_would_pass_the_signing_checklist(
    database: Database, catalog: Catalog, services: Services
) -> None:
    generate(database, catalog, patients=15, sessions=90)

    for record in all_records(services.queries, 90):
        analysis = services.queries.analyse(record.entry, record.patient.id, session_id=record.id)
        assert analysis.ready_to_sign, (record.id, analysis.checklist.missing)
        if record.entry.kind is ProcedureKind.DRY_NEEDLING:
            assert all(not site.medications for site in record.entry.sites)
        else:
            assert all(site.medications for site in record.entry.sites)


def test_patients_are_found_accent_insensitively(
    database: Database, catalog: Catalog, services: Services
) -> None:
    generate(database, catalog, patients=400, sessions=0)

    nunez = services.patients.search("nunez")
    odegard = services.patients.search("ODEGARD")
    lukasz = services.patients.search("lukasz")
    by_mrn = services.patients.search("d0000123")
    with database.session_factory() as db:
        stored = db.execute(
            select(Patient.family_name, Patient.given_name, Patient.mrn, Patient.search_text)
        ).all()

    assert nunez
    assert {p.family_name for p in nunez} == {"Ñúñez"}
    assert odegard
    assert {p.family_name for p in odegard} == {"Ødegård"}
    assert lukasz
    assert {p.given_name for p in lukasz} == {"Łukasz"}
    assert [p.mrn for p in by_mrn] == ["D0000123"]
    assert all(row.search_text == patient_search_text(*row[:3]) for row in stored)
    assert any(fold(row.family_name) != row.family_name.lower() for row in stored)


def test_same_seed_gives_the_same_content_in_a_fresh_database(
    database: Database, catalog: Catalog, services: Services, tmp_path: Path
) -> None:
    """Against a fresh SQLite file: the same backend, or (on PostgreSQL) across backends."""
    reference = open_database(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    try:
        progress: list[tuple[int, int]] = []
        first = generate_demo_data(
            database.engine,
            catalog,
            patients=12,
            sessions=70,
            seed=9,
            today=TODAY,
            progress=lambda done, total: progress.append((done, total)),
        )
        second = generate(reference, catalog, patients=12, sessions=70, seed=9)
        other = SessionQueries(reference.session_factory, catalog)
        sessions = list(all_records(services.queries, 70))
        same_sessions = list(all_records(other, 70))
        reference_patients = PatientService(reference.session_factory)
        patients = [services.patients.get(i) for i in range(1, 13)]
        same_patients = [reference_patients.get(i) for i in range(1, 13)]
    finally:
        reference.dispose()

    assert (first.sessions, first.sites, first.medication_lines) == (
        second.sessions,
        second.sites,
        second.medication_lines,
    )
    assert sessions == same_sessions
    assert patients == same_patients
    assert progress[-1] == (70, 70)


def test_a_second_run_continues_the_ids_and_the_app_can_add_rows_after_it(
    database: Database, catalog: Catalog, services: Services
) -> None:
    first = generate(database, catalog, patients=20, sessions=60, seed=1)
    second = generate(database, catalog, patients=15, sessions=50, seed=2)

    with database.session_factory() as db:
        patient_ids = list(db.scalars(select(Patient.id).order_by(Patient.id)))
        mrns = set(db.scalars(select(Patient.mrn)))
        session_ids = list(db.scalars(select(ProcedureSession.id).order_by(ProcedureSession.id)))
        second_run_patients = set(
            db.scalars(select(ProcedureSession.patient_id).where(ProcedureSession.id > 60))
        )
        sites = db.scalar(select(func.count()).select_from(InjectionSite))
    with database.engine.connect() as connection:
        orphans = connection.execute(
            text(
                "SELECT COUNT(*) FROM medication_lines m "
                "LEFT JOIN injection_sites s ON s.id = m.site_id WHERE s.id IS NULL"
            )
        ).scalar()
    clinician = services.providers.clinicians()[0]
    added_patient = services.patients.create(
        patient_facts(mrn="SYN-9001"), actor=actor_for(clinician)
    )
    loaded = services.queries.load(61)
    added_session = services.drafts.create(
        added_patient.id, clinician.id, loaded.entry, actor=actor_for(clinician)
    )

    assert patient_ids == list(range(1, 36))
    assert mrns == {f"D{i:07d}" for i in range(1, 36)}
    assert session_ids == list(range(1, 111))
    assert second_run_patients <= set(range(21, 36))
    assert sites == first.sites + second.sites
    assert orphans == 0
    assert len(services.providers.clinicians()) == 4
    assert added_patient.id == 36
    assert added_session.id == 111
    assert services.queries.page(SessionFilter(patient_id=36)).rows[0].id == 111


def test_bulk_rows_are_stored_exactly_as_the_orm_stores_them(
    database: Database, catalog: Catalog, services: Services
) -> None:
    generate(database, catalog, patients=10, sessions=40)
    demo = next(
        record
        for record in all_records(services.queries, 40)
        if any(site.medications for site in record.entry.sites)
    )
    copy = services.drafts.create(
        demo.patient.id, demo.provider.id, demo.entry, actor=actor_for(demo.provider)
    )

    def stored(session_id: int) -> tuple[object, ...]:
        with database.engine.connect() as connection:
            session = connection.execute(
                text(
                    "SELECT performed_at, performed_at_offset_minutes, kind, position, "
                    "ultrasound_guided, pain_before, pain_after, conservative_care_tried, "
                    "ongoing_care, notes, instructions, follow_up "
                    "FROM procedure_sessions WHERE id = :id"
                ),
                {"id": session_id},
            ).one()
            sites = connection.execute(
                text(
                    "SELECT s.position, s.muscle_id, s.side, s.points, s.needle_gauge, "
                    "s.needle_length_mm, s.twitch_response, m.position, m.drug_id, "
                    "m.concentration_mg_per_ml, m.volume_ml, m.lot, m.expires "
                    "FROM injection_sites s LEFT JOIN medication_lines m ON m.site_id = s.id "
                    "WHERE s.session_id = :id ORDER BY s.position, m.position"
                ),
                {"id": session_id},
            ).all()
        return tuple(session), [tuple(row) for row in sites]

    assert stored(demo.id) == stored(copy.id)
    assert copy.entry == demo.entry


def test_refuses_impossible_counts(database: Database, catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="at least one patient"):
        generate(database, catalog, patients=0, sessions=10)


def test_sqlite_bulk_load_leaves_the_pooled_connection_durable_and_the_file_sound(
    sqlite_url: str, catalog: Catalog
) -> None:
    database = open_database(sqlite_url)
    pragmas = ("synchronous", "cache_size", "foreign_keys", "journal_mode")
    try:
        with database.engine.connect() as connection:
            before = [connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas]
        generate(database, catalog, patients=10, sessions=50)
        with database.engine.connect() as connection:
            after = [connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas]
            integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
            broken_links = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        pool = database.engine.pool
        assert isinstance(pool, QueuePool)  # SQLAlchemy's pool for a SQLite file
        pooled = pool.checkedin()
    finally:
        database.dispose()

    assert pooled == 1  # the bulk connection itself was checked again
    assert after == before
    assert before[0] == 2  # FULL
    assert integrity == "ok"
    assert broken_links == []
