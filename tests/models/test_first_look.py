"""The app's quick look agrees with the real database about the first administrator."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import update

from tpi_desk.clinical.record import Role
from tpi_desk.models.database import open_database
from tpi_desk.models.engine import normalize_url, sqlite_file
from tpi_desk.models.first_look import needs_first_admin_at_a_glance, sqlite_file_of
from tpi_desk.models.people import User
from tpi_desk.services.people.users import UserService


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///relative/tpi-desk.sqlite3",
        "sqlite:////absolute/clinic data/tpi-desk.sqlite3",
        "sqlite:////absolute/Ødegård%20clinic/tpi.sqlite3",
        "sqlite+pysqlite:////absolute/tpi.sqlite3",
    ],
)
def test_the_file_of_a_plain_sqlite_url_is_the_one_sqlalchemy_opens(url: str) -> None:
    assert sqlite_file_of(url) == sqlite_file(normalize_url(url))


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:shared?mode=memory&uri=true",
        "sqlite:////absolute/tpi.sqlite3?timeout=3",
        "postgresql://tpi@db.clinic.example/tpi_desk",
    ],
)
def test_anything_but_a_plain_file_is_left_to_the_real_open(url: str) -> None:
    assert sqlite_file_of(url) is None
    assert needs_first_admin_at_a_glance(url) is None


def test_a_file_not_there_yet_needs_its_first_administrator(tmp_path: Path) -> None:
    assert needs_first_admin_at_a_glance(f"sqlite:///{tmp_path / 'new.sqlite3'}") is True
    assert not (tmp_path / "new.sqlite3").exists()


def test_the_quick_look_agrees_with_the_user_service_as_accounts_change(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    users = UserService(database.session_factory)
    try:
        looks = [(needs_first_admin_at_a_glance(sqlite_url), users.needs_first_admin())]
        users.create_first_admin("ihartley", "Ines Hartley", "a long passphrase 1")
        looks.append((needs_first_admin_at_a_glance(sqlite_url), users.needs_first_admin()))
        with database.session_factory.begin() as session:
            session.execute(update(User).values(active=False))
        looks.append((needs_first_admin_at_a_glance(sqlite_url), users.needs_first_admin()))
        with database.session_factory.begin() as session:
            session.execute(update(User).values(active=True, password_hash=None))
        looks.append((needs_first_admin_at_a_glance(sqlite_url), users.needs_first_admin()))
        with database.session_factory.begin() as session:
            session.execute(update(User).values(role=Role.PHYSICIAN, password_hash="$argon2id$x"))
        looks.append((needs_first_admin_at_a_glance(sqlite_url), users.needs_first_admin()))
    finally:
        database.dispose()
    assert looks == [(True, True), (False, False), (True, True), (True, True), (True, True)]


def test_a_file_at_another_schema_revision_is_left_to_the_real_open(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    path = sqlite_file_of(sqlite_url)
    assert path is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    assert needs_first_admin_at_a_glance(sqlite_url) is None


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["empty", "text", "damaged-header"],
)
def test_files_that_are_not_tpi_desk_databases_are_left_to_the_real_open(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "strange.sqlite3"
    path.write_bytes(content)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert needs_first_admin_at_a_glance(f"sqlite:///{path}") is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["strange.sqlite3"]


def test_a_folder_is_left_to_the_real_open(tmp_path: Path) -> None:
    assert needs_first_admin_at_a_glance(f"sqlite:///{tmp_path}") is None


def test_looking_writes_nothing(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    UserService(database.session_factory).create_first_admin(
        "ihartley", "Ines Hartley", "a long passphrase 1"
    )
    database.dispose()
    path = sqlite_file_of(sqlite_url)
    assert path is not None
    before = path.read_bytes()
    assert needs_first_admin_at_a_glance(sqlite_url) is False
    assert path.read_bytes() == before
    # A read-only look at a WAL database may leave SQLite's index file, never a journal.
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
