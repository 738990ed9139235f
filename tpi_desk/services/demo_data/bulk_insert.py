"""Bulk inserts of bound values: multi-row INSERTs through the driver, the load's transaction.

Every column value goes through the column type's own bind processor, memoised per distinct
value, so the stored values are exactly what the ORM would write, on SQLite and PostgreSQL
alike; INSERTs of up to 500 rows each run a third faster than one row per statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert, text
from sqlalchemy.exc import SQLAlchemyError

from tpi_desk.models.base import Base
from tpi_desk.models.people import Patient
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    Signature,
)

SQLITE_BULK_CACHE_KIB = 256 * 1024
MAX_ROWS_PER_STATEMENT = 500
# SQLite's default maximum of bound variables per statement before version 3.32.
SAFE_MAX_VARIABLES = 999
POSTGRESQL_MAX_PARAMETERS = 65_535  # the wire protocol's limit per statement

Row = tuple[Any, ...]
# One driver call: SQL and the parameter sets of its executemany.
Statement = tuple[str, list[Any]]


class Memo(dict[Any, Any]):
    """``compute(key)``, computed once per distinct key (here: values bound by a column)."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._compute(key)
        return value


class BulkTable:
    """One table's multi-row INSERT and its columns' bind processing, for bound values.

    Values come in the table's column order (checked against ``columns``, so a new column
    makes the generator fail loudly instead of inserting shifted values). Columns named in
    ``unbound`` take per-row values as they are; that is only allowed when their type does
    no bind processing on this dialect (plain integers and strings).
    """

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        unbound: Sequence[str],
        dialect: Dialect,
        max_variables: int,
    ) -> None:
        actual = tuple(column.name for column in table.columns)
        if actual != tuple(columns):
            raise RuntimeError(f"demo data for {table.name} expects columns {columns}: {actual}")
        self._types = {column.name: type(column.type) for column in table.columns}
        self._processors = {
            column.name: column.type.dialect_impl(dialect).bind_processor(dialect)
            for column in table.columns
        }
        processed = [name for name in unbound if self._processors[name] is not None]
        if processed:
            raise RuntimeError(f"{table.name}.{processed} need bind processing on {dialect.name}")
        self._bound = {name: Memo(self.processor(name)) for name in columns}
        compiled = insert(table).compile(dialect=positional_dialect(dialect))
        parameters = tuple(compiled.positiontup or ())
        if parameters != tuple(columns):
            raise RuntimeError(f"unexpected parameters for {table.name}: {parameters}")
        self._sql = str(compiled)
        self.width = len(columns)
        # Several rows per statement: SQLite runs them about a third faster than one row
        # per statement, PostgreSQL several times faster (fewer round trips).
        self.rows_per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, max_variables // self.width))
        self.multi_row_sql = self.rows_sql(self.rows_per_statement)

    def bind(self, column: str, value: Any) -> Any:
        """``value`` as the driver receives it for ``column`` (memoised)."""
        return self._bound[column][value]

    def column_type(self, column: str) -> type[Any]:
        return self._types[column]

    def processor(self, column: str) -> Callable[[Any], Any]:
        """The column's bind processing as a function (the identity when it has none)."""
        found = self._processors[column]
        return found if found is not None else identity

    def rows_sql(self, count: int) -> str:
        """``INSERT INTO t (...) VALUES (?, ...), (?, ...)`` for ``count`` rows."""
        head, _, values = self._sql.rpartition(" VALUES ")
        return f"{head} VALUES {', '.join([values] * count)}"


class PendingRows:
    """New rows of one table, their values one after another, cut into statements.

    ``cut`` often (the generator does after each clinic day): copying values into a
    statement's tuple while they are still in the CPU cache costs a fraction of copying a
    whole chunk at the end (seconds per million sessions).
    """

    def __init__(self, table: BulkTable) -> None:
        self.values: list[Any] = []
        self._table = table
        self._groups: list[Row] = []
        self._group_size = table.rows_per_statement * table.width

    @property
    def row_count(self) -> int:
        return (len(self._groups) * self._group_size + len(self.values)) // self._table.width

    def cut(self) -> None:
        """Move whole statements' worth of values into tuples, one per statement."""
        values, size = self.values, self._group_size
        while len(values) >= size:
            self._groups.append(tuple(values[:size]))
            del values[:size]

    def statements(self) -> list[Statement]:
        """The driver calls that insert every row (call once, when the rows are complete)."""
        self.cut()
        found = [(self._table.multi_row_sql, self._groups)] if self._groups else []
        if self.values:
            rest = tuple(self.values)
            found.append((self._table.rows_sql(len(rest) // self._table.width), [rest]))
        return found


def execute(connection: Connection, statements: Sequence[Statement]) -> None:
    for sql, parameters in statements:
        connection.exec_driver_sql(sql, parameters)


def identity(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class BulkTables:
    patients: BulkTable
    sessions: BulkTable
    diagnoses: BulkTable
    sites: BulkTable
    medications: BulkTable

    @classmethod
    def on(cls, connection: Connection) -> BulkTables:
        dialect = connection.dialect
        max_variables = max_bound_variables(connection)

        def table(
            model: type[Base], columns: tuple[str, ...], unbound: tuple[str, ...]
        ) -> BulkTable:
            return BulkTable(
                model.__table__,  # type: ignore[arg-type]
                columns,
                unbound,
                dialect,
                max_variables,
            )

        return cls(
            patients=table(
                Patient,
                PATIENT_COLUMNS,
                ("id", "mrn", "family_name", "given_name", "search_text", "insurance_member_id"),
            ),
            sessions=table(
                ProcedureSession,
                SESSION_COLUMNS,
                ("id", "patient_id", "provider_id", "signed_by_id"),
            ),
            diagnoses=table(SessionDiagnosis, DIAGNOSIS_COLUMNS, ("id", "session_id")),
            sites=table(InjectionSite, SITE_COLUMNS, ("id", "session_id")),
            medications=table(MedicationLine, MEDICATION_COLUMNS, ("id", "site_id", "lot")),
        )


def positional_dialect(dialect: Dialect) -> Dialect:
    """A dialect that renders ``dialect``'s INSERTs with positional placeholders.

    psycopg's placeholders are ``%(name)s`` ("pyformat"), but it takes ``%s`` with tuples
    too; a fresh dialect of the same class with ``paramstyle="format"`` renders those.
    """
    if dialect.positional:
        return dialect
    if dialect.paramstyle == "pyformat":
        same_driver: Callable[..., Dialect] = type(dialect)  # a DefaultDialect subclass
        return same_driver(paramstyle="format")
    raise RuntimeError(f"bulk inserts need positional parameters, not {dialect.paramstyle}")


def max_bound_variables(connection: Connection) -> int:
    """How many placeholders one INSERT statement may hold on this database."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if connection.dialect.name == "postgresql":
        return POSTGRESQL_MAX_PARAMETERS
    return SAFE_MAX_VARIABLES


# Column orders of the bulk-loaded tables (checked against the models at start-up).
PATIENT_COLUMNS = (
    "id", "mrn", "family_name", "given_name", "search_text", "date_of_birth", "sex",
    "weight_kg", "allergies", "no_known_drug_allergies", "coverage", "insurance_payer_name",
    "insurance_payer_id", "insurance_member_id", "insurance_group_number",
    "insurance_relationship", "insurance_subscriber_family_name",
    "insurance_subscriber_given_name", "insurance_subscriber_birth_date",
    "insurance_subscriber_sex", "insurance_patient_street", "insurance_patient_city",
    "insurance_patient_state", "insurance_patient_zip", "created_at", "updated_at", "version",
)  # fmt: skip
SESSION_COLUMNS = (
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes", "kind",
    "position", "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "consent_obtained", "time_out_performed", "pain_before", "pain_after",
    "conservative_care_tried", "ongoing_care", "notes", "instructions", "follow_up",
    "location_name", "location_state", "place_of_service", "ultrasound_interpretation",
    "consent_type", "consent_risks", "consent_witness", "exam_findings", "function_scale",
    "function_score", "prior_relief_percent", "prior_relief_weeks", "skin_prep",
    "aspiration_negative", "tolerance", "observation_minutes", "override_reason",
    "procedure_started", "procedure_ended", "chaperone", "status",
    "signed_at", "signed_by_id", "content_hash", "created_at", "updated_at", "version",
)  # fmt: skip
DIAGNOSIS_COLUMNS = ("id", "session_id", "position", "code")
SITE_COLUMNS = (
    "id", "session_id", "position", "muscle_id", "side", "points", "needle_gauge",
    "needle_length_mm", "twitch_response",
)  # fmt: skip
MEDICATION_COLUMNS = (
    "id", "site_id", "position", "drug_id", "concentration_mg_per_ml", "volume_ml", "lot",
    "expires", "container", "discarded_ml", "ndc",
)  # fmt: skip


@contextmanager
def bulk_load_settings(connection: Connection) -> Iterator[None]:
    """On SQLite, relax durability and enlarge the page cache for this connection only.

    ``synchronous=OFF`` skips the fsyncs of the bulk commits: a power cut during the load
    could lose or damage the freshly loaded demo rows, which is acceptable for demo data
    that can simply be generated again. The app's own connections keep ``synchronous=FULL``;
    this connection gets its settings back before it returns to the pool.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    if driver is None or driver.in_transaction:
        yield  # SQLite refuses to change the safety level inside a transaction
        return
    synchronous = driver.execute("PRAGMA synchronous").fetchone()[0]
    cache_size = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute("PRAGMA synchronous=OFF")
    driver.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        try:
            if connection.in_transaction():
                connection.rollback()
            driver.execute(f"PRAGMA cache_size={int(cache_size)}")
            driver.execute(f"PRAGMA synchronous={int(synchronous)}")
        except (sqlite3.Error, SQLAlchemyError):
            connection.invalidate()  # never hand a relaxed connection back to the pool


@contextmanager
def bulk_transaction(connection: Connection) -> Iterator[None]:
    """The load's transaction; PostgreSQL does not wait for the WAL flush of its commit."""
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        yield


# Whether the database holds any session yet: a first load into SQLite builds its indexes
# after the rows (below) and writes through a rollback journal (load_journal.py).
SESSIONS_STORED = "SELECT EXISTS (SELECT 1 FROM procedure_sessions)"

# Into an empty SQLite database, the loaded tables' plain (non-unique) indexes are built
# once after the load, and their insert guards (the triggers refusing a row added to a
# signed note: the load adds its rows before it signs) are set again after it: inserting a
# million rows into indexes on random keys (the lot, the patient, the folded name) missed
# SQLite's cache at every row, and each guard ran a query per row.
_REBUILT_AFTER_LOAD = (
    "patients", "procedure_sessions", "session_diagnoses", "session_findings",
    "injection_sites", "medication_lines",
)  # fmt: skip


@contextmanager
def indexes_built_after_load(connection: Connection) -> Iterator[None]:
    """SQLite, no session stored yet: drop the loaded tables' plain indexes and insert
    triggers, load, then create them again from their own definitions, inside the load's
    transaction (a failed load rolls the drop back too; other connections see the schema
    only as committed, guards included). Anything else keeps them as they are."""
    if connection.dialect.name != "sqlite" or connection.scalar(text(SESSIONS_STORED)):
        yield
        return
    tables = ", ".join(f"'{table}'" for table in _REBUILT_AFTER_LOAD)
    definitions = connection.execute(
        text(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            f"AND tbl_name IN ({tables}) AND ("
            "(type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') OR "
            "(type = 'trigger' AND name LIKE '%\\_insert' ESCAPE '\\'))"
        )
    ).all()
    for kind, name, _definition in definitions:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    yield
    for _kind, _name, definition in definitions:
        connection.exec_driver_sql(definition)


_LOADED_TABLES = (
    Patient, ProcedureSession, SessionDiagnosis, InjectionSite, MedicationLine, Signature,
)  # fmt: skip


def lock_loaded_tables(connection: Connection) -> None:
    """PostgreSQL: hold off every other writer until the load commits.

    The load numbers its rows from the highest ids, so nobody may insert a row meanwhile (an
    import would take the same ids from the sequences). Every service that writes patients,
    sessions or signatures does so in ``run_unit_of_work``, which first locks the chain heads'
    table in this same mode (a lock the workstation role may take; readers never wait): so
    holding it for the whole load queues them, and no two transactions wait for each other.
    SQLite's write transaction already excludes every other writer.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE chain_heads IN SHARE ROW EXCLUSIVE MODE"))


def advance_id_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids inserted explicitly (SQLite needs not),
    inside the load's transaction (its locks keep other inserts out until it commits)."""
    if connection.dialect.name != "postgresql":
        return
    for model in _LOADED_TABLES:
        table = model.__tablename__
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max_id) "
                f"FROM (SELECT MAX(id) AS max_id FROM {table}) AS loaded "
                "WHERE max_id IS NOT NULL"
            )
        )
