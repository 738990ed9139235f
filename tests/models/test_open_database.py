"""Opening a database: created, refused or left untouched exactly as promised."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tpi_desk.models.database import open_database
from tpi_desk.models.engine import create_database_engine, normalize_url
from tpi_desk.models.errors import DatabaseNeedsUpgradeError, DatabaseOpenError, DatabaseTooNewError
from tpi_desk.models.migration import head_revision

FUTURE_REVISION = "ffff_future"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _path_of(url: str) -> Path:
    return Path(make_url(url).database or "")


def _stamp(url: str, revision: str) -> None:
    """Overwrite the schema revision, as a newer TPI Desk would have left it."""
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_new_sqlite_file_is_created_with_its_folder(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    database.dispose()
    assert _path_of(sqlite_url).is_file()


def test_sqlite_pragmas_are_in_effect(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    database.dispose()


def test_database_at_head_is_not_modified_by_opening_it_again(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    path = _path_of(sqlite_url)
    before = _sha256(path)
    again = open_database(sqlite_url)
    with again.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == 0
    again.dispose()
    assert _sha256(path) == before


def test_newer_sqlite_database_is_refused_and_untouched(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    _stamp(sqlite_url, FUTURE_REVISION)
    path = _path_of(sqlite_url)
    before = _sha256(path)
    with pytest.raises(DatabaseTooNewError) as raised:
        open_database(sqlite_url)
    assert FUTURE_REVISION in raised.value.message
    assert "newer version of TPI Desk" in raised.value.message
    assert _sha256(path) == before


@pytest.mark.postgres
def test_newer_postgres_database_is_refused(postgres_url: str) -> None:
    open_database(postgres_url).dispose()
    _stamp(postgres_url, FUTURE_REVISION)
    with pytest.raises(DatabaseTooNewError):
        open_database(postgres_url)
    engine = create_database_engine(postgres_url)
    with engine.connect() as connection:
        stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert stamped == FUTURE_REVISION


def test_text_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_text("Shopping list: gauze, 25G needles, lidocaine 1%\n", encoding="utf-8")
    before = _sha256(path)
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(f"sqlite:///{path}")
    assert str(path) in raised.value.message
    assert _sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sqlite3"]


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other-app.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
        other.execute("INSERT INTO recipes VALUES ('Nguyễn family phở')")
    other.close()
    before = _sha256(path)
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(f"sqlite:///{path}")
    assert "not a TPI Desk" in raised.value.message
    assert _sha256(path) == before


def test_truncated_database_is_refused_and_untouched(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    path = _path_of(sqlite_url)
    path.write_bytes(path.read_bytes()[:100] + b"\x00" * 50)
    before = _sha256(path)
    with pytest.raises(DatabaseOpenError):
        open_database(sqlite_url)
    assert _sha256(path) == before


def test_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tpi-desk.sqlite3"
    folder.mkdir()
    with pytest.raises(DatabaseOpenError, match="folder"):
        open_database(f"sqlite:///{folder}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
def test_read_only_file_is_refused_and_untouched(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    path = _path_of(sqlite_url)
    before = _sha256(path)
    path.chmod(0o444)
    try:
        with pytest.raises(DatabaseOpenError, match="read-only"):
            open_database(sqlite_url)
    finally:
        path.chmod(0o644)
    assert _sha256(path) == before


def test_upgrade_not_allowed_leaves_an_empty_file_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with pytest.raises(DatabaseNeedsUpgradeError) as raised:
        open_database(f"sqlite:///{path}", upgrade=False)
    assert head_revision() in raised.value.message
    assert path.read_bytes() == b""


def test_unreachable_postgres_server_gives_a_plain_message() -> None:
    url = "postgresql://tpi:secret-pw@127.0.0.1:1/tpi_desk"
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(url)
    assert "127.0.0.1:1" in raised.value.message
    assert "secret-pw" not in raised.value.message


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
