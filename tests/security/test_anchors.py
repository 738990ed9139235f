"""Issue 13, item 4: the chains' heads are anchored outside the database (the workstation's
checkpoint file, every backup), and `verify` reports a database behind or diverging from
any anchor it can find."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.conftest import PASSWORD, fast_hasher, patient_facts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.services.integrity.checkpoints import CHECKPOINT_FORMAT
from tpi_desk.services.storage.backups import backup_database


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    return tmp_path / "app-data"


@pytest.fixture
def desk(sqlite_url: str, catalog: Catalog, data_folder: Path) -> Iterator[Desk]:
    with Desk.open(sqlite_url, catalog=catalog, data_dir=data_folder, hasher=fast_hasher()) as desk:
        desk.users.create_first_admin("admin.ada", "Ada Synthetic", PASSWORD)
        yield desk


def add_patient(desk: Desk, mrn: str) -> None:
    admin = desk.users.authenticate("admin.ada", PASSWORD)
    desk.users.add_user(
        f"dr.{mrn.lower()}", "Dr. Synthetic", PASSWORD, role=Role.PHYSICIAN, credentials="MD",
        actor=admin,
    )  # fmt: skip
    physician = desk.users.authenticate(f"dr.{mrn.lower()}", PASSWORD)
    desk.patients.create(patient_facts(mrn=mrn), actor=physician)


def findings(desk: Desk) -> list[str]:
    report = desk.verification.verify(record=False)
    return [f"{finding.chain}: {finding.message}" for finding in report.findings]


def database_file(desk: Desk) -> Path:
    return Path(str(desk.database.url.database))


def audit_head(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(
            connection.execute("SELECT sequence FROM chain_heads WHERE name = 'audit'").fetchone()[
                0
            ]
        )
    finally:
        connection.close()


def test_every_write_leaves_the_heads_in_a_private_checkpoint_file(desk: Desk) -> None:
    add_patient(desk, "SYN-2001")

    path = desk.anchors.file.path
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format"] == CHECKPOINT_FORMAT
    assert saved["chains"]["audit"]["sequence"] == audit_head(database_file(desk))
    assert len(saved["chains"]["audit"]["hash"]) == 64
    assert saved["lineage"] is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert findings(desk) == []


def test_a_database_rolled_back_behind_the_checkpoint_is_reported(
    desk: Desk, tmp_path: Path
) -> None:
    add_patient(desk, "SYN-2001")
    earlier = tmp_path / "earlier.sqlite3"
    backup_database(str(desk.database.url), earlier)  # kept outside the data folder
    add_patient(desk, "SYN-2002")
    reached = audit_head(database_file(desk))
    desk.database.dispose()
    shutil.copyfile(earlier, database_file(desk))  # a rollback by copying a file over it

    found = findings(desk)

    assert len(found) == 1
    assert found[0].startswith(
        f"audit: the audit chain ends at #{audit_head(earlier)}, behind the workstation's "
        f"checkpoint (#{reached}, "
    )
    assert found[0].endswith("its newest entries were cut or the database was rolled back")


def test_a_rewritten_chain_head_diverges_from_the_checkpoint(desk: Desk) -> None:
    add_patient(desk, "SYN-2001")
    head = audit_head(database_file(desk))
    desk.database.dispose()
    connection = sqlite3.connect(database_file(desk))
    try:
        connection.execute("DROP TRIGGER tpi_desk_audit_events_update")
        connection.execute("UPDATE audit_events SET hash = ? WHERE sequence = ?", ("f" * 64, head))
        connection.commit()
    finally:
        connection.close()

    assert any(
        line.startswith(f"audit: audit entry #{head} differs from the workstation's checkpoint")
        for line in findings(desk)
    )


def test_a_newer_backup_in_the_data_folder_is_an_anchor_too(
    desk: Desk, data_folder: Path, tmp_path: Path
) -> None:
    add_patient(desk, "SYN-2001")
    earlier = tmp_path / "earlier.sqlite3"
    backup_database(str(desk.database.url), earlier)
    add_patient(desk, "SYN-2002")
    (data_folder / "backups").mkdir()
    newer = backup_database(str(desk.database.url), data_folder / "backups").path
    desk.anchors.file.path.unlink()  # the workstation's checkpoint is gone as well
    desk.database.dispose()
    shutil.copyfile(earlier, database_file(desk))

    found = findings(desk)

    assert len(found) == 1
    assert f"behind backup {newer.name} (#{audit_head(newer)}, " in found[0]


def test_backups_of_another_database_are_not_compared(
    desk: Desk, data_folder: Path, catalog: Catalog, tmp_path: Path
) -> None:
    other_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    with Desk.open(other_url, catalog=catalog, data_dir=tmp_path / "other-data") as other:
        other.users.create_first_admin("admin.bo", "Bo Synthetic", PASSWORD)
        other.users.authenticate("admin.bo", PASSWORD)
        (data_folder / "backups").mkdir()
        copy = backup_database(other_url, data_folder / "backups").path
    assert audit_head(copy) > audit_head(database_file(desk))  # it would be "ahead"

    assert findings(desk) == []
