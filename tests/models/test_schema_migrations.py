"""Migrations build exactly the models' schema, from empty, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tpi_desk.models.base import Base
from tpi_desk.models.database import Database
from tpi_desk.models.migration import alembic_config, current_revision, head_revision
from tpi_desk.models.schema_version import SCHEMA_HEAD

EXPECTED_TABLES = {
    "alembic_version",
    "users",
    "patients",
    "procedure_sessions",
    "session_diagnoses",
    "injection_sites",
    "medication_lines",
    "session_findings",
    "addenda",
    "audit_events",
    "clinic_settings",
    "site_templates",
    "signatures",
    "cosign_requests",
    "cosignatures",
    "entered_in_error_marks",
    "chain_heads",
    "signing_keys",  # issue 13: Ed25519 keys of signing users
    "session_images",  # issue 15: retained ultrasound images
}


def test_an_empty_database_is_migrated_to_head(database: Database) -> None:
    assert current_revision(database.engine) == head_revision()
    assert set(inspect(database.engine).get_table_names()) == EXPECTED_TABLES


def test_the_schema_head_constant_is_the_newest_migration() -> None:
    # open_database skips Alembic when a file is stamped SCHEMA_HEAD; a new migration that
    # forgot to move the constant would leave databases un-migrated.
    assert head_revision() == SCHEMA_HEAD


def test_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_list_indexes_exist_with_their_columns(database: Database) -> None:
    indexes = {
        index["name"]: index["column_names"]
        for index in inspect(database.engine).get_indexes("procedure_sessions")
    }
    assert indexes["ix_procedure_sessions_newest"] == ["performed_at", "id"]
    assert indexes["ix_procedure_sessions_patient_performed"] == ["patient_id", "performed_at"]
    assert indexes["ix_procedure_sessions_provider_performed"] == ["provider_id", "performed_at"]
    assert indexes["ix_procedure_sessions_status_performed"] == ["status", "performed_at"]


def _descending_columns(database: Database, index_name: str) -> list[str]:
    """Columns of ``index_name`` sorted descending (SQLite's reflection omits the sorting)."""
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as connection:
            rows = connection.exec_driver_sql(f"PRAGMA index_xinfo('{index_name}')").all()
        return [row.name for row in rows if row.key and row.desc]
    index = next(
        index
        for index in inspect(database.engine).get_indexes("procedure_sessions")
        if index["name"] == index_name
    )
    sorting: dict[str, tuple[str, ...]] = dict(index.get("column_sorting", {}))
    return [str(name) for name in index["column_names"] if "desc" in sorting.get(str(name), ())]


def test_newest_first_index_is_descending(database: Database) -> None:
    assert _descending_columns(database, "ix_procedure_sessions_newest") == ["performed_at", "id"]


def test_downgrade_to_base_then_upgrade_again(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(database.engine).get_table_names()) == {"alembic_version"}
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert set(inspect(database.engine).get_table_names()) == EXPECTED_TABLES
    assert current_revision(database.engine) == head_revision()
