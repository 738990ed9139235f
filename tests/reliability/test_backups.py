"""Backups: consistent while the app writes, restored whole, refused when unsafe, rotated."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.reliability.test_hostile_files import Run, finish
from tests.reliability.workers import (
    CLINIC_ADMIN,
    REPO,
    add_physician,
    physician_actor,
    worker_environment,
)
from tests.services.conftest import NOW, PASSWORD, fast_hasher, patient_facts, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.desk import Desk
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.migration import head_revision
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService
from tpi_desk.services.storage.backups import (
    BackupError,
    backup_database,
    check_backup,
    restore_database,
    rotate_startup_backup,
)


@dataclass
class Clinic:
    """An open SQLite database with a patient, a physician and the services that write."""

    database: Database
    path: Path
    patient_id: int
    provider_id: int
    catalog: Catalog

    def add_note(self, notes: str, *, sign: bool = False) -> int:
        """A draft (signed when ``sign``) written by the clinic's physician."""
        factory, physician = self.database.session_factory, physician_actor(self.provider_id)
        record = DraftService(factory, self.catalog).create(
            self.patient_id, self.provider_id, two_site_entry(notes=notes), actor=physician
        )
        if sign:
            signing = SigningService(factory, self.catalog, clock=lambda: NOW, hasher=fast_hasher())
            signing.sign(
                record.id, record.version, self.provider_id, actor=physician, password=PASSWORD
            )
        return record.id

    def notes_by_id(self) -> dict[int, tuple[str, NoteStatus]]:
        return notes_in(self.path)


def notes_in(path: Path) -> dict[int, tuple[str, NoteStatus]]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as reader:
        rows = reader.execute("SELECT id, notes, status FROM procedure_sessions").fetchall()
    reader.close()
    return {row[0]: (row[1], NoteStatus(row[2])) for row in rows}


def identity(moment: datetime) -> datetime:
    return moment


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def clinic(sqlite_url: str, catalog: Catalog) -> Iterator[Clinic]:
    database = open_database(sqlite_url)
    provider_id = add_physician(database.session_factory)
    patient = PatientService(database.session_factory).create(
        patient_facts(family="Ødegård", given="Åse"), actor=physician_actor(provider_id)
    )
    path = Path(make_url(sqlite_url).database or "")
    yield Clinic(database, path, patient.id, provider_id, catalog)
    database.dispose()


def test_backup_taken_while_another_connection_writes_is_consistent(
    clinic: Clinic, tmp_path: Path
) -> None:
    committed: list[int] = []
    stop = threading.Event()

    def keep_saving() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            committed.append(clinic.add_note(f"Nguyễn saved {number}", sign=number % 3 == 0))

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        backups = []
        for number in range(5):
            while len(committed) < 3 * (number + 1):
                stop.wait(0.005)
            before = list(committed)  # acknowledged before this backup began
            facts = backup_database(clinic.database.url.render_as_string(), tmp_path / f"{number}")
            backups.append((before, facts.path))
    finally:
        stop.set()
        writer.join(timeout=30)

    for before, path in backups:
        assert check_backup(path).revision == head_revision()  # integrity_check passed too
        in_backup = notes_in(path)
        assert set(before) <= set(in_backup), "a save acknowledged before the backup is missing"
        with sqlite3.connect(path) as reader:
            sites = dict(
                reader.execute("SELECT session_id, count(*) FROM injection_sites GROUP BY 1")
            )
            assert reader.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        reader.close()
        assert all(sites.get(session_id) == 2 for session_id in in_backup), "a save half-copied"
    assert len(notes_in(backups[-1][1])) > len(notes_in(backups[0][1]))


def test_restore_brings_back_every_note_and_keeps_the_replaced_database(
    clinic: Clinic, tmp_path: Path
) -> None:
    for number in range(6):
        clinic.add_note(f"Zoë Ñúñez before the backup {number}", sign=number % 2 == 0)
    backed_up = clinic.notes_by_id()
    backup = backup_database(clinic.database.url.render_as_string(), tmp_path / "b.sqlite3")
    assert (backup.sessions, backup.patients) == (6, 1)
    for number in range(4):
        clinic.add_note(f"after the backup {number}")
    everything = clinic.notes_by_id()
    clinic.database.dispose()  # the app is closed for a restore

    moment = datetime(2026, 11, 21, 8, 0, 5, tzinfo=UTC)
    result = restore_database(
        clinic.database.url.render_as_string(), backup.path, clock=lambda: moment
    )

    assert result.database == clinic.path
    assert clinic.notes_by_id() == backed_up
    assert result.previous_kept_as == clinic.path.with_name(
        "tpi-desk.sqlite3.before-restore-20261121-080005Z"
    )
    assert notes_in(result.previous_kept_as) == everything
    assert not [p for p in clinic.path.parent.iterdir() if "restoring" in p.name]
    reopened = open_database(clinic.database.url)
    try:
        queries = SessionQueries(reopened.session_factory, clinic.catalog)
        for session_id, (notes, status) in backed_up.items():
            record = queries.load(session_id, actor=physician_actor(clinic.provider_id))
            assert (record.entry.notes, record.status) == (notes, status)
    finally:
        reopened.dispose()


def _corrupt(path: Path) -> None:
    with sqlite3.connect(path) as reader:
        page_size, pages = (
            reader.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "page_count")
        )
    reader.close()
    with path.open("r+b") as handle:
        handle.seek(page_size * (pages // 2))
        handle.write(b"\xa5" * page_size)


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
        other.execute("INSERT INTO recipes VALUES ('Łukasz''s pierogi')")
    other.close()


def _newer(path: Path) -> None:
    with sqlite3.connect(path) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999_future'")
    newer.close()


def _text(path: Path) -> None:
    path.write_text("not a database at all\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("spoil", "saying"),
    [
        (_corrupt, "is damaged"),
        (_foreign, "not a TPI Desk database"),
        (_newer, "newer version of TPI Desk (schema 9999_future)"),
        (_text, "not a TPI Desk database"),
    ],
    ids=["corrupt", "foreign", "newer", "text"],
)
def test_restore_refuses_an_unsafe_file_and_changes_nothing(
    clinic: Clinic, tmp_path: Path, spoil: object, saying: str
) -> None:
    for number in range(30):
        clinic.add_note(f"keep me {number}")
    candidate = backup_database(clinic.database.url.render_as_string(), tmp_path / "c").path
    assert callable(spoil)
    spoil(candidate)
    clinic.database.dispose()
    before = sha256(clinic.path)
    listing = sorted(p.name for p in clinic.path.parent.iterdir())

    with pytest.raises(BackupError) as refused:
        restore_database(clinic.database.url.render_as_string(), candidate)

    assert saying in refused.value.message
    assert sha256(clinic.path) == before
    assert sorted(p.name for p in clinic.path.parent.iterdir()) == listing


def test_restore_refuses_while_the_database_is_open_elsewhere(
    clinic: Clinic, tmp_path: Path
) -> None:
    clinic.add_note("still open in the app")
    backup = backup_database(clinic.database.url.render_as_string(), tmp_path / "b.sqlite3")
    clinic.add_note("written after the backup")
    with clinic.database.engine.connect():  # the running app holds a connection
        before = notes_in(clinic.path)
        with pytest.raises(BackupError, match="is in use"):
            restore_database(clinic.database.url.render_as_string(), backup.path)
    assert notes_in(clinic.path) == before
    assert not list(clinic.path.parent.glob("*before-restore*"))


def test_startup_backups_rotate_keeping_the_newest(clinic: Clinic, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    manual = folder / "tpi-desk-backup-20200101-000000Z.sqlite3"
    manual.write_bytes(b"an admin's own copy")
    url = clinic.database.url.render_as_string()
    made = []
    for number in range(13):
        clinic.add_note(f"start-up {number}")
        moment = datetime(2026, 11, 20, 7, 0, tzinfo=UTC) + timedelta(days=number)
        made.append(rotate_startup_backup(url, folder, keep=10, clock=partial(identity, moment)))

    startup = sorted(folder.glob("tpi-desk-startup-*.sqlite3"))
    assert startup == made[-10:]
    assert startup[0].name == "tpi-desk-startup-20261123-070000-000000Z.sqlite3"
    assert check_backup(startup[-1]).sessions == 13
    assert manual.read_bytes() == b"an admin's own copy"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temporary files left"


def test_a_damaged_database_does_not_rotate_good_backups_away(
    clinic: Clinic, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    url = clinic.database.url.render_as_string()
    for number in range(40):
        clinic.add_note(f"good {number}")
    good = [rotate_startup_backup(url, folder, keep=2) for _ in range(2)]
    clinic.database.dispose()
    _corrupt(clinic.path)

    with pytest.raises(BackupError, match="is damaged"):
        rotate_startup_backup(url, folder, keep=2)

    assert sorted(folder.iterdir()) == sorted(p for p in good if p is not None)


def test_nothing_to_rotate_for_a_server_or_a_new_database(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    assert rotate_startup_backup("postgresql://tpi@db.example/clinic", folder) is None
    assert rotate_startup_backup(f"sqlite:///{tmp_path / 'not-yet.sqlite3'}", folder) is None
    assert not folder.exists()


def test_postgres_backup_points_to_pg_dump() -> None:
    with pytest.raises(BackupError) as refused:
        backup_database("postgresql://tpi:secret@db.example:5432/clinic")
    assert "pg_dump" in refused.value.message
    assert "docs/backups.md" in refused.value.message
    assert "secret" not in refused.value.message


BACKUP_ADMIN = "backup.admin"


def run_tpi_desk(data_dir: Path, *args: str, password_file: Path | None = None) -> Run:
    """`tpi-desk ARGS`, signed in as BACKUP_ADMIN with ``password_file`` when given."""
    import subprocess
    import sys

    env = {**worker_environment(), "TPI_DESK_DATA_DIR": str(data_dir)}
    env.pop("TPI_DESK_DATABASE_URL", None)
    if password_file is not None:
        env["TPI_DESK_USER"] = BACKUP_ADMIN
        env["TPI_DESK_PASSWORD_FILE"] = str(password_file)
    process = subprocess.Popen(
        [sys.executable, "-m", "tpi_desk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
    )
    return finish(process)


def test_backup_and_restore_commands(clinic: Clinic, tmp_path: Path) -> None:
    data_dir = tmp_path / "user-data"
    url = clinic.database.url.render_as_string()
    clinic.add_note("Ødegård: in the backup", sign=True)
    kept = clinic.notes_by_id()
    # Issue 13: backup and restore need a signed-in administrator.
    with Desk.open(url, hasher=fast_hasher()) as desk:
        first = desk.users.authenticate(CLINIC_ADMIN, PASSWORD)
        desk.users.add_user(BACKUP_ADMIN, "Backup Admin", PASSWORD, role=Role.ADMIN, actor=first)
    password_file = tmp_path / "operator-password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    tpi_desk = partial(run_tpi_desk, password_file=password_file)

    backed_up = tpi_desk(data_dir, "--database", url, "backup")

    assert (backed_up.status, backed_up.stderr) == (0, ""), backed_up
    (backup,) = (data_dir / "backups").glob("tpi-desk-backup-*Z.sqlite3")
    assert f"Backed up to {backup} (1 session, 1 patient," in backed_up.stdout
    clinic.add_note("not in the backup")
    clinic.database.dispose()

    restored = tpi_desk(data_dir, "--database", url, "restore", str(backup))

    assert (restored.status, restored.stderr) == (0, ""), restored
    assert f"Restored {clinic.path} from {backup} (1 session, 1 patient)." in restored.stdout
    assert "was kept as" in restored.stdout
    assert clinic.notes_by_id() == kept

    refused = tpi_desk(data_dir, "--database", url, "restore", str(tmp_path / "missing.sqlite3"))
    assert refused.status == 1
    assert refused.stderr.count("\n") == 1 and "is not a file" in refused.stderr

    on_server = tpi_desk(data_dir, "--database", "postgresql://tpi@127.0.0.1:1/x", "backup")
    assert on_server.status == 1
    assert on_server.stderr.count("\n") == 1 and "pg_dump" in on_server.stderr
