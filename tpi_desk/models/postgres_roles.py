"""PostgreSQL roles: an owner that migrates the schema, a workstation role the app signs in as.

The owner role owns the database, its tables, sequences and trigger functions; migrations run
as it. The workstation role gets only the data access the app needs: it reads every table,
writes the working tables, only appends to the signed and audited ones, and owns nothing, so
it can neither alter nor drop a table, nor disable or drop a trigger (PostgreSQL lets only a
table's owner or a superuser do that), nor switch triggers off for its session
(``session_replication_role`` is a superuser setting).

``setup_roles_sql`` writes the script a database administrator runs once, connected to the
clinic's database as a superuser, and again after every upgrade that adds tables: it is
idempotent. ``tpi-desk db setup-roles`` runs or prints it (see docs/postgresql.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Signed, audited and chained rows: the workstation may add them, never change or remove them
# (the triggers of revision 0003 refuse it too; this is the second lock on the same door).
APPEND_ONLY_TABLES = (
    "audit_events",
    "signatures",
    "cosign_requests",
    "cosignatures",
    "entered_in_error_marks",
)
# The chain heads move forward one link per append (trigger-checked); they are never deleted.
CHAIN_HEAD_TABLES = ("chain_heads",)
# The schema revision: only migrations, run as the owner, write it.
READ_ONLY_TABLES = ("alembic_version",)

WORKING_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT, UPDATE"  # UPDATE: setval after demo data's bulk load

DEFAULT_OWNER = "tpi_owner"
DEFAULT_WORKSTATION = "tpi_workstation"

_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True, slots=True)
class DatabaseRoles:
    """The names of the two roles of one clinic database."""

    owner: str = DEFAULT_OWNER
    workstation: str = DEFAULT_WORKSTATION

    def __post_init__(self) -> None:
        for name in (self.owner, self.workstation):
            if not _ROLE_NAME.fullmatch(name) or name.startswith("pg_"):
                raise ValueError(
                    f"{name!r} is not usable as a role name: use lower-case letters, digits "
                    "and underscores (at most 63, not starting with a digit or pg_)"
                )
        if self.owner == self.workstation:
            raise ValueError("the owner and the workstation role must be two different roles")


def setup_roles_sql(database: str, roles: DatabaseRoles) -> list[str]:
    """The statements that create ``roles`` and grant them their rights on ``database``.

    Run them connected to ``database`` as a superuser, before or after the migrations (and
    again after each upgrade). Passwords are not part of the script: set them with
    ``\\password`` in psql (or ``ALTER ROLE ... PASSWORD``) so they never land in a file.
    """
    owner, workstation = _quoted(roles.owner), _quoted(roles.workstation)
    db = _quoted(database)
    return [
        *(_create_role(name) for name in (roles.owner, roles.workstation)),
        # The workstation must never act with the owner's rights, even by SET ROLE.
        _revoke_membership(roles.owner, roles.workstation),
        f"ALTER DATABASE {db} OWNER TO {owner}",
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {workstation}",
        f"ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {workstation}",
        _hand_existing_objects_to(roles.owner),
        *workstation_grants_sql(roles),
    ]


def workstation_grants_sql(roles: DatabaseRoles) -> list[str]:
    """Grant the workstation exactly its rights on every table the schema has now.

    Tables added by later migrations get the working-table rights by default, so an upgrade
    never locks the app out; running the setup again narrows a new append-only table.
    """
    owner, workstation = _quoted(roles.owner), _quoted(roles.workstation)
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {workstation}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {workstation}",
        f"GRANT {WORKING_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {workstation}",
        _narrow_if_present(APPEND_ONLY_TABLES, "UPDATE, DELETE", roles.workstation),
        _narrow_if_present(CHAIN_HEAD_TABLES, "DELETE", roles.workstation),
        _narrow_if_present(READ_ONLY_TABLES, "INSERT, UPDATE, DELETE", roles.workstation),
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA public TO {workstation}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT {WORKING_TABLE_PRIVILEGES} ON TABLES TO {workstation}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {workstation}",
    ]


def _create_role(name: str) -> str:
    """A login role with no special powers, created if missing and stripped of them if not.

    A superuser (the one running the setup, or any other) is never demoted: the setup stops.
    """
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    return (
        "DO $setup$ BEGIN "
        f"IF EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(name)} AND rolsuper) THEN "
        f"RAISE EXCEPTION 'role {name} is a superuser: choose other role names'; "
        f"ELSIF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(name)}) THEN "
        f"CREATE ROLE {_quoted(name)} {attributes}; "
        "ELSE "
        f"ALTER ROLE {_quoted(name)} {attributes}; "
        "END IF; END $setup$"
    )


def _revoke_membership(owner: str, workstation: str) -> str:
    return (
        "DO $setup$ BEGIN "
        f"IF pg_has_role({_literal(workstation)}, {_literal(owner)}, 'MEMBER') THEN "
        f"REVOKE {_quoted(owner)} FROM {_quoted(workstation)}; "
        "END IF; END $setup$"
    )


def _hand_existing_objects_to(owner: str) -> str:
    """Tables (with their sequences) and functions created before the roles go to the owner."""
    return (
        "DO $setup$ DECLARE item record; BEGIN "
        "FOR item IN SELECT c.oid::regclass AS name FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') LOOP "
        f"EXECUTE 'ALTER TABLE ' || item.name || ' OWNER TO {_quoted(owner)}'; "
        "END LOOP; "
        "FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP "
        f"EXECUTE 'ALTER FUNCTION ' || item.name || ' OWNER TO {_quoted(owner)}'; "
        "END LOOP; END $setup$"
    )


def _narrow_if_present(tables: Sequence[str], privileges: str, workstation: str) -> str:
    """Revoke ``privileges`` on those of ``tables`` that exist (the schema may be empty yet)."""
    names = ", ".join(_literal(table) for table in tables)
    return (
        "DO $setup$ DECLARE item text; BEGIN "
        f"FOREACH item IN ARRAY ARRAY[{names}] LOOP "
        "IF to_regclass('public.' || quote_ident(item)) IS NOT NULL THEN "
        f"EXECUTE 'REVOKE {privileges} ON public.' || quote_ident(item) || "
        f"' FROM {_quoted(workstation)}'; "
        "END IF; END LOOP; END $setup$"
    )


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
