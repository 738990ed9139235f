"""Issue 13, item 6: files with patient information are their owner's only.

The data folder is 0700; the database with its WAL and shared memory, backups, exports and
the crash log are 0600, even when the process's umask would allow more (the tests run with
the usual 022) and when the file was created before the rule. Exported PDFs are named by date
and session id unless the clinic setting asks for the patient's MRN and name.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.private_files import PRIVATE_UMASK
from tpi_desk.clinical.settings import EXPORT_FILE_NAMES_WITH_PATIENT
from tpi_desk.crash_log import write_crash_report
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.engine import create_database_engine
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.paths import DATA_DIR_ENV, keep_files_private
from tpi_desk.reports import sample_notes
from tpi_desk.reports.batch_export import export_batch
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_file_names import note_file_name
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.export.exporting import ExportCriteria, ExportService
from tpi_desk.services.storage.backups import backup_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask a process gets by default, so each test shows the app's own protection."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def test_at_start_new_files_are_private_and_the_data_folder_too(data_folder: Path) -> None:
    data_folder.mkdir(mode=0o755)
    data_folder.chmod(0o755)

    keep_files_private()

    assert os.umask(PRIVATE_UMASK) == PRIVATE_UMASK
    assert mode(data_folder) == PRIVATE_FOLDER
    (data_folder / "new.txt").write_text("x", encoding="utf-8")
    assert mode(data_folder / "new.txt") == PRIVATE_FILE


def test_the_database_folder_wal_and_shared_memory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "tpi-desk.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert [mode(path), mode(wal), mode(shm)] == [PRIVATE_FILE] * 3
        assert mode(path.parent) == PRIVATE_FOLDER
    finally:
        engine.dispose()


def test_a_database_made_before_the_rule_is_made_private_when_opened(
    tmp_path: Path, migrated_sqlite_template: Path
) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    path.chmod(0o644)

    database = open_database(f"sqlite:///{path}")
    try:
        assert mode(path) == PRIVATE_FILE
        assert mode(Path(f"{path}-wal")) == PRIVATE_FILE
    finally:
        database.engine.dispose()


def test_backups_are_private(tmp_path: Path, migrated_sqlite_template: Path) -> None:
    source = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_sqlite_template, source)

    facts = backup_database(f"sqlite:///{source}", tmp_path / "backups" / "copy.sqlite3")

    assert mode(facts.path) == PRIVATE_FILE
    assert mode(facts.path.parent) == PRIVATE_FOLDER


def _notes() -> list[NoteData]:
    notes = [sample_notes.single_site_note(), sample_notes.draft_note()]
    return [replace(note, session_id=str(101 + index)) for index, note in enumerate(notes)]


def test_every_export_file_and_folder_is_private(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()

    summary = export_batch(
        _notes(),
        merged_pdf=out / "batch.pdf",
        pdf_dir=out / "notes",
        csv_path=out / "claims.csv",
        json_path=out / "notes.json",
    )

    assert len(summary.files) == 5
    assert {file: mode(file) for file in summary.files} == dict.fromkeys(
        summary.files, PRIVATE_FILE
    )
    assert mode(out / "notes") == PRIVATE_FOLDER


def test_pdfs_written_into_an_existing_folder_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)

    summary = export_batch(_notes(), pdf_dir=folder)

    assert [mode(file) for file in summary.files] == [PRIVATE_FILE] * 2


def test_export_file_names_carry_date_and_session_id_not_the_patient(tmp_path: Path) -> None:
    summary = export_batch(_notes(), pdf_dir=tmp_path / "notes")

    names = sorted(file.name for file in summary.files)
    assert names == ["2026-03-04_session-101.pdf", "2026-03-04_session-102.pdf"]
    for note in _notes():
        assert note.patient.mrn not in "".join(names)
        assert note.patient.family_name not in "".join(names)


def test_the_clinic_may_ask_for_names_with_the_patient(tmp_path: Path) -> None:
    note = _notes()[0]
    assert note_file_name(note) == "2026-03-04_session-101.pdf"
    assert note_file_name(note, with_patient=True) == "2026-03-04_D-104233_Nunez.pdf"

    summary = export_batch([note], pdf_dir=tmp_path / "notes", file_names_with_patient=True)

    assert [file.name for file in summary.files] == ["2026-03-04_D-104233_Nunez.pdf"]


def test_the_export_service_follows_the_clinic_setting(
    database: Database, catalog: Catalog, tmp_path: Path
) -> None:
    today = date(2026, 3, 20)
    generate_demo_data(database.engine, catalog, patients=2, sessions=3, seed=5, today=today)
    service = ExportService(database.session_factory, catalog)
    criteria = ExportCriteria(date(2026, 1, 1), today)

    plain = service.export(criteria, pdf_dir=tmp_path / "plain")
    with database.session_factory.begin() as db:
        db.add(ClinicSetting(key=EXPORT_FILE_NAMES_WITH_PATIENT, value=True))
    named = service.export(criteria, pdf_dir=tmp_path / "named")

    assert all("_session-" in file.name for file in plain.files)
    assert plain.files and not any("_session-" in file.name for file in named.files)
    note_pdf = service.note_pdf(int(named.session_ids[0]))
    assert "_session-" not in note_pdf.file_name


def test_the_crash_log_and_its_folder_are_private(data_folder: Path) -> None:
    logs = data_folder / "logs"
    logs.mkdir(parents=True)
    (logs / "crash.log").write_text("an older report\n", encoding="utf-8")
    (logs / "crash.log").chmod(0o644)

    where = write_crash_report(RuntimeError("synthetic failure"))

    assert Path(where) == logs / "crash.log"
    assert mode(logs / "crash.log") == PRIVATE_FILE
    assert mode(logs) == PRIVATE_FOLDER
    assert mode(data_folder) == PRIVATE_FOLDER
    assert "synthetic failure" in (logs / "crash.log").read_text(encoding="utf-8")
