"""The composition root: one open database, every service over it, nothing heavy at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.services.conftest import PASSWORD, fast_hasher, patient_facts, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.desk import DatabaseOpenError, Desk
from tpi_desk.models.database import Database
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.sessions.overview import RecordCounts


def open_test_desk(url: str, catalog: Catalog, tmp_path: Path) -> Desk:
    return Desk.open(url, catalog=catalog, data_dir=tmp_path / "app-data", hasher=fast_hasher())


def test_importing_the_desk_loads_no_sqlalchemy_and_no_reportlab() -> None:
    code = (
        "import sys, tpi_desk.desk; "
        "print(sorted(m for m in ('sqlalchemy', 'reportlab') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_each_service_is_built_once_and_the_export_only_on_first_use(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    with open_test_desk(sqlite_url, catalog, tmp_path) as desk:
        assert desk.patients is desk.patients
        assert desk.users is desk.users
        assert "exporting" not in vars(desk)
        assert desk.exporting is desk.exporting
        assert desk.catalog is catalog
        assert desk.data_dir == tmp_path / "app-data"


def test_a_desk_writes_and_reads_through_one_database(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    with open_test_desk(sqlite_url, catalog, tmp_path) as desk:
        desk.users.create_first_admin("admin.ada", "Ada Ødegård", PASSWORD)
        admin = desk.users.authenticate("admin.ada", PASSWORD)
        desk.users.add_user(
            "ihartley",
            "Dr. Imogen Hartley",
            PASSWORD,
            role=Role.PHYSICIAN,
            credentials="MD",
            actor=admin,
        )
        doctor = desk.users.authenticate("ihartley", PASSWORD)
        patient = desk.patients.create(patient_facts(), actor=doctor)
        draft = desk.drafts.create(patient.id, doctor.user_id, two_site_entry(), actor=doctor)
        signed = desk.signing.sign(
            draft.id, draft.version, doctor.user_id, actor=doctor, password=PASSWORD
        )
        assert desk.overview.counts() == RecordCounts(patients=1, sessions=1)

        note = desk.exporting.note_pdf(signed.id, actor=doctor)
        desk.exporting.record_print(note, actor=doctor)

        assert note.session_id == signed.id
        assert note.status is NoteStatus.SIGNED and not note.is_draft
        assert note.pdf.startswith(b"%PDF")
        assert note.file_name.endswith(".pdf")
        printed = desk.audit_log.report(None, action=AuditAction.PRINT).rows
        assert [entry.record_id for entry in printed] == [signed.id]
        assert desk.verification.verify(actor=None).intact


def test_demo_data_is_a_service_call(sqlite_url: str, catalog: Catalog, tmp_path: Path) -> None:
    with open_test_desk(sqlite_url, catalog, tmp_path) as desk:
        result = desk.demo_data.add(patients=3, sessions=5, seed=4, signatures=False)
        assert (result.patients, result.sessions) == (3, 5)
        assert desk.overview.counts() == RecordCounts(patients=3, sessions=5)


def test_the_location_names_a_file_from_home_and_hides_a_server_password(
    sqlite_url: str, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_test_desk(sqlite_url, catalog, tmp_path) as desk:
        assert desk.overview.location() == str(make_url(sqlite_url).database)
        monkeypatch.setenv("HOME", str(tmp_path))
        assert desk.overview.location() == "~/data/tpi-desk.sqlite3"
        server_url = desk.database.url.set(
            drivername="postgresql+psycopg", username="clinic", password="s3cret", host="db"
        )
        database = desk.database
        server = Desk(Database(database.engine, database.session_factory, server_url))
        assert server.overview.location() == "postgresql+psycopg://clinic:***@db/" + str(
            server_url.database
        )
        assert not server.upkeep.checks_integrity
        assert desk.upkeep.checks_integrity


def test_upkeep_backs_up_at_start_and_checks_the_whole_file(
    sqlite_url: str, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "user-data"))
    with open_test_desk(sqlite_url, catalog, tmp_path) as desk:
        desk.demo_data.add(patients=2, sessions=2, signatures=False)
        copy = desk.upkeep.rotate_startup_backup()
        assert copy is not None and copy.is_file()
        assert copy.parent == tmp_path / "user-data" / "backups"
        desk.upkeep.check_integrity()  # an intact file: no error


def test_a_file_that_is_not_a_database_is_refused_with_a_desk_level_error(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"not a database at all, just some text " * 200)
    with pytest.raises(DatabaseOpenError):
        Desk.open(f"sqlite:///{path}", catalog=catalog)
    assert path.read_bytes().startswith(b"not a database")
