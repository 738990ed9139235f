"""Set up the owner and workstation roles of a PostgreSQL database (``tpi-desk db setup-roles``)."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from tpi_desk.models.engine import normalize_url
from tpi_desk.models.postgres_roles import DatabaseRoles, setup_roles_sql
from tpi_desk.services.errors import UserError

GUIDE = "docs/postgresql.md"


def database_roles(owner: str, workstation: str) -> DatabaseRoles:
    """The two role names, or a ``UserError`` naming the one PostgreSQL would not take."""
    try:
        return DatabaseRoles(owner, workstation)
    except ValueError as error:
        raise UserError(f"{error}.") from error


def roles_script(url: str, roles: DatabaseRoles) -> str:
    """The setup as one psql script (for a database administrator who runs it by hand)."""
    database = _postgres_database(url)
    statements = "".join(f"{statement};\n" for statement in setup_roles_sql(database, roles))
    return f"\\set ON_ERROR_STOP on\nBEGIN;\n{statements}COMMIT;\n"


def set_up_roles(url: str, roles: DatabaseRoles) -> str:
    """Run the setup in one transaction as the URL's user (a superuser); returns the database."""
    database = _postgres_database(url)
    engine = create_engine(normalize_url(url))
    try:
        with engine.begin() as connection:
            is_superuser = connection.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar_one()
            if not is_superuser:
                raise UserError(
                    f"Setting up the roles of {database} needs a PostgreSQL superuser in the "
                    f"database URL; nothing was changed (see {GUIDE})."
                )
            for statement in setup_roles_sql(database, roles):
                connection.exec_driver_sql(statement)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise UserError(
            f"The roles of {database} could not be set up ({reason[0] if reason else error}); "
            "nothing was changed."
        ) from error
    finally:
        engine.dispose()
    return database


def _postgres_database(url: str) -> str:
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise UserError(
            "Database roles are for a PostgreSQL database shared by several workstations; "
            f"give its URL with --database (see {GUIDE})."
        )
    return parsed.database
