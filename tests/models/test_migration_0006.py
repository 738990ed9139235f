"""Migration 0006 (signed key registrations, issue 13) on a SQLite file holding a key from
0005: the key keeps its values with empty registration columns, and going back down to
0005 works."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from tests.models.test_migration_0005 import _migrate, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

KEY = (
    "INSERT INTO users (id, username, display_name, credentials, npi, role, active, version, "
    "failed_logins, created_at) VALUES (1, 'ihartley', 'Iris Hartley', 'MD', '', 'physician', "
    "1, 1, 0, '2026-12-01 10:00:00')",
    "INSERT INTO signing_keys (id, user_id, public_key, encrypted_private_key, kdf, kdf_salt, "
    f"from_sequence, created_at) VALUES (1, 1, '{'c' * 64}', 'ab', 'argon2id:t=1,m=8,p=1', "
    "'00', 0, '2026-12-01 10:00:00')",
)
NEW_COLUMNS = {"owner_role", "registered_by_key_id", "registration_signature"}


def test_keys_from_0005_keep_their_values_with_no_registration_signature(
    engine: Engine,
) -> None:
    _migrate(engine, "0005")
    with engine.begin() as connection:
        for statement in KEY:
            connection.exec_driver_sql(statement)

    _migrate(engine, "0006")

    assert current_revision(engine) == "0006"
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT public_key, owner_role, registered_by_key_id, registration_signature "
            "FROM signing_keys"
        ).one()
    assert tuple(row) == ("c" * 64, None, None, None)

    _migrate(engine, "0005", down=True)
    assert current_revision(engine) == "0005"
    columns = {column["name"] for column in inspect(engine).get_columns("signing_keys")}
    assert NEW_COLUMNS.isdisjoint(columns)
