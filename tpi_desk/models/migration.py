"""Alembic, driven from code: configuration, revisions known to us, upgrade to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing inside the package (works from an installed wheel)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this version of TPI Desk knows."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError("TPI Desk ships no database migrations; the install is broken")
    return head


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of TPI Desk can read or upgrade from."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


def current_revision(bind: Engine | Connection) -> str | None:
    """The schema revision stamped in the database, or None when it has none."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    return MigrationContext.configure(bind).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Migrate to head in one transaction (SQLite: with foreign keys off while tables move).

    Batch migrations on SQLite copy and drop tables; with foreign keys on, dropping a parent
    table would cascade-delete its children. So SQLite migrates with foreign keys off and
    checks them before committing, as the Alembic docs advise.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(7412650193)"))
                command.upgrade(alembic_config(connection), "head")
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
