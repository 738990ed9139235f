"""The audit trail on SQLite and PostgreSQL: an entry for every kind of action, in the
action's own transaction, and the admin's report with filters, paging and CSV export."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tests.security.conftest import (
    PASSWORD,
    Desk,
    SignNote,
    Staff,
    audit_actions,
    dry_needling_entry,
)
from tests.services.conftest import patient_facts, two_site_entry
from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.services.audit import queries as audit_queries
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import (
    ConflictError,
    LoginFailed,
    PermissionDenied,
    ValidationFailed,
)
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN


def test_every_kind_of_action_leaves_an_entry(
    desk: Desk, staff: Staff, patient: PatientRecord, sign_note: SignNote, tmp_path: Path
) -> None:
    doctor, nurse = staff.physician, staff.nurse_practitioner
    desk.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=staff.admin)
    with pytest.raises(LoginFailed):
        desk.users.authenticate("ihartley", "not the password")
    desk.patients.get(patient.id, actor=doctor)
    desk.patients.update(
        patient.id, patient.version, replace(patient.facts, given_name="Zoé"), actor=doctor
    )
    draft = desk.drafts.create(patient.id, nurse.user_id, two_site_entry(), actor=nurse)
    draft = desk.drafts.save(draft.id, draft.version, draft.entry, actor=nurse)
    desk.queries.load(draft.id, actor=nurse)
    signed = desk.signing.sign(
        draft.id, draft.version, nurse.user_id, actor=nurse, password=PASSWORD
    )
    desk.cosign.cosign(signed.id, doctor, PASSWORD)
    desk.addenda.add(signed.id, nurse.user_id, "Called back.", actor=nurse, password=PASSWORD)
    desk.audit.record_print(staff.billing, signed.id)
    desk.audit.record_export(staff.billing, [signed.id], "claims CSV")
    other = sign_note(doctor)
    desk.errors.mark_entered_in_error(other.id, "Duplicate.", doctor, PASSWORD)
    desk.audit.audit_session_event(doctor, "lock")
    desk.users.unlock(doctor, PASSWORD)
    desk.audit.audit_session_event(doctor, AuditAction.LOGOUT)
    desk.users.set_active(staff.admin, "kim.billing", False)
    desk.users.reset_password(staff.admin, "rvarga", "brand new password")
    desk.users.change_password(doctor, PASSWORD, "another new password")
    with pytest.raises(PermissionDenied):
        desk.drafts.create(patient.id, doctor.user_id, two_site_entry(), actor=staff.admin)
    desk.audit_log.export_csv(tmp_path / "audit.csv", staff.admin)
    desk.audit_log.report(staff.admin)

    entries = audit_actions(desk.database)
    seen = {(action, who) for action, who, _, _ in entries}
    assert {
        ("user_add", "admin.ada"),
        ("login", "ihartley"),
        ("setting_change", "admin.ada"),
        ("login_failed", "ihartley"),
        ("view", "ihartley"),
        ("update", "ihartley"),
        ("create", "rvarga"),
        ("update", "rvarga"),
        ("view", "rvarga"),
        ("sign", "rvarga"),
        ("cosign", "ihartley"),
        ("addendum", "rvarga"),
        ("print", "kim.billing"),
        ("export", "kim.billing"),
        ("entered_in_error", "ihartley"),
        ("lock", "ihartley"),
        ("unlock", "ihartley"),
        ("logout", "ihartley"),
        ("user_disable", "admin.ada"),
        ("password_reset", "admin.ada"),
        ("password_change", "ihartley"),
        ("permission_refused", "admin.ada"),
        ("audit_export", "admin.ada"),
        ("audit_report", "admin.ada"),
    } <= seen
    assert ("view", "ihartley", "patient", patient.id) in entries
    assert ("sign", "rvarga", "session", signed.id) in entries
    export = desk.audit_log.report(staff.admin, action="export").rows[0]
    assert (export.record_id, export.patient_id, export.detail) == (
        signed.id,
        patient.id,
        "claims CSV; 1 note(s)",
    )
    change = desk.audit_log.report(staff.admin, action="setting_change").rows[0]
    assert change.detail == "signing.require_physician_cosign: null -> true"
    assert desk.verification.verify(record=False).intact


def test_a_failed_action_leaves_no_entry_of_its_own(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )
    desk.drafts.save(draft.id, draft.version, draft.entry, actor=staff.physician)
    before = audit_actions(desk.database)

    with pytest.raises(ConflictError):
        desk.drafts.save(draft.id, draft.version, draft.entry, actor=staff.physician)
    with pytest.raises(ValidationFailed):
        desk.patients.create(replace(patient_facts("SYN-9"), family_name=""), actor=staff.physician)

    assert audit_actions(desk.database) == before


def test_failed_sign_ins_name_the_typed_username(desk: Desk, staff: Staff) -> None:
    for username in ("ihartley", "no.such.user"):
        with pytest.raises(LoginFailed):
            desk.users.authenticate(username, "wrong password")

    rows = desk.audit_log.report(staff.admin, action=AuditAction.LOGIN_FAILED).rows
    assert [(row.username, row.user_id, row.detail) for row in rows] == [
        ("no.such.user", None, "unknown username"),
        ("ihartley", staff.physician.user_id, "wrong password"),
    ]


def test_the_report_filters_pages_and_is_for_admins(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    second = desk.patients.create(patient_facts("SYN-2", "Ødegård", "Ingrid"), actor=staff.admin)
    start = desk.clock.now
    for hour in range(5):
        desk.clock.advance(timedelta(hours=1))
        desk.patients.get(patient.id if hour % 2 == 0 else second.id, actor=staff.physician)
    desk.clock.advance(timedelta(hours=1))

    views = desk.audit_log.report(staff.admin, user="ihartley", action="view")
    first_page = desk.audit_log.report(staff.admin, action="view", limit=2)
    second_page = desk.audit_log.report(
        staff.admin, action="view", limit=2, after=first_page.next_cursor
    )
    of_patient = desk.audit_log.report(staff.admin, patient_id=second.id, action="view")
    for _ in range(4):  # the audit service stamps entries with its clock
        desk.clock.advance(timedelta(hours=1))
        desk.audit.audit_session_event(staff.physician, "lock")
    in_window = desk.audit_log.report(
        staff.admin,
        action="lock",
        date_from=start + timedelta(hours=8),
        date_to=start + timedelta(hours=10),
    )

    assert len(views.rows) == 5
    sequences = [row.sequence or 0 for row in views.rows]
    assert sequences == sorted(sequences, reverse=True)
    assert [row.sequence for row in first_page.rows + second_page.rows] == sequences[:4]
    assert first_page.next_cursor == first_page.rows[-1].sequence
    assert views.next_cursor is None
    assert {row.patient_id for row in of_patient.rows} == {second.id}
    assert len(of_patient.rows) == 2
    assert [row.occurred_at for row in in_window.rows] == [
        start + timedelta(hours=9),
        start + timedelta(hours=8),
    ]
    for actor in (staff.physician, staff.billing):
        with pytest.raises(PermissionDenied, match="may not read the audit log"):
            desk.audit_log.report(actor)


def test_the_csv_export_holds_every_matching_entry_safely(
    desk: Desk,
    staff: Staff,
    patient: PatientRecord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_queries, "CSV_BATCH", 4)  # several batches, as in real logs
    with pytest.raises(LoginFailed):
        desk.users.authenticate("=cmd|' /C calc'!A0", "x")
    path = tmp_path / "audit Zoë.csv"

    count = desk.audit_log.export_csv(path, staff.admin)

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert count == len(rows) == len(audit_actions(desk.database)) - 1
    assert count > 2 * audit_queries.CSV_BATCH
    assert [row["sequence"] for row in rows] == [str(n) for n in range(1, count + 1)]
    assert rows[0]["sequence"] == "1"
    assert rows[0]["action"] == "user_add"
    assert any(row["username"] == "'=cmd|' /C calc'!A0" for row in rows)
    assert audit_actions(desk.database)[-1][0] == "audit_export"
    with pytest.raises(PermissionDenied):
        desk.audit_log.export_csv(tmp_path / "mine.csv", staff.billing)


def test_billing_may_export_a_dry_needling_note_signed_by_an_acupuncturist(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.acupuncturist, dry_needling_entry())

    desk.audit.record_export(staff.billing, [note.id], "PDF per note")

    assert note.entry.kind is ProcedureKind.DRY_NEEDLING
    assert audit_actions(desk.database)[-1] == ("export", "kim.billing", "session", note.id)
