"""Synthetic demo data in bulk: invented patients and sessions, Core inserts in chunks.

Speed (DESIGN.md: 1M sessions in under a minute) comes from these choices:

- Values are bound once, not once per row: every column value goes through the column
  type's own bind processor (``type.dialect_impl(dialect).bind_processor(dialect)``, which
  includes our TypeDecorators), memoised per distinct value, so the stored values are
  exactly what the ORM would write, on SQLite and on PostgreSQL alike. The bound values go
  to ``Connection.exec_driver_sql`` as INSERTs of up to 500 rows each (the idea of
  SQLAlchemy's "insertmanyvalues"): a third faster than one row per statement on SQLite.
- Few random draws per session: the clinical content of a session (kind, muscles, sides,
  needles, drugs, diagnoses, pain scores...) comes from a pool of a few thousand realistic
  "bodies" made up front; each session picks a body, a patient, a clinician, a time and a
  signing delay. Lots change monthly per drug, as a clinic's stock does.
- Rows arrive in time order (ids grow with ``performed_at``, as in a real clinic), so the
  date indexes grow at one end; a SQLite bulk connection gets a large page cache and, for
  the load only, no fsync (a demo load is re-runnable; see ``_bulk_load_settings``).
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, Position, ProcedureKind, Role, Sex, Side
from tpi_desk.models.base import Base
from tpi_desk.models.people import Patient, User, patient_search_text
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
)
from tpi_desk.services.demo_data.signatures import DemoSignature, sign_demo_notes
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

CHUNK_SESSIONS = 50_000
BODY_POOL_SIZE = 8_192
SQLITE_BULK_CACHE_KIB = 256 * 1024
MAX_ROWS_PER_STATEMENT = 500
# SQLite's default maximum of bound variables per statement before version 3.32.
SAFE_MAX_VARIABLES = 999
POSTGRESQL_MAX_PARAMETERS = 65_535  # the wire protocol's limit per statement

GIVEN_NAMES = (
    "Zoë", "Łukasz", "Ingrid", "Amara", "Mateo", "Siobhán", "Kenji", "Aurélie", "Thandiwe",
    "Björn", "Priya", "Tomás", "Noor", "Emeka", "Ólafur", "Chloé", "Dmitri", "Mei", "Rafael",
    "Ayşe", "Jonas", "Leilani", "Søren", "Valentina", "Hamid", "Élodie", "Kwame", "Ana",
    "Matthias", "Yuki", "Inés", "Oskar", "Fatima", "Giulia", "Darius", "Hana", "Ciarán",
    "Renée", "Wiktor", "Esperanza",
)  # fmt: skip
FAMILY_NAMES = (
    "Ñúñez", "Nguyễn", "Ødegård", "Kowalczyk", "Okafor", "Brennan", "Yamamoto", "Lefèvre",
    "Dlamini", "Sørensen", "Raghunathan", "Castañeda", "Haddad", "Eze", "Jónsson", "Moreau",
    "Volkov", "Zhang", "Pereira", "Yılmaz", "Becker", "Kahananui", "Müller", "Rossi",
    "Tehrani", "Dubois", "Mensah", "Gonçalves", "Schäfer", "Tanaka", "Ibáñez", "Lindqvist",
    "Al-Sayed", "Ferrari", "Karimi", "Novák", "Ó Briain", "Côté", "Wiśniewski", "Cárdenas",
    "Abernathy", "Fairweather", "Holloway", "Pemberton", "Whitcombe", "Ashdown",
)  # fmt: skip
# Most patients report no allergy; the empty list appears three times on purpose.
ALLERGY_LISTS = (
    (), (), (), ("penicillin",), ("sulfa drugs",), ("latex",), ("codeine",),
    ("adhesive tape",), ("iodine",), ("penicillin", "latex"), ("codeine", "sulfa drugs"),
)  # fmt: skip
SEXES = (Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER)

# Invented clinicians; the NPIs pass the NPI check-digit rule but belong to nobody.
DEMO_CLINICIANS = (
    ("demo.hartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN),
    ("demo.okonkwo", "Dr. Chidi Okonkwo", "DO", Role.PHYSICIAN),
    ("demo.varga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER),
    ("demo.lindgren", "Per Lindgren", "PA", Role.NURSE_PRACTITIONER),
)
USUAL_CLINICIAN_SHARE = 0.85  # how often a patient sees their own clinician

# Per anatomical region of the catalog's muscles: how often it is treated, the diagnoses
# that go with it and the positions it is treated in. Muscles come from the catalog.
REGIONS: dict[str, tuple[int, tuple[str, ...], tuple[Position, ...]]] = {
    "cervical": (
        30,
        ("M79.12", "M54.2", "G44.229", "G44.209"),
        (Position.SEATED, Position.SEATED, Position.PRONE, Position.SUPINE),
    ),
    "scapular": (16, ("M79.18", "M62.838"), (Position.PRONE, Position.SEATED)),
    "thoracic": (
        8,
        ("M79.18", "M62.838"),
        (Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "lumbar": (
        22,
        ("M79.18", "M54.50", "M54.59", "M62.830"),
        (Position.PRONE, Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "gluteal": (
        12,
        ("M79.18", "M62.830"),
        (Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "upper_limb": (6, ("M79.18",), (Position.SEATED, Position.SUPINE)),
    "lower_limb": (6, ("M79.18",), (Position.SUPINE, Position.PRONE)),
}
# The muscles treated most often get extra weight within their region.
COMMON_MUSCLES = {
    "upper_trapezius": 8,
    "levator_scapulae": 5,
    "quadratus_lumborum": 5,
    "gluteus_medius": 3,
    "rhomboid_major": 3,
    "infraspinatus": 3,
    "piriformis": 3,
    "splenius_capitis": 2,
}
MUSCLES_PER_SESSION = (1, 1, 1, 2, 2, 2, 3, 4)  # CPT 20552 (1-2 muscles) is the usual
SIDES = (Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.BILATERAL, Side.LEFT, Side.RIGHT)

# (drug id, mg/mL, mL per site to choose from); the same injectate at every site.
INJECTATES = (
    ("lidocaine", Decimal(10), (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2))),
    ("lidocaine", Decimal(5), (Decimal(1), Decimal(2))),
    ("bupivacaine", Decimal("2.5"), (Decimal(1), Decimal(2))),
)
# An optional steroid, added at the first site only.
STEROIDS = (
    ("triamcinolone_acetonide", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("methylprednisolone_acetate", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("dexamethasone_sodium_phosphate", Decimal(4), (Decimal("0.5"), Decimal(1))),
)
STEROID_SHARE = 0.3
DRY_NEEDLING_SHARE = 0.15
TWITCH_SHARE = 0.6
ULTRASOUND_SHARE = 0.1
ULTRASOUND_DEVICES = ("Portable linear probe, 12 MHz", "Handheld ultrasound, 10 MHz")
# (gauge, needle lengths in mm) by procedure kind.
NEEDLES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: ((25, 27), (Decimal(25), Decimal(38), Decimal(50))),
    ProcedureKind.DRY_NEEDLING: ((30, 32), (Decimal(25), Decimal(30), Decimal(40), Decimal(50))),
}
CONSERVATIVE_CARE = ("pain_medication", "physical_therapy", "chiropractic_care", "acupuncture")
ONGOING_CARE = (("home_exercise_program",), ("physical_therapy",), ("home_exercise_program",))
FOLLOW_UPS = ("Review in 2 weeks.", "Review in 4 weeks.", "Review in 6 weeks.", "As needed.")
LOT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

# Sessions start on the quarter hour, 13:00-22:45 UTC (08:00-17:45 on the clinic's clock,
# UTC-5), are signed 5 to 40 minutes later; only weekdays are clinic days.
CLINIC_OFFSET_MINUTES = -300
SLOT_MINUTES = tuple(range(13 * 60, 23 * 60, 15))
SIGNING_DELAYS = (5, 10, 10, 15, 15, 20, 25, 30, 40)

Row = tuple[Any, ...]
# One driver call: SQL and the parameter sets of its executemany.
Statement = tuple[str, list[Any]]


@dataclass(frozen=True, slots=True)
class DemoDataResult:
    patients: int
    sessions: int
    sites: int
    medication_lines: int
    seconds: float


def generate_demo_data(
    engine: Engine,
    catalog: Catalog,
    *,
    patients: int,
    sessions: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    signatures: bool = True,
) -> DemoDataResult:
    """Add ``patients`` new patients and ``sessions`` sessions on the weekdays of recent years.

    Past sessions are signed by their provider; today's are left as drafts. The same seed
    and ``today`` give the same content. Inserts use SQLAlchemy Core in chunks of about
    ``CHUNK_SESSIONS`` sessions (one commit each); ids continue after the existing rows.

    With ``signatures`` (the default) past notes are inserted as drafts, then signed as the
    app signs them: content hash and signature chain (about 2 ms a note), so `tpi-desk
    verify` finds the database intact. Without, they are stamped signed by the bulk insert
    itself, with no signature (verify names them): for benchmarks of a million sessions.
    """
    if patients < 1 or sessions < 0:
        raise ValueError("demo data needs at least one patient and zero or more sessions")
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    _check_catalog(catalog)
    timeline = _Timeline.spread(sessions, today)
    with (
        database_errors_as_user_errors("create demo data"),
        engine.connect() as connection,
        _bulk_load_settings(connection),
    ):
        tables = _BulkTables.on(connection)
        with _bulk_transaction(connection):
            provider_ids = _ensure_clinicians(connection)
            ids = _IdCounters.read(connection)
            patient_ids = range(ids.patient, ids.patient + patients)
            _execute(connection, _patient_statements(rng, tables.patients, patient_ids, timeline))
        builder = _SessionRowBuilder(
            rng=rng,
            tables=tables,
            ids=ids,
            bodies=_clinical_bodies(rng, catalog, tables, min(BODY_POOL_SIZE, sessions)),
            patient_ids=patient_ids,
            provider_ids=tuple(provider_ids),
            sign_later=[] if signatures else None,
        )
        done = site_count = medication_count = 0
        for days in timeline.chunks(CHUNK_SESSIONS):
            chunk = builder.prepare(days)
            with _bulk_transaction(connection):
                _execute(connection, chunk.statements)
            done += chunk.sessions
            site_count += chunk.sites
            medication_count += chunk.medication_lines
            if progress is not None:
                progress(done, sessions)
        _advance_id_sequences(connection)
    if builder.sign_later:
        sign_demo_notes(engine, builder.sign_later)
    seconds = time.perf_counter() - started
    return DemoDataResult(patients, sessions, site_count, medication_count, seconds)


def _check_catalog(catalog: Catalog) -> None:
    """Refuse to start if any id the generator uses is missing from ``catalog``."""
    missing = sorted({d for d, _, _ in INJECTATES + STEROIDS} - set(catalog.drugs))
    missing += sorted({c for _, codes, _ in REGIONS.values() for c in codes} - set(catalog.icd10))
    missing += sorted(set(COMMON_MUSCLES) - set(catalog.muscles))
    missing += sorted(
        {c for care in (CONSERVATIVE_CARE, *ONGOING_CARE) for c in care}
        - set(catalog.conservative_care_options)
    )
    regions_with_muscles = {muscle.region for muscle in catalog.muscles.values()}
    missing += sorted(f"muscles of region {r}" for r in set(REGIONS) - regions_with_muscles)
    if missing:
        raise ValueError(f"demo data refers to catalog entries that are missing: {missing}")


# --- Bulk inserts -----------------------------------------------------------------------


class _Memo(dict[Any, Any]):
    """``compute(key)``, computed once per distinct key (here: values bound by a column)."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._compute(key)
        return value


class _BulkTable:
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
        self._bound = {name: _Memo(self.processor(name)) for name in columns}
        compiled = insert(table).compile(dialect=_positional(dialect))
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
        return found if found is not None else _identity

    def rows_sql(self, count: int) -> str:
        """``INSERT INTO t (...) VALUES (?, ...), (?, ...)`` for ``count`` rows."""
        head, _, values = self._sql.rpartition(" VALUES ")
        return f"{head} VALUES {', '.join([values] * count)}"


class _PendingRows:
    """New rows of one table, their values one after another, cut into statements.

    ``cut`` often (the generator does after each clinic day): copying values into a
    statement's tuple while they are still in the CPU cache costs a fraction of copying a
    whole chunk at the end (seconds per million sessions).
    """

    def __init__(self, table: _BulkTable) -> None:
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


def _execute(connection: Connection, statements: Sequence[Statement]) -> None:
    for sql, parameters in statements:
        connection.exec_driver_sql(sql, parameters)


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class _BulkTables:
    patients: _BulkTable
    sessions: _BulkTable
    diagnoses: _BulkTable
    sites: _BulkTable
    medications: _BulkTable

    @classmethod
    def on(cls, connection: Connection) -> _BulkTables:
        dialect = connection.dialect
        max_variables = _max_bound_variables(connection)

        def table(
            model: type[Base], columns: tuple[str, ...], unbound: tuple[str, ...]
        ) -> _BulkTable:
            return _BulkTable(
                model.__table__,  # type: ignore[arg-type]
                columns,
                unbound,
                dialect,
                max_variables,
            )

        return cls(
            patients=table(
                Patient, PATIENT_COLUMNS, ("id", "mrn", "family_name", "given_name", "search_text")
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


def _positional(dialect: Dialect) -> Dialect:
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


def _max_bound_variables(connection: Connection) -> int:
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
    "weight_kg", "allergies", "created_at", "updated_at", "version",
)  # fmt: skip
SESSION_COLUMNS = (
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes", "kind",
    "position", "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "consent_obtained", "time_out_performed", "pain_before", "pain_after",
    "conservative_care_tried", "ongoing_care", "notes", "instructions", "follow_up", "status",
    "signed_at", "signed_by_id", "content_hash", "created_at", "updated_at", "version",
)  # fmt: skip
DIAGNOSIS_COLUMNS = ("id", "session_id", "position", "code")
SITE_COLUMNS = (
    "id", "session_id", "position", "muscle_id", "side", "points", "needle_gauge",
    "needle_length_mm", "twitch_response",
)  # fmt: skip
MEDICATION_COLUMNS = (
    "id", "site_id", "position", "drug_id", "concentration_mg_per_ml", "volume_ml", "lot",
    "expires",
)  # fmt: skip


@contextmanager
def _bulk_load_settings(connection: Connection) -> Iterator[None]:
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
def _bulk_transaction(connection: Connection) -> Iterator[None]:
    """One chunk's transaction; PostgreSQL does not wait for the WAL flush of its commit."""
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        yield


_LOADED_TABLES = (Patient, ProcedureSession, SessionDiagnosis, InjectionSite, MedicationLine)


def _advance_id_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids inserted explicitly (SQLite needs not)."""
    if connection.dialect.name != "postgresql":
        return
    with connection.begin():
        for model in _LOADED_TABLES:
            table = model.__tablename__
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max_id) "
                    f"FROM (SELECT MAX(id) AS max_id FROM {table}) AS loaded "
                    "WHERE max_id IS NOT NULL"
                )
            )


# --- Ids, clinicians, patients ----------------------------------------------------------


def _next_id(connection: Connection, model: type[Base]) -> int:
    column = model.__table__.c.id
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


@dataclass(slots=True)
class _IdCounters:
    """The next free id of each table the generator fills."""

    patient: int
    session: int
    diagnosis: int
    site: int
    medication: int

    @classmethod
    def read(cls, connection: Connection) -> _IdCounters:
        return cls(
            patient=_next_id(connection, Patient),
            session=_next_id(connection, ProcedureSession),
            diagnosis=_next_id(connection, SessionDiagnosis),
            site=_next_id(connection, InjectionSite),
            medication=_next_id(connection, MedicationLine),
        )


def _ensure_clinicians(connection: Connection) -> list[int]:
    ids = []
    for index, (username, name, credentials, role) in enumerate(DEMO_CLINICIANS):
        found = connection.scalar(select(User.id).where(User.username == username))
        if found is None:
            found = connection.scalar(
                insert(User)
                .returning(User.id)
                .values(
                    username=username,
                    display_name=name,
                    credentials=credentials,
                    npi=_demo_npi(index),
                    role=role,
                    active=True,
                    version=1,
                )
            )
        if found is None:
            raise RuntimeError(f"could not add the demo clinician {username}")
        ids.append(found)
    return ids


def _demo_npi(index: int) -> str:
    """A ten-digit number that passes the NPI Luhn check (prefix 80840), for demo users."""
    base = f"19{index:07d}"[:9]
    total = 24  # the constant contribution of the 80840 prefix
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return base + str((10 - total % 10) % 10)


def _patient_statements(
    rng: random.Random, table: _BulkTable, patient_ids: range, timeline: _Timeline
) -> list[Statement]:
    """Patients registered when the demo period starts, aged 20 to 85, weighing 48-115 kg."""
    rows = _PendingRows(table)
    rows.values += _patient_values(rng, table, patient_ids, timeline)
    return rows.statements()


def _patient_values(
    rng: random.Random, table: _BulkTable, patient_ids: range, timeline: _Timeline
) -> list[Any]:
    """The patients' values, one row after another."""
    registered = table.bind("created_at", timeline.start)
    version = table.bind("version", 1)
    families = rng.choices(FAMILY_NAMES, k=len(patient_ids))
    givens = rng.choices(GIVEN_NAMES, k=len(patient_ids))
    random_number = rng.random
    values: list[Any] = []
    for patient_id, family, given in zip(patient_ids, families, givens, strict=True):
        mrn = f"D{patient_id:07d}"
        age_days = 7300 + int(random_number() * 23_725)
        weight_tenths = 480 + int(random_number() * 671)
        values.extend(
            (
                patient_id,
                mrn,
                family,
                given,
                patient_search_text(family, given, mrn),
                table.bind("date_of_birth", timeline.today - timedelta(days=age_days)),
                table.bind("sex", SEXES[int(random_number() * len(SEXES))]),
                table.bind("weight_kg", Decimal(weight_tenths).scaleb(-1)),
                table.bind("allergies", ALLERGY_LISTS[int(random_number() * len(ALLERGY_LISTS))]),
                registered,
                registered,
                version,
            )
        )
    return values


# --- When sessions happen ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ClinicDay:
    midnight: datetime  # UTC
    sessions: int
    signed: bool


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Sessions spread evenly over the weekdays of the last years; today's are drafts."""

    today: date
    start: datetime
    days: tuple[_ClinicDay, ...]

    @classmethod
    def spread(cls, sessions: int, today: date) -> _Timeline:
        # A large set spans up to ten years; about forty sessions per calendar day.
        span_days = max(30, min(3650, sessions // 40))
        midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
        past = [
            midnight - timedelta(days=days_ago)
            for days_ago in range(span_days, 0, -1)
            if (today - timedelta(days=days_ago)).weekday() < 5
        ]
        drafts = min(sessions, max(1, round(sessions / (len(past) + 1)))) if sessions else 0
        signed = sessions - drafts
        days = [
            _ClinicDay(day, (i + 1) * signed // len(past) - i * signed // len(past), True)
            for i, day in enumerate(past)
        ]
        days.append(_ClinicDay(midnight, drafts, False))
        start = midnight - timedelta(days=span_days + 1)
        return cls(today, start, tuple(day for day in days if day.sessions))

    def chunks(self, size: int) -> Iterator[list[_ClinicDay]]:
        """Whole days, grouped until a group holds at least ``size`` sessions."""
        chunk: list[_ClinicDay] = []
        count = 0
        for day in self.days:
            chunk.append(day)
            count += day.sessions
            if count >= size:
                yield chunk
                chunk, count = [], 0
        if chunk:
            yield chunk


# --- What happens in a session ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SiteTemplate:
    values: Row  # bound injection_sites values from ``position`` on
    medications: tuple[tuple[Row, str], ...]  # (bound values position..volume_ml, drug id)


@dataclass(frozen=True, slots=True)
class _Body:
    """The clinical content of a session, bound and ready to be stamped with ids and times."""

    values: Row  # bound procedure_sessions values from ``kind`` to ``follow_up``
    diagnoses: tuple[Row, ...]  # bound (position, code)
    sites: tuple[_SiteTemplate, ...]


def _clinical_bodies(
    rng: random.Random, catalog: Catalog, tables: _BulkTables, count: int
) -> tuple[_Body, ...]:
    muscles = {region: _muscles_of(catalog, region) for region in REGIONS}
    regions = [region for region in REGIONS if muscles[region]]
    weights = [REGIONS[region][0] for region in regions]
    chosen = rng.choices(regions, weights, k=count)
    return tuple(_clinical_body(rng, catalog, tables, region, muscles[region]) for region in chosen)


def _muscles_of(catalog: Catalog, region: str) -> list[str]:
    """The region's muscles, the common ones repeated so that they are drawn more often."""
    return [
        muscle.id
        for muscle in catalog.muscles.values()
        if muscle.region == region
        for _ in range(COMMON_MUSCLES.get(muscle.id, 1))
    ]


def _clinical_body(
    rng: random.Random, catalog: Catalog, tables: _BulkTables, region: str, candidates: list[str]
) -> _Body:
    """A session in ``region``, its muscles drawn from ``candidates``."""
    _, codes, positions = REGIONS[region]
    kind = (
        ProcedureKind.DRY_NEEDLING
        if rng.random() < DRY_NEEDLING_SHARE
        else ProcedureKind.TRIGGER_POINT_INJECTION
    )
    wanted = rng.choice(MUSCLES_PER_SESSION)
    muscles = list(dict.fromkeys(rng.choice(candidates) for _ in range(wanted * 3)))[:wanted]
    ultrasound = rng.random() < ULTRASOUND_SHARE
    pain_before = rng.randint(4, 9)
    tried = tuple(sorted(rng.sample(CONSERVATIVE_CARE, k=rng.randint(1, 3))))
    twitches = {muscle: rng.random() < TWITCH_SHARE for muscle in muscles}
    twitched = [catalog.muscles[m].name.lower() for m in muscles if twitches[m]]
    notes = (
        f"Taut bands with local twitch response in the {', '.join(twitched)}."
        if twitched
        else "Taut bands, tender to palpation; no local twitch response."
    )
    instructions = catalog.default_instructions
    if any(catalog.muscles[m].pneumothorax_risk for m in muscles):
        instructions = f"{instructions} {catalog.chest_wall_instructions}"
    sessions = tables.sessions
    values = (
        sessions.bind("kind", kind),
        sessions.bind("position", rng.choice(positions)),
        sessions.bind("ultrasound_guided", ultrasound),
        sessions.bind("ultrasound_image_retained", ultrasound and rng.random() < 0.5),
        sessions.bind("ultrasound_device", rng.choice(ULTRASOUND_DEVICES) if ultrasound else ""),
        sessions.bind("consent_obtained", True),
        sessions.bind("time_out_performed", True),
        sessions.bind("pain_before", pain_before),
        sessions.bind("pain_after", max(0, pain_before - rng.randint(1, 5))),
        sessions.bind("conservative_care_tried", tried),
        sessions.bind("ongoing_care", rng.choice(ONGOING_CARE)),
        sessions.bind("notes", notes),
        sessions.bind("instructions", instructions),
        sessions.bind("follow_up", rng.choice(FOLLOW_UPS)),
    )
    chosen_codes = rng.sample(codes, k=min(len(codes), rng.randint(1, 2)))
    diagnoses = tuple(
        (tables.diagnoses.bind("position", index), tables.diagnoses.bind("code", code))
        for index, code in enumerate(chosen_codes)
    )
    return _Body(values, diagnoses, _site_templates(rng, tables, kind, twitches))


def _site_templates(
    rng: random.Random, tables: _BulkTables, kind: ProcedureKind, twitches: dict[str, bool]
) -> tuple[_SiteTemplate, ...]:
    """One site per muscle (in ``twitches`` order, which says whether it twitched)."""
    gauges, lengths = NEEDLES[kind]
    gauge, length = rng.choice(gauges), rng.choice(lengths)
    injectate = rng.choice(INJECTATES)
    steroid = rng.choice(STEROIDS) if rng.random() < STEROID_SHARE else None
    sites, medications = tables.sites, tables.medications
    templates = []
    for position, (muscle, twitched) in enumerate(twitches.items()):
        lines = [injectate, steroid] if steroid and position == 0 else [injectate]
        if kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
            lines = []
        site_values = (
            sites.bind("position", position),
            sites.bind("muscle_id", muscle),
            sites.bind("side", rng.choice(SIDES)),
            sites.bind("points", rng.randint(1, 3)),
            sites.bind("needle_gauge", gauge),
            sites.bind("needle_length_mm", length),
            sites.bind("twitch_response", twitched),
        )
        lines_values = tuple(
            (
                (
                    medications.bind("position", line_position),
                    medications.bind("drug_id", drug),
                    medications.bind("concentration_mg_per_ml", strength),
                    medications.bind("volume_ml", rng.choice(volumes)),
                ),
                drug,
            )
            for line_position, (drug, strength, volumes) in enumerate(lines)
        )
        templates.append(_SiteTemplate(site_values, lines_values))
    return tuple(templates)


class _Lots:
    """Each drug's lot of the month and its expiry date (12 to 24 months after the month)."""

    def __init__(self, rng: random.Random, table: _BulkTable) -> None:
        self._rng = rng
        self._table = table
        self._months: dict[tuple[int, int], dict[str, Row]] = {}

    def of_month(self, day: datetime) -> dict[str, Row]:
        """Drug id -> bound (lot, expires) for the month of ``day``."""
        month = (day.year, day.month)
        found = self._months.get(month)
        if found is None:
            found = {drug: self._new_lot(day) for drug in _drug_ids()}
            self._months[month] = found
        return found

    def _new_lot(self, day: datetime) -> Row:
        rng = self._rng
        lot = f"{rng.choice(LOT_LETTERS)}{rng.choice(LOT_LETTERS)}{rng.randint(10_000, 99_999)}"
        months_later = day.month + rng.randint(12, 24)
        expires = date(day.year + (months_later - 1) // 12, (months_later - 1) % 12 + 1, 1)
        return (lot, self._table.bind("expires", expires - timedelta(days=1)))


def _drug_ids() -> list[str]:
    return list(dict.fromkeys(drug for drug, _, _ in INJECTATES + STEROIDS))


def _minute_clock(midnight: datetime, processor: Callable[[Any], Any]) -> _Memo:
    """Minutes after ``midnight`` -> that instant as bound by ``processor``, memoised."""
    return _Memo(lambda minutes: processor(midnight + timedelta(minutes=minutes)))


@dataclass(frozen=True, slots=True)
class _PreparedChunk:
    sessions: int
    sites: int
    medication_lines: int
    statements: list[Statement]


@dataclass(frozen=True, slots=True)
class _ChunkRows:
    """The new rows of one chunk, by table."""

    sessions: _PendingRows
    diagnoses: _PendingRows
    sites: _PendingRows
    medications: _PendingRows

    @classmethod
    def of(cls, tables: _BulkTables) -> _ChunkRows:
        return cls(
            _PendingRows(tables.sessions),
            _PendingRows(tables.diagnoses),
            _PendingRows(tables.sites),
            _PendingRows(tables.medications),
        )

    def cut(self) -> None:
        for pending in (self.sessions, self.diagnoses, self.sites, self.medications):
            pending.cut()


class _SessionRowBuilder:
    """Stamps bodies with ids, patients, clinicians and times: the per-row hot loop."""

    def __init__(
        self,
        *,
        rng: random.Random,
        tables: _BulkTables,
        ids: _IdCounters,
        bodies: Sequence[_Body],
        patient_ids: range,
        provider_ids: tuple[int, ...],
        sign_later: list[DemoSignature] | None,
    ) -> None:
        # Past notes to sign once inserted (as drafts); None: insert them signed.
        self.sign_later = sign_later
        self._rng = rng
        self._tables = tables
        self._ids = ids
        self._bodies = bodies
        self._patient_ids = patient_ids
        self._provider_ids = provider_ids
        self._lots = _Lots(rng, tables.medications)
        sessions = tables.sessions
        self._performed_at = sessions.processor("performed_at")
        self._signed_at = sessions.processor("signed_at")
        # created_at and updated_at reuse the bound performed_at / signed_at values.
        self._same_type_as(sessions, "performed_at", "signed_at", "created_at", "updated_at")
        self._offset = sessions.bind("performed_at_offset_minutes", CLINIC_OFFSET_MINUTES)
        self._signed = sessions.bind("status", NoteStatus.SIGNED)
        self._draft = sessions.bind("status", NoteStatus.DRAFT)
        self._no_hash = sessions.bind("content_hash", None)
        self._no_time = sessions.bind("signed_at", None)
        self._version = sessions.bind("version", 1)

    @staticmethod
    def _same_type_as(table: _BulkTable, *columns: str) -> None:
        if len({table.column_type(column) for column in columns}) != 1:
            raise RuntimeError(f"{columns} no longer share one column type")

    def prepare(self, days: Sequence[_ClinicDay]) -> _PreparedChunk:
        """The insert statements of the sessions of ``days`` and their children."""
        rows = _ChunkRows.of(self._tables)
        for day in days:
            self._add_day(rows, day)
            rows.cut()
        return _PreparedChunk(
            sessions=rows.sessions.row_count,
            sites=rows.sites.row_count,
            medication_lines=rows.medications.row_count,
            statements=[  # parents before children
                *rows.sessions.statements(),
                *rows.diagnoses.statements(),
                *rows.sites.statements(),
                *rows.medications.statements(),
            ],
        )

    def _add_day(self, rows: _ChunkRows, day: _ClinicDay) -> None:
        ids = self._ids
        rng = self._rng
        random_number = rng.random
        bodies, body_count = self._bodies, len(self._bodies)
        patient_ids, patient_count = self._patient_ids, len(self._patient_ids)
        providers, provider_count = self._provider_ids, len(self._provider_ids)
        performed_at = _minute_clock(day.midnight, self._performed_at)
        signed_at = _minute_clock(day.midnight, self._signed_at)
        lots = self._lots.of_month(day.midnight)
        offset, version, no_hash = self._offset, self._version, self._no_hash
        status = self._signed if day.signed else self._draft
        delays = SIGNING_DELAYS
        add_session, add_diagnosis = rows.sessions.values.extend, rows.diagnoses.values.extend
        add_site, add_medication = rows.sites.values.extend, rows.medications.values.extend
        session_id, diagnosis_id = ids.session, ids.diagnosis
        site_id, medication_id = ids.site, ids.medication
        for minute in sorted(rng.choices(SLOT_MINUTES, k=day.sessions)):
            patient_index = int(random_number() * patient_count)
            provider = providers[patient_index % provider_count]
            if random_number() >= USUAL_CLINICIAN_SHARE:
                provider = providers[int(random_number() * provider_count)]
            body = bodies[int(random_number() * body_count)]
            performed = performed_at[minute]
            if day.signed and self.sign_later is not None:
                delay = delays[int(random_number() * len(delays))]
                at = day.midnight + timedelta(minutes=minute + delay)
                self.sign_later.append(DemoSignature(session_id, at))
                draft = self._draft
                tail: Row = (draft, self._no_time, None, no_hash, performed, performed, version)
            elif day.signed:
                signed = signed_at[minute + delays[int(random_number() * len(delays))]]
                tail = (status, signed, provider, no_hash, performed, signed, version)
            else:
                tail = (status, self._no_time, None, no_hash, performed, performed, version)
            add_session((session_id, patient_ids[patient_index], provider, performed, offset))
            add_session(body.values)
            add_session(tail)
            for diagnosis in body.diagnoses:
                add_diagnosis((diagnosis_id, session_id))
                add_diagnosis(diagnosis)
                diagnosis_id += 1
            for site in body.sites:
                add_site((site_id, session_id))
                add_site(site.values)
                for values, drug in site.medications:
                    add_medication((medication_id, site_id))
                    add_medication(values)
                    add_medication(lots[drug])
                    medication_id += 1
                site_id += 1
            session_id += 1
        ids.session, ids.diagnosis = session_id, diagnosis_id
        ids.site, ids.medication = site_id, medication_id
