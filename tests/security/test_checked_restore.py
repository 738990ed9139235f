"""Issue 13, item 4 (restore): `restore` verifies the backup first and refuses one whose
signed records or audit trail were altered, unless forced (recorded in the audit trail);
a deliberate restore starts the workstation's checkpoint over."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.reliability.test_backups import BACKUP_ADMIN, run_tpi_desk
from tests.reliability.test_hostile_files import Run
from tests.services.conftest import PASSWORD, fast_hasher, patient_facts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.audit import AuditEvent
from tpi_desk.services.integrity.checked_restore import TamperedBackupError, restore_checked
from tpi_desk.services.integrity.verification import SQLITE_TRIGGERS
from tpi_desk.services.storage.backups import backup_database


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    return tmp_path / "app-data"


@pytest.fixture
def desk(sqlite_url: str, catalog: Catalog, data_folder: Path) -> Iterator[Desk]:
    with Desk.open(sqlite_url, catalog=catalog, data_dir=data_folder, hasher=fast_hasher()) as desk:
        desk.users.create_first_admin("admin.ada", "Ada Synthetic", PASSWORD)
        admin = desk.users.authenticate("admin.ada", PASSWORD)
        desk.users.add_user(
            "dr.syn", "Dr. Synthetic", PASSWORD, role=Role.PHYSICIAN, credentials="MD",
            actor=admin,
        )  # fmt: skip
        physician = desk.users.authenticate("dr.syn", PASSWORD)
        desk.patients.create(patient_facts(mrn="SYN-3001"), actor=physician)
        yield desk


def url_of(desk: Desk) -> str:
    return desk.database.url.render_as_string(hide_password=False)


def tampered_backup(desk: Desk, tmp_path: Path) -> Path:
    """A backup in which a patient's audit entry was rewritten (triggers dropped first)."""
    backup = backup_database(url_of(desk), tmp_path / "altered.sqlite3").path
    connection = sqlite3.connect(backup)
    try:
        connection.execute("DROP TRIGGER tpi_desk_audit_events_update")
        connection.execute(
            "UPDATE audit_events SET actor_name = 'someone else' WHERE record_type = 'patient'"
        )
        connection.commit()
    finally:
        connection.close()
    return backup


def restore_actions(desk: Desk) -> list[str]:
    with desk.database.session_factory() as db:
        return list(
            db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "restore")).all()
        )


def test_an_intact_backup_is_restored_and_recorded(
    desk: Desk, data_folder: Path, tmp_path: Path
) -> None:
    backup = backup_database(url_of(desk), tmp_path / "intact.sqlite3").path
    desk.patients.search("SYN")  # later work the restore rolls back
    desk.database.dispose()

    checked = restore_checked(url_of(desk), backup, data_folder)

    assert (checked.findings, checked.forced) == ((), False)
    assert restore_actions(desk) == ["restored from intact.sqlite3; verified"]
    assert desk.verification.verify(record=False).findings == ()


def test_a_tampered_backup_is_refused_and_nothing_is_replaced(
    desk: Desk, data_folder: Path, tmp_path: Path
) -> None:
    backup = tampered_backup(desk, tmp_path)
    database = Path(str(desk.database.url.database))
    desk.database.dispose()
    before = database.read_bytes()

    with pytest.raises(TamperedBackupError) as refused:
        restore_checked(url_of(desk), backup, data_folder)

    message = str(refused.value)
    assert message.startswith(f"{backup} was altered outside the app (")
    assert "was altered outside the app" in message.split("(", 1)[1]
    assert "Nothing was replaced" in message and "--force" in message
    assert database.read_bytes() == before
    assert not list(database.parent.glob("*before-restore*"))


def test_a_forced_restore_of_a_tampered_backup_is_audited(
    desk: Desk, data_folder: Path, tmp_path: Path
) -> None:
    backup = tampered_backup(desk, tmp_path)
    desk.database.dispose()

    checked = restore_checked(url_of(desk), backup, data_folder, force=True)

    assert checked.forced and checked.findings
    (detail,) = restore_actions(desk)
    assert detail.startswith(
        f"restored from altered.sqlite3; forced despite {len(checked.findings)} finding(s): "
        f"database: 1 of {len(SQLITE_TRIGGERS)} protective triggers are missing"
    )
    assert any(finding.startswith("audit: audit entry #") for finding in checked.findings)


def test_after_a_deliberate_restore_older_anchors_no_longer_count(
    desk: Desk, data_folder: Path, tmp_path: Path
) -> None:
    earlier = backup_database(url_of(desk), tmp_path / "earlier.sqlite3").path
    admin = desk.users.authenticate("admin.ada", PASSWORD)
    desk.users.add_user(
        "np.syn", "NP Synthetic", PASSWORD, role=Role.NURSE_PRACTITIONER, credentials="NP",
        actor=admin,
    )  # fmt: skip
    (data_folder / "backups").mkdir()
    backup_database(url_of(desk), data_folder / "backups")  # newer than the one restored
    desk.database.dispose()

    restore_checked(url_of(desk), earlier, data_folder)

    assert desk.verification.verify(record=False).findings == ()


def test_the_restore_command_refuses_a_tampered_backup_unless_forced(
    desk: Desk, tmp_path: Path
) -> None:
    backup = tampered_backup(desk, tmp_path)
    # Issue 13: restore needs a signed-in administrator on the command line.
    admin = desk.users.authenticate("admin.ada", PASSWORD)
    desk.users.add_user(BACKUP_ADMIN, "Backup Admin", PASSWORD, role=Role.ADMIN, actor=admin)
    password_file = tmp_path / "operator-password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    desk.database.dispose()
    data_dir = tmp_path / "user-data"

    def tpi_desk(data_dir: Path, *args: str) -> Run:
        return run_tpi_desk(data_dir, *args, password_file=password_file)

    refused = tpi_desk(data_dir, "--database", url_of(desk), "restore", str(backup))

    assert refused.status == 1
    assert refused.stderr.count("\n") == 1
    assert "was altered outside the app" in refused.stderr and "--force" in refused.stderr

    forced = tpi_desk(data_dir, "--database", url_of(desk), "restore", str(backup), "--force")

    assert (forced.status, forced.stderr) == (0, ""), forced
    assert "Restored despite 2 verify finding(s), as forced;" in forced.stdout
    assert restore_actions(desk)[0].startswith("restored from altered.sqlite3; forced despite 2")


def test_restoring_onto_a_missing_database_needs_an_administrator_of_the_backup(
    desk: Desk, tmp_path: Path
) -> None:
    admin = desk.users.authenticate("admin.ada", PASSWORD)
    desk.users.add_user(BACKUP_ADMIN, "Backup Admin", PASSWORD, role=Role.ADMIN, actor=admin)
    backup = backup_database(url_of(desk), tmp_path / "kept-elsewhere.sqlite3").path
    desk.database.dispose()
    missing = tmp_path / "recreated" / "tpi-desk.sqlite3"
    missing.parent.mkdir()
    url = f"sqlite:///{missing}"
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not the password at all", encoding="utf-8")
    right = tmp_path / "operator-password"
    right.write_text(PASSWORD, encoding="utf-8")

    refused = run_tpi_desk(tmp_path / "data", "--database", url, "restore", str(backup),
                           password_file=wrong)  # fmt: skip

    assert refused.status == 1 and refused.stderr.count("\n") == 1, refused
    assert "username or password is not correct" in refused.stderr
    assert list(missing.parent.iterdir()) == []  # nothing of the backup was left behind

    restored = run_tpi_desk(tmp_path / "data", "--database", url, "restore", str(backup),
                            password_file=right)  # fmt: skip

    assert (restored.status, restored.stderr) == (0, ""), restored
    with Desk.open(url, hasher=fast_hasher()) as recreated:
        with recreated.database.session_factory() as db:
            details = db.scalars(
                select(AuditEvent.actor_name).where(AuditEvent.action == "command")
            ).all()
        assert recreated.verification.verify(record=False).findings == ()
    assert BACKUP_ADMIN in " ".join(details)
