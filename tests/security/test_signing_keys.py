"""Issue 13, item 3: notes carry an Ed25519 signature by the signer's own key, whose private
half is locked with their password; a database writer who rebuilds a note's signed content
with the app's own functions, and relinks the chain, is caught by ``verify``."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import select

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.people import User
from tpi_desk.models.procedures import Signature
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import UserError, WrongPassword
from tpi_desk.services.integrity.canonical import canonical_json, link_hash, sha256_hex
from tpi_desk.services.integrity.integrity import signed_note_content
from tpi_desk.services.integrity.key_registry import locked_key
from tpi_desk.services.integrity.signing_keys import (
    KeyLocked,
    new_key_pair,
    sign_link,
    signature_valid,
    unlock_key,
)
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import load_session_row, session_record
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN

NEW_PASSWORD = "a different passphrase 42"
TEST_KDF = "argon2id:t=1,m=8,p=1"


def _keys(database: Database, user_id: int) -> list[SigningKey]:
    with database.session_factory() as db:
        return list(
            db.scalars(select(SigningKey).where(SigningKey.user_id == user_id).order_by("id"))
        )


def _signature(database: Database, sequence: int) -> Signature:
    with database.session_factory() as db:
        return db.scalars(select(Signature).where(Signature.sequence == sequence)).one()


def _findings(desk: Desk) -> list[str]:
    return [finding.message for finding in desk.verification.verify(record=False).findings]


def _forge(database: Database, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Write as someone with the database file: triggers dropped, rows changed, put back."""
    plain = sqlite3.connect(str(database.url.database))
    try:
        triggers = plain.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        saved = triggers.fetchall()
        for name, _ in saved:
            plain.execute(f"DROP TRIGGER {name}")
        for statement, parameters in statements:
            plain.execute(statement, parameters)
        for _, sql in saved:
            plain.execute(sql)
        plain.commit()
    finally:
        plain.close()


@pytest.fixture
def sqlite_only(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("forges rows with the SQLite driver")


def test_a_signing_user_gets_a_key_locked_with_their_password(desk: Desk, staff: Staff) -> None:
    (key,) = _keys(desk.database, staff.physician.user_id)
    assert key.retired_at is None
    assert PASSWORD.encode().hex() not in key.encrypted_private_key
    private_key = unlock_key(locked_key(key), staff.physician.user_id, PASSWORD)
    assert private_key.public_key().public_bytes_raw().hex() == key.public_key
    with pytest.raises(KeyLocked):
        unlock_key(locked_key(key), staff.physician.user_id, "not the password")
    with pytest.raises(KeyLocked):  # the lock is bound to its owner
        unlock_key(locked_key(key), staff.second_physician.user_id, PASSWORD)
    assert _keys(desk.database, staff.billing.user_id) == []  # billing staff sign nothing


def test_the_administrator_registers_the_key_in_the_audit_log(desk: Desk, staff: Staff) -> None:
    (key,) = _keys(desk.database, staff.physician.user_id)
    with desk.database.session_factory() as db:
        entry = db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "signing_key", AuditEvent.record_id == key.id
            )
        ).one()
    assert entry.user_id == staff.admin.user_id
    assert key.public_key in entry.detail


def test_a_signed_note_carries_a_valid_ed25519_signature(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    sign_note(staff.physician)
    (key,) = _keys(desk.database, staff.physician.user_id)
    link = _signature(desk.database, 1)
    assert link.key_id == key.id and link.signature is not None
    assert signature_valid(
        key.public_key, link.signature, link.sequence, link.previous_hash, link.content_hash
    )
    assert not signature_valid(  # the signature covers the previous chain head too
        key.public_key, link.signature, link.sequence, "f" * 64, link.content_hash
    )
    assert _findings(desk) == []


def test_a_note_forged_with_the_apps_own_functions_is_caught(
    desk: Desk, staff: Staff, sign_note: SignNote, sqlite_only: None
) -> None:
    note = sign_note(staff.physician)
    _forge(
        desk.database,
        [
            (
                "UPDATE procedure_sessions SET notes = 'Rewritten.', pain_after = 0 WHERE id = ?",
                (note.id,),
            ),
            ("UPDATE medication_lines SET volume_ml = 0.5", ()),
        ],
    )
    # Rebuild the signed content from the altered rows with the app's functions, relink.
    with desk.database.session_factory() as db:
        row = load_session_row(db, note.id)
        signer = db.get(User, staff.physician.user_id)
        assert signer is not None
        assert row.signed_at is not None
        content = signed_note_content(
            session_record(row),
            provider_record(signer),
            signed_at=row.signed_at,
            cosign_required=False,
        )
    text = canonical_json(content)
    content_hash = sha256_hex(text)
    link = _signature(desk.database, 1)
    chain_hash = link_hash(link.previous_hash, content_hash)
    _forge(
        desk.database,
        [
            (
                "UPDATE signatures SET content = ?, content_hash = ?, chain_hash = ? "
                "WHERE sequence = 1",
                (text, content_hash, chain_hash),
            ),
            ("UPDATE chain_heads SET hash = ? WHERE name = 'signatures'", (chain_hash,)),
            (
                "UPDATE procedure_sessions SET content_hash = ? WHERE id = ?",
                (content_hash, note.id),
            ),
        ],
    )

    # Only the Ed25519 signature gives it away: the hash chain alone would pass.
    assert _findings(desk) == [
        f"signed note #{note.id} (signature #1): its Ed25519 signature does not match the "
        "signed content (forged or altered outside the app)"
    ]

    # Dropping the signature does not help: the signer had a key when the note was signed.
    _forge(desk.database, [("UPDATE signatures SET key_id = NULL, signature = NULL", ())])
    assert _findings(desk) == [
        f"signed note #{note.id} (signature #1): it has no Ed25519 signature although its "
        "signer had a signing key (forged outside the app)"
    ]

    # Nor does a key of the forger's own: nobody registered it in the audit log.
    forged = new_key_pair(staff.physician.user_id, "forger's pass", TEST_KDF)
    private_key = unlock_key(forged, staff.physician.user_id, "forger's pass")
    forged_signature = sign_link(private_key, 1, link.previous_hash, content_hash)
    _forge(
        desk.database,
        [
            (
                "INSERT INTO signing_keys (id, user_id, public_key, encrypted_private_key, kdf, "
                "kdf_salt, from_sequence, created_at) VALUES (99, ?, ?, ?, ?, ?, 0, "
                "'2026-01-01T00:00:00.000000')",
                (
                    staff.physician.user_id,
                    forged.public_key,
                    forged.encrypted_private_key,
                    forged.kdf,
                    forged.kdf_salt,
                ),
            ),
            ("UPDATE signatures SET key_id = 99, signature = ?", (forged_signature,)),
        ],
    )
    assert _findings(desk) == [
        "signing key #99 of ihartley is not registered in the audit log or differs from its "
        "registration (added or altered outside the app)",
        f"signed note #{note.id} (signature #1): it is signed with ihartley's key #99, whose "
        "registration is not validly signed, so it is not verifiable",
    ]

    # Nor moving where the real key's duty to sign begins: its registration says otherwise.
    _forge(
        desk.database,
        [
            ("UPDATE signatures SET key_id = NULL, signature = NULL", ()),
            ("DELETE FROM signing_keys WHERE id = 99", ()),
            ("UPDATE signing_keys SET from_sequence = 5", ()),
        ],
    )
    assert "differs from its registration" in " ".join(_findings(desk))


def test_a_password_reset_issues_a_new_key_and_old_notes_still_verify(
    desk: Desk, staff: Staff, sign_note: SignNote, patient: PatientRecord
) -> None:
    sign_note(staff.physician)
    desk.users.reset_password(staff.admin, "ihartley", NEW_PASSWORD)

    old, new = _keys(desk.database, staff.physician.user_id)
    assert old.retired_at is not None and new.retired_at is None
    assert old.public_key != new.public_key
    physician = desk.users.authenticate("ihartley", NEW_PASSWORD)
    draft = desk.drafts.create(patient.id, physician.user_id, two_site_entry(), actor=physician)
    desk.signing.sign(
        draft.id, draft.version, physician.user_id, actor=physician, password=NEW_PASSWORD
    )

    assert _signature(desk.database, 1).key_id == old.id
    assert _signature(desk.database, 2).key_id == new.id
    assert _findings(desk) == []


def test_a_changed_password_gives_a_new_key_signed_by_the_previous_one(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    nurse = staff.nurse_practitioner
    sign_note(nurse)
    (before,) = _keys(desk.database, nurse.user_id)
    desk.users.change_password(nurse, PASSWORD, NEW_PASSWORD)
    old, new = _keys(desk.database, nurse.user_id)
    assert old.public_key == before.public_key and old.retired_at is not None
    assert new.registered_by_key_id == old.id  # the continuity signature
    unlock_key(locked_key(new), nurse.user_id, NEW_PASSWORD)
    with pytest.raises(KeyLocked):
        unlock_key(locked_key(new), nurse.user_id, PASSWORD)
    sign_note(nurse, password=NEW_PASSWORD)
    assert _signature(desk.database, 2).key_id == new.id
    assert _findings(desk) == []


def test_a_key_unlocked_before_still_needs_the_right_password(
    desk: Desk, staff: Staff, sign_note: SignNote, patient: PatientRecord
) -> None:
    sign_note(staff.physician)  # unlocks the key, which the service keeps in memory
    draft = desk.drafts.create(
        patient.id, staff.physician.user_id, two_site_entry(), actor=staff.physician
    )
    with pytest.raises(WrongPassword):
        desk.signing.sign(
            draft.id,
            draft.version,
            staff.physician.user_id,
            actor=staff.physician,
            password="not the password",
        )
    with desk.database.session_factory() as db:
        assert db.scalars(select(Signature)).all()[-1].sequence == 1  # nothing was signed
    sign_note(staff.physician)
    assert _signature(desk.database, 2).key_id == _signature(desk.database, 1).key_id
    assert _findings(desk) == []


def test_addenda_cosignatures_and_error_marks_are_signed_with_keys(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    nurse, physician = staff.nurse_practitioner, staff.physician
    desk.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=staff.admin)
    note = sign_note(nurse)
    desk.cosign.cosign(note.id, physician, PASSWORD)
    desk.addenda.add(note.id, nurse.user_id, "Called the patient.", actor=nurse, password=PASSWORD)
    desk.errors.mark_entered_in_error(note.id, "Wrong patient.", actor=nurse, password=PASSWORD)

    (nurse_key,) = _keys(desk.database, nurse.user_id)
    (physician_key,) = _keys(desk.database, physician.user_id)
    signed_with = [_signature(desk.database, sequence).key_id for sequence in (1, 2, 3, 4)]
    assert signed_with == [nurse_key.id, physician_key.id, nurse_key.id, nurse_key.id]
    assert _findings(desk) == []

    if desk.database.engine.dialect.name != "sqlite":
        return  # the forgery below writes with the SQLite driver
    _forge(desk.database, [("UPDATE addenda SET text = 'Never called.'", ())])
    assert any("addendum" in m and "altered" in m for m in _findings(desk))
    _forge(desk.database, [("UPDATE signatures SET signature = NULL WHERE sequence = 3", ())])
    assert any("no Ed25519 signature" in m for m in _findings(desk))


def test_an_account_without_a_key_is_told_to_ask_an_administrator(
    desk: Desk, staff: Staff, sign_note: SignNote, sqlite_only: None
) -> None:
    # As after the upgrade to 0005: the account has a password but no key yet. Signing does
    # not make one (a key its owner registered alone would prove nothing).
    _forge(
        desk.database,
        [("DELETE FROM signing_keys WHERE user_id = ?", (staff.physician.user_id,))],
    )
    with pytest.raises(UserError, match="Ask an administrator to reset your password"):
        sign_note(staff.physician)
    assert _keys(desk.database, staff.physician.user_id) == []

    desk.users.reset_password(staff.admin, "ihartley", NEW_PASSWORD)
    (key,) = _keys(desk.database, staff.physician.user_id)
    assert key.registered_by_key_id == _keys(desk.database, staff.admin.user_id)[0].id
    physician = desk.users.authenticate("ihartley", NEW_PASSWORD)
    sign_note(physician, password=NEW_PASSWORD)
    assert _signature(desk.database, 1).key_id == key.id
    assert _findings(desk) == []
