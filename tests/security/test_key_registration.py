"""Issue 13, item 3: a signing key is trusted only when its registration in the audit log is
signed by an administrator's key (or, on a password change, by the owner's previous key);
the first administrator's key is the one root that signs itself.

The attacks write with plain ORM access and build everything with the app's own functions,
so only the registration signature can give them away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.cli import main
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.desk import Desk as AppDesk
from tpi_desk.models.people import User
from tpi_desk.models.procedures import SignedRecordKind
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.integrity import append_signature, signed_note_content
from tpi_desk.services.integrity.key_registry import SELF_SIGNED, issue_key
from tpi_desk.services.integrity.signing_keys import UnlockedKey
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.sessions.session_loading import load_session_row, session_record

NEW_PASSWORD = "a different passphrase 42"
ATTACKER_PASSWORD = "the attacker's own pass 7"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _findings(desk: Desk) -> list[str]:
    return [finding.message for finding in desk.verification.verify(record=False).findings]


def _keys(desk: Desk, user_id: int) -> list[SigningKey]:
    with desk.database.session_factory() as db:
        query = select(SigningKey).where(SigningKey.user_id == user_id).order_by(SigningKey.id)
        return list(db.scalars(query))


def _as_writer(desk: Desk, work: Callable[[Session], int]) -> int:
    """Run ``work`` with plain ORM write access (no service, no password) and commit."""
    with desk.database.session_factory() as db:
        result = work(db)
        db.commit()
        return result


def _sign_with(desk: Desk, staff: Staff, patient: PatientRecord, key: UnlockedKey) -> int:
    """A draft of the physician's made signed with ``key``: the note's canonical content,
    the signature chain and the audit chain all built with the app's functions."""
    physician = staff.physician
    draft = desk.drafts.create(patient.id, physician.user_id, two_site_entry(), actor=physician)

    def sign(db: Session) -> int:
        row = load_session_row(db, draft.id)
        signer = db.get(User, physician.user_id)
        assert signer is not None
        now = datetime.now(UTC)
        content = signed_note_content(
            session_record(row), provider_record(signer), signed_at=now, cosign_required=False
        )
        row.status, row.signed_at, row.signed_by = NoteStatus.SIGNED, now, signer
        row.content_hash = sha256_hex(canonical_json(content))
        db.flush()
        link = append_signature(
            db,
            SignedRecordKind.SESSION,
            record_id=row.id,
            session_id=row.id,
            signer_id=signer.id,
            signed_at=now,
            content=content,
            key=key,
        )
        return link.sequence

    return _as_writer(desk, sign)


def _issue(
    desk: Desk, user_id: int, signer: UnlockedKey | Literal["self"] | None, *, actor_id: int
) -> UnlockedKey:
    """The app's own ``issue_key``, run by a database writer for ``user_id``."""

    def work(db: Session) -> UnlockedKey:
        user = db.get(User, user_id)
        assert user is not None
        actor = None if actor_id == 0 else _actor(db, actor_id)
        return issue_key(db, user, ATTACKER_PASSWORD, FAST, actor, signer=signer)

    with desk.database.session_factory() as db:
        issued = work(db)
        db.commit()
        return issued


def _actor(db: Session, user_id: int) -> Actor:
    user = db.get(User, user_id)
    assert user is not None
    return Actor(user.id, user.username, user.role, user.credentials)


@pytest.mark.parametrize("how", ["unsigned", "self-signed", "by a forged admin key"])
def test_a_key_registered_by_a_database_writer_is_reported_with_its_notes(
    desk: Desk, staff: Staff, sign_note: SignNote, patient: PatientRecord, how: str
) -> None:
    sign_note(staff.physician)
    assert _findings(desk) == []
    admin_id = staff.admin.user_id
    if how == "unsigned":
        key = _issue(desk, staff.physician.user_id, None, actor_id=admin_id)
        expected = "is not signed by an administrator's key"
    elif how == "self-signed":
        key = _issue(desk, staff.physician.user_id, SELF_SIGNED, actor_id=admin_id)
        expected = "only the first administrator's key may do that, and it came earlier"
    else:  # a made-up administrator key (a second root), which then signs the forged key
        fake_admin = _issue(desk, admin_id, SELF_SIGNED, actor_id=admin_id)
        key = _issue(desk, staff.physician.user_id, fake_admin, actor_id=admin_id)
        expected = (
            f"is signed by admin.ada's key #{fake_admin.key_id}, which was not a validly "
            "registered current key at that point"
        )
    sequence = _sign_with(desk, staff, patient, key)

    found = _findings(desk)
    assert any(
        f"The registration of ihartley's signing key #{key.key_id} (audit entry #" in line
        and expected in line
        and "notes signed with it are not verifiable" in line
        for line in found
    ), found
    assert any(
        f"(signature #{sequence}): it is signed with ihartley's key #{key.key_id}, whose "
        "registration is not validly signed, so it is not verifiable" in line
        for line in found
    ), found


def test_a_registration_signed_by_the_admin_key_id_but_not_its_private_key_is_caught(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    (admin_key,) = _keys(desk, staff.admin.user_id)
    forger = _issue(desk, staff.billing.user_id, None, actor_id=staff.admin.user_id)
    # Claims the administrator's key signed it; the signature is the forger's own.
    pretender = UnlockedKey(admin_key.id, forger.private_key)
    key = _issue(desk, staff.physician.user_id, pretender, actor_id=staff.admin.user_id)
    _sign_with(desk, staff, patient, key)
    assert any(
        f"ihartley's signing key #{key.key_id}" in line
        and "carries a signature that does not match the registration" in line
        for line in _findings(desk)
    )


def test_an_admin_reset_signs_the_new_key_and_old_notes_still_verify(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    sign_note(staff.physician)
    desk.users.reset_password(staff.admin, "ihartley", NEW_PASSWORD)
    (admin_key,) = _keys(desk, staff.admin.user_id)
    old, new = _keys(desk, staff.physician.user_id)
    assert old.registered_by_key_id == new.registered_by_key_id == admin_key.id
    physician = desk.users.authenticate("ihartley", NEW_PASSWORD)
    sign_note(physician, password=NEW_PASSWORD)
    assert _findings(desk) == []


def test_an_administrators_own_password_change_is_continuity_signed(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    admin = staff.admin
    desk.users.change_password(admin, PASSWORD, NEW_PASSWORD)
    old, new = _keys(desk, admin.user_id)
    assert new.registered_by_key_id == old.id and old.retired_at is not None
    # The renewed administrator key signs what the administrator issues next.
    desk.users.reset_password(admin, "ihartley", NEW_PASSWORD)
    assert _keys(desk, staff.physician.user_id)[-1].registered_by_key_id == new.id
    sign_note(desk.users.authenticate("ihartley", NEW_PASSWORD), password=NEW_PASSWORD)
    assert _findings(desk) == []


def test_continuity_from_an_untrusted_key_is_not_trusted(
    desk: Desk, staff: Staff, patient: PatientRecord
) -> None:
    nurse = staff.nurse_practitioner
    planted = _issue(desk, nurse.user_id, None, actor_id=nurse.user_id)  # unsigned
    renewed = _issue(desk, nurse.user_id, planted, actor_id=nurse.user_id)
    found = " ".join(_findings(desk))
    assert f"rvarga's signing key #{planted.key_id} (audit entry #" in found
    assert (
        f"rvarga's signing key #{renewed.key_id} (audit entry #" in found
        and f"is signed by rvarga's key #{planted.key_id}, which was not a validly registered"
        in found
    )


def test_the_first_administrator_is_the_one_root(desk: Desk, staff: Staff) -> None:
    (root,) = _keys(desk, staff.admin.user_id)
    assert root.registered_by_key_id == root.id and root.owner_role == Role.ADMIN.value
    assert _findings(desk) == []

    # A second administrator added by the local operator is not signed by anyone...
    desk.users.add_user("bo.admin", "Bo Admin", PASSWORD, role=Role.ADMIN, actor=None)
    with desk.database.session_factory() as db:
        second_id = db.scalars(select(User.id).where(User.username == "bo.admin")).one()
    # ... and one that signs itself is a second root: refused.
    second_root = _issue(desk, second_id, SELF_SIGNED, actor_id=0)
    found = _findings(desk)
    assert any(
        f"bo.admin's signing key #{second_root.key_id}" in line
        and "only the first administrator's key may do that" in line
        for line in found
    ), found


def test_an_administrator_added_by_an_administrator_signs_keys_in_turn(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    desk.users.add_user("bo.admin", "Bo Admin", PASSWORD, role=Role.ADMIN, actor=staff.admin)
    bo = desk.users.authenticate("bo.admin", PASSWORD)
    desk.users.reset_password(bo, "ihartley", NEW_PASSWORD)
    (bo_key,) = _keys(desk, bo.user_id)
    assert _keys(desk, staff.physician.user_id)[-1].registered_by_key_id == bo_key.id
    sign_note(desk.users.authenticate("ihartley", NEW_PASSWORD), password=NEW_PASSWORD)
    assert _findings(desk) == []


def test_a_demo_database_verifies_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TPI_DESK_USER", "TPI_DESK_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TPI_DESK_DEMO_PASSWORD", "a demo password 1")
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["--database", url, "demo-data", "--patients", "3", "--sessions", "6"]) == 0
    with AppDesk.open(url) as app:
        report = app.verification.verify(record=False)
        with app.database.session_factory() as db:
            keys = list(db.scalars(select(SigningKey).order_by(SigningKey.id)))
    assert [finding.message for finding in report.findings] == []
    root = keys[0]
    assert root.registered_by_key_id == root.id  # the demo administrator's key is the root
    assert len(keys) == 5, "the demo clinicians' keys, issued by the demo administrator"
    assert all(key.registered_by_key_id == root.id for key in keys[1:])
