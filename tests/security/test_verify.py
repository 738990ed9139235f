"""The signature chain and the audit chain: intact after normal use; every change made
outside the app (with the triggers dropped first, as an attacker would) is named."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import psycopg
import pytest
from sqlalchemy import select

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import Signature
from tpi_desk.services.dto import PatientRecord, SessionRecord
from tpi_desk.services.integrity import audit_check, signature_check
from tpi_desk.services.integrity.canonical import GENESIS_HASH


def tamper(database: Database, statements: Sequence[str]) -> None:
    """Drop every protective trigger, then run ``statements`` with the plain driver."""
    if database.engine.dialect.name == "sqlite":
        plain = sqlite3.connect(str(database.url.database))
        try:
            names = plain.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in names.fetchall():
                plain.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                plain.execute(statement)
            plain.commit()
        finally:
            plain.close()
        return
    url = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as server:
        triggers = server.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE 'tpi_desk_%'"
        ).fetchall()
        for name, table in triggers:
            server.execute(f"DROP TRIGGER {name} ON {table}")
        for statement in statements:
            server.execute(statement)


def findings(desk: Desk) -> list[str]:
    report = desk.verification.verify(record=False)
    return [f"{finding.chain}: {finding.message}" for finding in report.findings]


@pytest.fixture
def three_notes(desk: Desk, staff: Staff, sign_note: SignNote) -> list[SessionRecord]:
    """Three signed notes (physician, NP, PA) and an addendum on the second."""
    notes = [
        sign_note(staff.physician),
        sign_note(staff.nurse_practitioner),
        sign_note(staff.physician_assistant),
    ]
    desk.addenda.add(
        notes[1].id,
        staff.nurse_practitioner.user_id,
        "Patient called: soreness gone.",
        actor=staff.nurse_practitioner,
        password=PASSWORD,
    )
    return notes


def test_three_signed_notes_form_an_intact_chain(
    desk: Desk, staff: Staff, three_notes: list[SessionRecord]
) -> None:
    with desk.database.session_factory() as db:
        links = list(db.scalars(select(Signature).order_by(Signature.sequence)))

    assert [link.sequence for link in links] == [1, 2, 3, 4]
    assert links[0].previous_hash == GENESIS_HASH
    for before, link in pairwise(links):
        assert link.previous_hash == before.chain_hash
    for link in links:
        assert link.content_hash == hashlib.sha256(link.content.encode("ascii")).hexdigest()
        assert link.chain_hash == (
            hashlib.sha256((link.previous_hash + link.content_hash).encode("ascii")).hexdigest()
        )
    assert [(n.signature_sequence, n.chain_hash, n.content_hash) for n in three_notes] == [
        (link.sequence, link.chain_hash, link.content_hash) for link in links[:3]
    ]
    content = json.loads(links[0].content)
    assert content["format"] == "tpi-desk/signed-note@3"  # session document @3 (issue 14)
    assert content["patient"]["given_name"] == "Zoë"
    assert content["signer"]["credentials"] == "MD"
    assert content["session"]["sites"][0]["medications"][1]["volume_ml"] == 0.5
    assert '"volume_ml":2}' in links[0].content  # 2.000 mL stored, 2 signed
    assert "Zo\\u00eb" in links[0].content
    report = desk.verification.verify(actor=staff.admin)
    assert report.intact
    assert report.summary().startswith("4 signatures (3 notes, 1 addenda, 0 co-signatures")


def test_a_later_change_to_the_patient_does_not_break_the_signature(
    desk: Desk, staff: Staff, patient: PatientRecord, three_notes: list[SessionRecord]
) -> None:
    heavier = replace(patient.facts, weight_kg=Decimal("71"), family_name="Ñúñez-Ødegård")
    desk.patients.update(patient.id, patient.version, heavier, actor=staff.physician)

    assert desk.verification.verify(record=False).intact


TAMPERING = {
    "a signed note's text": (
        ["UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = 1"],
        ["signatures: signed note #1 (signature #1) was altered outside the app (session notes)"],
    ),
    "a medication's volume": (
        [
            "UPDATE medication_lines SET volume_ml = 4 WHERE site_id = "
            "(SELECT MIN(id) FROM injection_sites WHERE session_id = 2)"
        ],
        ["signed note #2 (signature #2) was altered outside the app (session sites)"],
    ),
    "a note turned back into a draft": (
        ["UPDATE procedure_sessions SET status = 'draft' WHERE id = 3"],
        ["signed note #3 (signature #3) was turned back into a draft outside the app"],
    ),
    "a signed note deleted": (
        [
            "DELETE FROM signatures WHERE session_id = 3",
            "DELETE FROM medication_lines WHERE site_id IN "
            "(SELECT id FROM injection_sites WHERE session_id = 3)",
            "DELETE FROM injection_sites WHERE session_id = 3",
            "DELETE FROM session_diagnoses WHERE session_id = 3",
            "DELETE FROM session_findings WHERE session_id = 3",
            "DELETE FROM procedure_sessions WHERE id = 3",
        ],
        [
            "signatures: signature #3 is missing: removed outside the app",
            "note(s) #3 were signed according to the audit trail but have no signature now",
        ],
    ),
    "an addendum's text": (
        ["UPDATE addenda SET text = 'Patient is fine.' WHERE id = 1"],
        ["addendum #1 of note #2 (signature #4) was altered outside the app (text)"],
    ),
    "an audit entry deleted": (
        ["DELETE FROM audit_events WHERE sequence = 5"],
        ["audit: audit entry #5 is missing: removed outside the app"],
    ),
    "the newest audit entry deleted": (
        ["DELETE FROM audit_events WHERE sequence = (SELECT MAX(sequence) FROM audit_events)"],
        ["(the newest) is missing: removed outside the app"],
    ),
    "an audit entry's detail": (
        [
            "UPDATE audit_events SET detail = 'nothing to see' WHERE sequence = "
            "(SELECT MIN(sequence) FROM audit_events WHERE action = 'user_add')"
        ],
        ["(user_add, local operator (root)) was altered outside the app"],
    ),
    "an audit row slipped in": (
        [
            "INSERT INTO audit_events (occurred_at, action, record_type, detail, actor_name) "
            "VALUES ('2026-11-20 16:00:00', 'view', 'session', '', 'mallory')"
        ],
        ["are outside the chain: inserted outside the app"],
    ),
    "a re-hashed signature": (
        [
            # The first hex digit of each hash changed (whatever it was before).
            "UPDATE signatures SET content = REPLACE(content, 'Taut bands', 'No bands'), "
            "content_hash = (CASE WHEN content_hash LIKE 'f%' THEN 'e' ELSE 'f' END) "
            "|| SUBSTR(content_hash, 2), "
            "chain_hash = (CASE WHEN chain_hash LIKE 'e%' THEN 'd' ELSE 'e' END) "
            "|| SUBSTR(chain_hash, 2) WHERE sequence = 2"
        ],
        [
            "signed note #2 (signature #2): its signed content was altered outside the app",
            "signature #3 does not follow signature #2",
        ],
    ),
    "a draft marked signed": (
        ["UPDATE procedure_sessions SET status = 'signed' WHERE id = 4"],
        ["signed note(s) #4 have no signature: marked signed outside the app"],
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_every_change_outside_the_app_is_named(
    desk: Desk,
    staff: Staff,
    patient: PatientRecord,
    three_notes: list[SessionRecord],
    what: str,
) -> None:
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )
    assert draft.id == 4
    assert desk.verification.verify(record=False).intact
    statements, expected = TAMPERING[what]

    tamper(desk.database, statements)

    found = findings(desk)
    assert found[0].startswith("database: ")
    assert "protective triggers are missing" in found[0]
    for message in expected:
        assert any(message in line for line in found), (message, found)


def test_an_undone_entered_in_error_mark_is_named(
    desk: Desk, staff: Staff, three_notes: list[SessionRecord]
) -> None:
    desk.errors.mark_entered_in_error(
        three_notes[0].id, "Wrong patient.", staff.physician, PASSWORD
    )

    tamper(desk.database, ["UPDATE procedure_sessions SET status = 'signed' WHERE id = 1"])

    assert any(
        "entered-in-error mark of note #1 (signature #5): the note's entered-in-error status "
        "was undone outside the app" in line
        for line in findings(desk)
    )


def test_a_verification_run_is_audited(desk: Desk, staff: Staff) -> None:
    report = desk.verification.verify(actor=staff.admin)

    entries = desk.audit_log.report(staff.admin, action="verify").rows
    assert report.intact
    assert [(e.username, e.detail) for e in entries] == [
        ("admin.ada", f"intact: {report.summary()}")
    ]


def test_chains_longer_than_one_batch_are_checked_whole(
    desk: Desk, three_notes: list[SessionRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches stand in for the thousands of entries a clinic has within weeks.
    monkeypatch.setattr(signature_check, "BATCH_SIZE", 3)
    monkeypatch.setattr(audit_check, "BATCH_SIZE", 5)

    report = desk.verification.verify(record=False)

    assert report.findings == ()
    assert report.signatures.total == 4
    assert report.audit_entries > 2 * audit_check.BATCH_SIZE


def test_an_altered_link_beyond_the_first_batch_is_named(
    desk: Desk, three_notes: list[SessionRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signature_check, "BATCH_SIZE", 2)
    altered = f"UPDATE signatures SET chain_hash = '{'0' * 64}' WHERE sequence = 4"
    tamper(desk.database, [altered])

    messages = findings(desk)

    assert any("signature #4" in message for message in messages)
