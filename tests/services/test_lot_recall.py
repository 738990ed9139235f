"""Lot recall (issue 15 item 6) on real SQLite and PostgreSQL databases: every line given
from a lot, matched ignoring spaces and case, narrowed by NDC, drafts hidden from readers
who may not open them, every search audited, and the lot's index used by the query."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services.conftest import (
    CLINIC_TIME,
    NOW,
    PASSWORD,
    Services,
    actor_for,
    add_account,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import MedicationEntry, NoteStatus, ProviderFacts, Role, SessionEntry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.sessions.lot_recall import LotMatching, LotRecallService

BILLING = ProviderFacts("bkeane", "Bridget Keane", "")


@pytest.fixture
def recall(database: Database, catalog: Catalog) -> LotRecallService:
    return LotRecallService(database.session_factory, catalog, clock=lambda: NOW)


def _with_lots(entry_lot: str, ndc: str = "") -> SessionEntry:
    """The two-site session with its lidocaine lines from ``entry_lot`` (and ``ndc``)."""
    entry = two_site_entry()
    sites = tuple(
        replace(
            site,
            medications=tuple(
                replace(line, lot=entry_lot, ndc=ndc) if line.drug_id == "lidocaine" else line
                for line in site.medications
            ),
        )
        for site in entry.sites
    )
    return replace(entry, sites=sites)


def _signed(
    services: Services, patient: PatientRecord, physician: ProviderRecord, entry: SessionEntry
) -> int:
    actor = actor_for(physician)
    draft = services.drafts.create(patient.id, physician.id, entry, actor=actor)
    services.signing.sign(draft.id, draft.version, physician.id, actor=actor, password=PASSWORD)
    return draft.id


def test_every_line_of_the_lot_whatever_its_spacing_or_case(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    signed = _signed(services, patient, physician, _with_lots("lx 2291"))
    other = services.patients.create(
        patient_facts("SYN-2002", "Ødegård", "Łukasz"), actor=actor_for(physician)
    )
    later = replace(
        _with_lots("Lx2291"), performed_at=datetime(2026, 11, 21, 9, tzinfo=CLINIC_TIME)
    )
    draft = services.drafts.create(other.id, physician.id, later, actor=actor_for(physician))
    _signed(services, patient, physician, _with_lots("LX-9999"))  # another lot

    found = recall.search(" lX2291 ", actor=actor_for(physician))

    assert found.lot == "LX2291"
    assert [line.session_id for line in found.lines] == [draft.id, draft.id, signed, signed]
    assert found.summary() == "2 patients, 2 sessions, 4 medication lines"
    first = found.lines[0]
    assert first.patient_name == "Ødegård, Łukasz"
    assert first.site == "Upper trapezius, bilateral"
    assert (first.drug, first.dose, first.unit) == ("Lidocaine", Decimal(20), "mg")
    assert first.volume_ml == Decimal(2)
    assert first.lot == "Lx2291"
    assert first.clinician == "Dr. Imogen Hartley, MD"
    assert first.note_status is NoteStatus.DRAFT
    assert found.lines[-1].site == "Levator scapulae, left"
    assert found.lines[-1].note_status is NoteStatus.SIGNED
    assert found.lines[-1].performed_at.utcoffset() == CLINIC_TIME.utcoffset(None)


def test_the_ndc_narrows_the_search_and_is_read_in_any_written_form(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    _signed(services, patient, physician, _with_lots("LX2291", ndc="00409-4276-01"))
    _signed(services, patient, physician, _with_lots("LX2291", ndc="63323-0165-01"))

    assert len(recall.search("LX2291").lines) == 4
    narrowed = recall.search("LX2291", ndc="0409-4276-01")  # 4-4-2 on the box
    assert narrowed.ndc == "00409-4276-01"
    assert {line.ndc for line in narrowed.lines} == {"00409-4276-01"}
    assert len(narrowed.lines) == 2
    assert recall.search("LX2291", ndc="00409427601").lines == narrowed.lines


def test_readers_who_may_not_open_drafts_are_told_how_many_were_left_out(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    _signed(services, patient, physician, _with_lots("LX2291"))
    services.drafts.create(
        patient.id, physician.id, _with_lots("LX2291"), actor=actor_for(physician)
    )
    billing = actor_for(add_account(services, BILLING, Role.BILLING))

    found = recall.search("lx2291", actor=billing)

    assert {line.note_status for line in found.lines} == {NoteStatus.SIGNED}
    assert found.drafts_not_shown == 1
    assert found.summary().endswith("; 1 draft note not shown to you")


def test_every_search_and_every_saved_list_is_audited(
    database: Database,
    tmp_path: Path,
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    _signed(services, patient, physician, _with_lots("LX2291"))
    actor = actor_for(physician)

    recall.search("LX2291", actor=actor)
    recall.search("NOSUCHLOT", actor=actor)
    whole = recall.search("LX2291", actor=actor, first=None)
    recall.save_list(whole, tmp_path / "recall.csv", actor=actor)

    with database.session_factory() as db:
        entries = db.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "lot_recall").order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor_name, e.detail) for e in entries] == [
        ("view", "ihartley", "Lot LX2291: 1 patient, 1 session, 2 medication lines"),
        ("view", "ihartley", "Lot NOSUCHLOT: 0 patients, 0 sessions, 0 medication lines"),
        ("view", "ihartley", "Lot LX2291: 1 patient, 1 session, 2 medication lines"),
        (
            "export",
            "ihartley",
            "CSV recall.csv; Lot LX2291: 1 patient, 1 session, 2 medication lines",
        ),
    ]


@pytest.mark.parametrize(
    ("lot", "ndc", "named"),
    [
        ("   ", "", "Lot: type the lot number printed on the vial"),
        ("A" * 41, "", "Lot: is longer than 40 characters"),
        ("LX2291", "4276-01", "NDC: must be a 10- or 11-digit NDC"),
    ],
)
def test_a_bad_search_names_its_field(
    recall: LotRecallService, lot: str, ndc: str, named: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        recall.search(lot, ndc=ndc)
    assert named in refused.value.message


def test_type_ahead_offers_known_lots_by_their_first_characters(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    for lot in ("LX2291", "lx 2292", "LY1"):
        _signed(services, patient, physician, _with_lots(lot))

    assert recall.suggest("lx") == ["LX2291", "LX2292"]
    assert recall.suggest("L", limit=2) == ["LX2291", "LX2292"]
    assert recall.suggest("TK") == ["TK-88"]  # the triamcinolone lines' lot
    assert recall.suggest("  ") == []


def test_the_search_walks_the_lot_index(database: Database, recall: LotRecallService) -> None:
    query = LotMatching("LX2291", "", with_drafts=False).line_ids()
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "sqlite":
            sql = str(query.compile(database.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            )
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            sql = str(query.compile(database.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_medication_lines_lot_key_ndc" in plan


def test_a_screen_gets_the_newest_page_then_the_rest_in_order(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    for day in (20, 21, 22):
        when = datetime(2026, 11, day, 9, tzinfo=CLINIC_TIME)
        _signed(services, patient, physician, replace(_with_lots("LX2291"), performed_at=when))
    everything = recall.search("LX2291", first=None)

    page = recall.search("LX2291", first=2)

    assert (page.line_count, page.session_count, page.complete) == (6, 3, False)
    assert page.lines == everything.lines[:2]
    assert recall.lines_after(page, 2, count=3) == everything.lines[2:5]
    assert recall.lines_after(page, 5) == everything.lines[5:]
    assert [line.performed_at.day for line in everything.lines] == [22, 22, 21, 21, 20, 20]


def test_medication_entries_keep_their_lot_as_typed(
    services: Services,
    recall: LotRecallService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    """The recall reads lots; it never rewrites the note's own text."""
    entry = two_site_entry()
    line: MedicationEntry = entry.sites[1].medications[0]
    assert line.lot == "LX-2291"
    _signed(services, patient, physician, entry)
    assert {found.lot for found in recall.search("lx-2291").lines} == {"LX-2291"}
