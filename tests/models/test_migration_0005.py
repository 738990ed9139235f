"""Migration 0005 (signing keys, issue 13) on a SQLite file holding a signed note and its
signature from 0004: the link keeps its values with no key, the signatures table keeps its
append-only trigger (columns are added in place), and going back down to 0004 works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError

from tests.models.test_migration_0004 import NOW, _signed_note_at_0003
from tpi_desk.models.engine import create_database_engine
from tpi_desk.models.migration import alembic_config, current_revision

LINK = (
    "INSERT INTO signatures (id, sequence, record_type, record_id, session_id, signer_id, "
    f"signed_at, content, content_hash, previous_hash, chain_hash) VALUES (1, 1, 'session', 1, "
    f"1, 1, '{NOW}', '{{}}', '{'a' * 64}', '{'0' * 64}', '{'b' * 64}')"
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    yield engine
    engine.dispose()


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        config = alembic_config(connection)
        (command.downgrade if down else command.upgrade)(config, revision)


def _update_refused(engine: Engine) -> bool:
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE signatures SET content = 'x' WHERE id = 1")
    except DatabaseError as error:
        return "tpi-desk locked record" in str(error)
    return False


def test_links_from_0004_keep_their_values_and_their_lock(engine: Engine) -> None:
    _migrate(engine, "0003")
    _signed_note_at_0003(engine)
    _migrate(engine, "0004")
    with engine.begin() as connection:
        connection.exec_driver_sql(LINK)

    _migrate(engine, "0005")

    assert current_revision(engine) == "0005"
    assert "signing_keys" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT sequence, content_hash, key_id, signature FROM signatures"
        ).one()
    assert tuple(row) == (1, "a" * 64, None, None)
    assert _update_refused(engine)

    _migrate(engine, "0004", down=True)
    assert current_revision(engine) == "0004"
    assert "signing_keys" not in inspect(engine).get_table_names()
    columns = {column["name"] for column in inspect(engine).get_columns("signatures")}
    assert {"key_id", "signature"}.isdisjoint(columns)
    assert _update_refused(engine)
