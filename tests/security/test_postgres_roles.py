"""Issue 13, item 5: on PostgreSQL the app runs as a workstation role that cannot open the doors.

A fresh database gets the two roles from ``setup_roles_sql``; migrations run as the owner; the
app then signs in as the workstation role and saves and signs a note through it. That role
cannot disable or drop a trigger, switch triggers off for its session, change a signed note,
or change, delete or truncate an audit row, and it cannot become the owner.
"""

from __future__ import annotations

import io
import os
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from tests.conftest import POSTGRES_URL_ENV
from tests.services.conftest import PASSWORD, fast_hasher, patient_facts, two_site_entry
from tpi_desk.cli import main as cli_main
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.commands.database_roles import run_setup_roles
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.engine import normalize_url
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.models.postgres_roles import APPEND_ONLY_TABLES, DatabaseRoles, setup_roles_sql
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.models.tables import Base
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.users import UserService
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.signing import SigningService

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class ClinicDatabase:
    """A database set up with the two roles, migrated as the owner, a note signed in it."""

    roles: DatabaseRoles
    superuser: URL
    owner: URL
    workstation: URL
    signed_session_id: int


def _server() -> URL:
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_ENV} is not set; CI must run the PostgreSQL tests")
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return normalize_url(server_url)


def _run_as(url: URL, statements: list[str]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _run_as_returning(url: URL, query: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.exec_driver_sql(query).scalar_one())
    finally:
        engine.dispose()


def _sign_a_note(database: Database, catalog: Catalog) -> int:
    """Through the app's services: first admin, a physician, a patient, a draft, signed."""
    factory = database.session_factory
    hasher = fast_hasher()
    users = UserService(factory, hasher=hasher)
    users.create_first_admin("admin.ada", "Ada Ødegård", PASSWORD)
    admin = users.authenticate("admin.ada", PASSWORD)
    users.add_user(
        "ihartley", "Dr. Imogen Hartley", PASSWORD, role=Role.PHYSICIAN, credentials="MD",
        actor=admin,
    )  # fmt: skip
    physician = users.authenticate("ihartley", PASSWORD)
    patient = PatientService(factory).create(patient_facts(), actor=physician)
    draft = DraftService(factory, catalog).create(
        patient.id, physician.user_id, two_site_entry(), actor=physician
    )
    signed = SigningService(factory, catalog, hasher=hasher).sign(
        draft.id, draft.version, physician.user_id, actor=physician, password=PASSWORD
    )
    return signed.id


@pytest.fixture(scope="module")
def clinic(catalog: Catalog) -> Iterator[ClinicDatabase]:
    """Roles suffixed per run (roles are server-wide; parallel runs must not share them)."""
    server = _server()
    suffix = uuid.uuid4().hex[:12]
    name = f"tpi_desk_roles_{suffix}"
    roles = DatabaseRoles(owner=f"tpi_owner_{suffix}", workstation=f"tpi_ws_{suffix}")
    passwords = {role: secrets.token_hex(16) for role in (roles.owner, roles.workstation)}
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    superuser = server.set(database=name)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        setup = setup_roles_sql(name, roles)
        _run_as(superuser, setup)
        _run_as(
            superuser,
            [f"ALTER ROLE \"{role}\" PASSWORD '{word}'" for role, word in passwords.items()],
        )
        owner = superuser.set(username=roles.owner, password=passwords[roles.owner])
        workstation = superuser.set(
            username=roles.workstation, password=passwords[roles.workstation]
        )
        open_database(owner).dispose()  # the migrations, as the owner
        _run_as(superuser, setup)  # again after the upgrade, as docs/postgresql.md says
        app = open_database(workstation)
        try:
            signed = _sign_a_note(app, catalog)
        finally:
            app.dispose()
        yield ClinicDatabase(roles, superuser, owner, workstation, signed)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (roles.workstation, roles.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture
def workstation_engine(clinic: ClinicDatabase) -> Iterator[Engine]:
    engine = create_engine(clinic.workstation)
    yield engine
    engine.dispose()


def _refused(engine: Engine, statement: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
        connection.exec_driver_sql(statement)
    return refused.value


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE procedure_sessions DISABLE TRIGGER ALL",
        "ALTER TABLE signatures DISABLE TRIGGER tpi_desk_signatures_append_only",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
        "DROP TRIGGER tpi_desk_audit_events_append_only ON audit_events",
        "CREATE OR REPLACE FUNCTION tpi_desk_refuse_change() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        "DROP TABLE audit_events",
        "CREATE TABLE shadow (id integer)",
    ],
)
def test_the_workstation_role_has_no_control_over_the_schema_or_its_triggers(
    workstation_engine: Engine, statement: str
) -> None:
    error = _refused(workstation_engine, statement)
    assert isinstance(error.orig, psycopg.errors.InsufficientPrivilege)


def test_the_workstation_role_cannot_switch_triggers_off_or_become_the_owner(
    clinic: ClinicDatabase, workstation_engine: Engine
) -> None:
    replica = _refused(workstation_engine, "SET session_replication_role = replica")
    assert isinstance(replica.orig, psycopg.errors.InsufficientPrivilege)
    become = _refused(workstation_engine, f'SET ROLE "{clinic.roles.owner}"')
    assert isinstance(become.orig, psycopg.errors.InsufficientPrivilege)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_events",
        "UPDATE audit_events SET detail = 'nothing happened'",
        "TRUNCATE audit_events",
        "DELETE FROM signatures",
        "UPDATE signatures SET content_hash = content_hash",
        "DELETE FROM chain_heads",
        "UPDATE alembic_version SET version_num = version_num",
    ],
)
def test_the_workstation_role_cannot_change_or_remove_audited_rows(
    workstation_engine: Engine, statement: str
) -> None:
    error = _refused(workstation_engine, statement)
    assert isinstance(error.orig, psycopg.errors.InsufficientPrivilege)


def test_the_workstation_role_cannot_update_a_signed_note(
    clinic: ClinicDatabase, workstation_engine: Engine
) -> None:
    statement = (
        "UPDATE procedure_sessions SET notes = 'rewritten', pain_after = 0 "
        f"WHERE id = {clinic.signed_session_id}"
    )
    error = _refused(workstation_engine, statement)
    assert isinstance(error.orig, psycopg.errors.RaiseException)  # the signed-note trigger
    with workstation_engine.connect() as connection:
        notes = connection.execute(
            select(ProcedureSession.notes).where(ProcedureSession.id == clinic.signed_session_id)
        ).scalar_one()
    assert notes != "rewritten"


def test_the_app_works_through_the_workstation_role_and_the_chains_stay_intact(
    clinic: ClinicDatabase, workstation_engine: Engine
) -> None:
    with workstation_engine.connect() as connection:
        actions = connection.execute(select(AuditEvent.action)).scalars().all()
        owners: dict[str, str] = dict(
            connection.execute(
                text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")
            )
            .tuples()
            .all()
        )
    assert "sign" in actions
    assert set(owners.values()) == {clinic.roles.owner}
    app = open_database(clinic.workstation)
    try:
        report = VerificationService(app.session_factory).verify(record=True)
    finally:
        app.dispose()
    assert report.intact, report.findings


def test_only_the_owner_upgrades_the_schema(clinic: ClinicDatabase) -> None:
    """The workstation role opening an older schema is told to upgrade as the owner."""
    head = _run_as_returning(clinic.superuser, "SELECT version_num FROM alembic_version")
    _run_as(clinic.superuser, ["UPDATE alembic_version SET version_num = '0003'"])
    try:
        with pytest.raises(DatabaseOpenError, match="which only its owner role may run"):
            open_database(clinic.workstation)
        assert _run_as_returning(clinic.superuser, "SELECT version_num FROM alembic_version") == (
            "0003"
        )
    finally:
        _run_as(clinic.superuser, [f"UPDATE alembic_version SET version_num = '{head}'"])


def test_the_workstation_role_holds_exactly_its_privileges(
    clinic: ClinicDatabase, workstation_engine: Engine
) -> None:
    with workstation_engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, privilege_type FROM information_schema.table_privileges "
                "WHERE grantee = :role AND table_schema = 'public'"
            ),
            {"role": clinic.roles.workstation},
        ).all()
    granted: dict[str, set[str]] = {}
    for table, privilege in rows:
        granted.setdefault(table, set()).add(privilege)
    working = {"SELECT", "INSERT", "UPDATE", "DELETE"}
    expected = dict.fromkeys(Base.metadata.tables, working)
    expected |= {table: {"SELECT", "INSERT"} for table in APPEND_ONLY_TABLES}
    expected |= {"chain_heads": {"SELECT", "INSERT", "UPDATE"}, "alembic_version": {"SELECT"}}
    assert granted == expected  # never TRUNCATE, TRIGGER or REFERENCES


def test_setup_roles_command_hands_a_database_migrated_before_the_roles_to_the_owner() -> None:
    """An existing clinic database (migrated by a superuser) is converted by the command."""
    server = _server()
    suffix = uuid.uuid4().hex[:12]
    name = f"tpi_desk_roles_{suffix}"
    roles = DatabaseRoles(owner=f"tpi_owner_{suffix}", workstation=f"tpi_ws_{suffix}")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    superuser = server.set(database=name)
    url = superuser.render_as_string(hide_password=False)
    out = io.StringIO()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        open_database(superuser).dispose()
        status = run_setup_roles(
            url, owner=roles.owner, workstation=roles.workstation, print_only=False, stdout=out
        )
        assert status == 0
        assert f"Roles ready on {name}: {roles.owner} owns the schema" in out.getvalue()
        engine = create_engine(superuser)
        try:
            with engine.connect() as connection:
                owners = connection.execute(
                    text(
                        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' "
                        "UNION SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p "
                        "JOIN pg_namespace n ON n.oid = p.pronamespace "
                        "WHERE n.nspname = 'public'"
                    )
                ).scalars()
                assert set(owners) == {roles.owner}
        finally:
            engine.dispose()
        # Naming the superuser itself as a role would demote it: refused, nothing changed.
        assert server.username is not None
        with pytest.raises(UserError, match="is a superuser: choose other role names"):
            run_setup_roles(
                url, owner=server.username, workstation="tpi_ws_" + suffix, print_only=False,
                stdout=out,
            )  # fmt: skip
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (roles.workstation, roles.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_setup_roles_command_needs_a_superuser(clinic: ClinicDatabase) -> None:
    url = clinic.workstation.render_as_string(hide_password=False)
    with pytest.raises(
        UserError, match="needs a PostgreSQL superuser in the database URL; nothing was changed"
    ):
        run_setup_roles(
            url, owner=clinic.roles.owner, workstation=clinic.roles.workstation,
            print_only=False, stdout=io.StringIO(),
        )  # fmt: skip


def test_setup_roles_command_is_for_postgresql_only(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="for a PostgreSQL database"):
        run_setup_roles(
            f"sqlite:///{tmp_path / 'tpi-desk.sqlite3'}", owner="tpi_owner",
            workstation="tpi_workstation", print_only=True, stdout=io.StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "tpi-desk.sqlite3").exists()


@pytest.mark.parametrize("name", ["Tpi", "1tpi", "pg_owner", "tpi; DROP", "x" * 64])
def test_role_names_that_would_need_quoting_or_are_reserved_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="role name"):
        DatabaseRoles(owner=name)
    with pytest.raises(UserError, match="role name"):
        run_setup_roles(
            "postgresql://admin@db.clinic.example/tpi_desk", owner=name,
            workstation="tpi_workstation", print_only=True, stdout=io.StringIO(),
        )  # fmt: skip


def test_the_script_printed_for_psql_is_one_transaction() -> None:
    out = io.StringIO()
    status = run_setup_roles(
        "postgresql://admin@db.clinic.example/tpi_desk", owner="clinic_owner",
        workstation="clinic_app", print_only=True, stdout=out,
    )  # fmt: skip
    script = out.getvalue()
    assert status == 0
    assert script.startswith("\\set ON_ERROR_STOP on\nBEGIN;\n")
    assert script.endswith("COMMIT;\n")
    assert 'ALTER DATABASE "tpi_desk" OWNER TO "clinic_owner";' in script
    assert "TRUNCATE" not in script and "TRIGGER" not in script
    with pytest.raises(ValueError, match="two different roles"):
        DatabaseRoles("same", "same")


def test_the_documented_steps_through_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/postgresql.md: setup-roles as the superuser, upgrade as the owner, setup-roles again."""
    server = _server()
    suffix = uuid.uuid4().hex[:12]
    name = f"tpi_desk_roles_{suffix}"
    roles = DatabaseRoles(owner=f"tpi_owner_{suffix}", workstation=f"tpi_ws_{suffix}")
    password = secrets.token_hex(16)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    superuser = server.set(database=name).render_as_string(hide_password=False)
    owner = server.set(database=name, username=roles.owner, password=password)
    setup = ["db", "setup-roles", "--owner", roles.owner, "--workstation", roles.workstation]
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        assert cli_main(["--database", superuser, *setup]) == 0
        _run_as(server.set(database=name), [f"ALTER ROLE \"{roles.owner}\" PASSWORD '{password}'"])
        owner_url = owner.render_as_string(hide_password=False)
        assert cli_main(["--database", owner_url, "db", "upgrade"]) == 0
        assert cli_main(["--database", superuser, *setup]) == 0
        _run_as(
            server.set(database=name),
            [f"ALTER ROLE \"{roles.workstation}\" PASSWORD '{password}'"],
        )
        workstation = server.set(database=name, username=roles.workstation, password=password)
        demo = ["demo-data", "--patients", "3", "--sessions", "6", "--seed", "7"]
        workstation_url = workstation.render_as_string(hide_password=False)
        assert cli_main(["--database", workstation_url, *demo]) == 0  # bulk load, sequences
        assert cli_main(["--database", workstation_url, "verify"]) == 0
        out = capsys.readouterr().out
        assert "The database schema is up to date" in out
        assert "Intact: " in out
        assert out.count(f"Roles ready on {name}") == 2
        assert (
            _run_as_returning(
                server.set(database=name),
                "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables "
                "WHERE schemaname = 'public'",
            )
            == roles.owner
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (roles.workstation, roles.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
