"""Shared fixtures: a throwaway database on SQLite and (when configured) on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# GUI tests run without a display (CI has none); a developer can override it.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Checkpoints and other workstation files go to a throwaway data folder, never the user's.
os.environ.setdefault("TPI_DESK_DATA_DIR", tempfile.mkdtemp(prefix="tpi-desk-test-data-"))
from sqlalchemy import URL, create_engine, text

from tests.compiled_statements import share_compiled_statements
from tests.database_support import place_migrated_copy
from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.engine import normalize_url
from tpi_desk.paths import resource_path

POSTGRES_URL_ENV = "TPI_DESK_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", autouse=True)
def compiled_statements_shared() -> Iterator[None]:
    """Statements compiled once per test process, not once per test's engine
    (tests/compiled_statements.py)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        share_compiled_statements(monkeypatch)
        yield


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog (muscles, drugs, codes, payer rules)."""
    return load_catalog(resource_path("catalog"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet, in a folder that does not exist yet either."""
    return f"sqlite:///{tmp_path / 'data' / 'tpi-desk.sqlite3'}"


def postgres_server() -> URL:
    """The test server's URL; skips the test without one (fails it on CI)."""
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_ENV} is not set; CI must run the PostgreSQL tests")
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return normalize_url(server_url)


@contextmanager
def new_postgres_database(server: URL, template: str | None = None) -> Iterator[str]:
    """The URL of a new, uniquely named database on ``server`` (a copy of ``template`` if
    given, else empty), dropped afterwards."""
    name = f"tpi_desk_test_{uuid.uuid4().hex[:16]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    with new_postgres_database(postgres_server()) as url:
        yield url


@pytest.fixture
def migrated_postgres_url(migrated_postgres_template: str | None) -> Iterator[str]:
    """A fresh PostgreSQL database made as a copy of the run's migrated template."""
    with new_postgres_database(postgres_server(), migrated_postgres_template) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL.

    For a test that opens ``database`` too, the PostgreSQL database is made as a copy of the
    migrated template straight away (what ``database`` opens), rather than made empty and
    then dropped and made again: two fewer CREATE/DROP DATABASE for each such test."""
    if request.param == "sqlite":
        fixture = "sqlite_url"
    elif "database" in request.fixturenames:
        fixture = "migrated_postgres_url"
    else:
        fixture = "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; tests start from copies of it."""
    path = tmp_path_factory.mktemp("template") / "tpi-desk-template.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def migrated_postgres_template() -> Iterator[str | None]:
    """The name of a PostgreSQL database migrated to head once per run (None without a server)."""
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        yield None
        return
    server = normalize_url(server_url)
    name = f"tpi_desk_template_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        open_database(server.set(database=name)).dispose()
        yield name
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def database(database_url: str, migrated_sqlite_template: Path) -> Iterator[Database]:
    """An open database migrated to head; its connections are closed at teardown.

    Migrating takes a while, so each test gets a copy of a database migrated once per run
    (the migrations themselves are tested from empty in tests/models).
    """
    url = normalize_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        place_migrated_copy(migrated_sqlite_template, url)
    # A PostgreSQL database_url is a copy of the migrated template already (see
    # database_url); were it not, opening it would migrate it.
    opened = open_database(url)
    yield opened
    opened.dispose()
