"""Synthetic demo data in bulk: invented patients and sessions, Core inserts, one transaction.

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
  the load only, no fsync (a demo load is re-runnable; see ``_bulk_load_settings``); a
  first load writes through a rollback journal, not the WAL (``load_journal.py``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.demo_data.bodies import clinical_bodies
from tpi_desk.services.demo_data.bulk_insert import (
    BulkTables,
    advance_id_sequences,
    bulk_load_settings,
    bulk_transaction,
    execute,
    indexes_built_after_load,
    lock_loaded_tables,
)
from tpi_desk.services.demo_data.load_journal import rollback_journal_for_a_first_load
from tpi_desk.services.demo_data.people import IdCounters, ensure_clinicians, patient_statements
from tpi_desk.services.demo_data.prepared_ahead import prepared_ahead
from tpi_desk.services.demo_data.session_rows import PreparedChunk, SessionRowBuilder
from tpi_desk.services.demo_data.signatures import NoteSigner
from tpi_desk.services.demo_data.timeline import ClinicDay, Timeline
from tpi_desk.services.demo_data.vocabulary import (
    COMMON_MUSCLES,
    CONSERVATIVE_CARE,
    INJECTATES,
    ONGOING_CARE,
    REGIONS,
    STEROIDS,
)
from tpi_desk.services.integrity.signing_keys import UnlockedKey
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

CHUNK_SESSIONS = 50_000
BODY_POOL_SIZE = 8_192


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
    signing_keys: Mapping[int, UnlockedKey] | None = None,
) -> DemoDataResult:
    """Add ``patients`` new patients and ``sessions`` sessions on the weekdays of recent years.

    Past sessions are signed by their provider; today's are left as drafts. The same seed
    and ``today`` give the same content. Inserts use SQLAlchemy Core, prepared in chunks of
    about ``CHUNK_SESSIONS`` sessions, all in one transaction: a run that fails or is
    killed writes nothing, and running it again starts over. Ids continue after the
    existing rows; on PostgreSQL the chain heads are locked first, as every unit of work
    does, so concurrent runs, imports and signatures queue instead of colliding.

    With ``signatures`` (the default) past notes are signed as the app signs them (content
    hash and signature chain, see ``signatures``), each with its clinician's Ed25519 signature
    when ``signing_keys`` holds that clinician's unlocked key (by user id; the demo
    clinicians' keys, see ``DemoDatabase.claim``), so `tpi-desk verify` finds the database
    intact. Without, they are stamped signed with no signature (verify names them): for
    benchmarks of a million sessions.
    """
    if patients < 1 or sessions < 0:
        raise ValueError("demo data needs at least one patient and zero or more sessions")
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    _check_catalog(catalog)
    timeline = Timeline.spread(sessions, today)
    with (
        database_errors_as_user_errors("create demo data"),
        engine.connect() as connection,
        bulk_load_settings(connection),
        rollback_journal_for_a_first_load(connection),
    ):
        tables = BulkTables.on(connection)
        # One transaction: an interrupted run leaves nothing behind, and a rerun starts over.
        with bulk_transaction(connection), indexes_built_after_load(connection):
            lock_loaded_tables(connection)
            provider_ids = ensure_clinicians(connection)
            ids = IdCounters.read(connection)
            patient_ids = range(ids.patient, ids.patient + patients)
            signing = _Signing()

            def prepared_rows() -> Iterator[tuple[Sequence[ClinicDay], PreparedChunk]]:
                """The patients (a chunk of no sessions), then the sessions a chunk at a
                time, drawing from ``rng`` in that order. Made lazily, so the signer (signed
                runs) reads the patients already written."""
                yield (
                    (),
                    PreparedChunk.of(
                        patient_statements(rng, tables.patients, patient_ids, timeline)
                    ),
                )
                if signatures:
                    signing.signer = NoteSigner(
                        connection, patient_ids, provider_ids, signing_keys or {}
                    )
                builder = SessionRowBuilder(
                    rng=rng,
                    tables=tables,
                    ids=ids,
                    bodies=clinical_bodies(rng, catalog, tables, body_pool_size(sessions)),
                    patient_ids=patient_ids,
                    provider_ids=tuple(provider_ids),
                    signer=signing.signer,
                )
                for days in timeline.chunks(CHUNK_SESSIONS):
                    yield days, builder.prepare(days)

            prepared = prepared_rows()
            if not signatures:
                # Unsigned, nothing is read back: the next chunk is drawn and bound while
                # SQLite writes this one.
                prepared = prepared_ahead(prepared, name="demo-data rows")
            done = site_count = medication_count = 0
            for days, chunk in prepared:
                execute(connection, chunk.statements)
                if signing.signer is not None and days:
                    signing.signer.link_before(days[-1].midnight)
                done += chunk.sessions
                site_count += chunk.sites
                medication_count += chunk.medication_lines
                if progress is not None and days:
                    progress(done, sessions)
            if signing.signer is not None:
                signing.signer.link_before(None)
            advance_id_sequences(connection)
    seconds = time.perf_counter() - started
    return DemoDataResult(patients, sessions, site_count, medication_count, seconds)


@dataclass
class _Signing:
    """The signer of a signed run, made once the patients are written."""

    signer: NoteSigner | None = None


def body_pool_size(sessions: int) -> int:
    """How many clinical bodies a run of ``sessions`` draws from: one per 16 sessions
    (at least 1,024: small runs draw every body fresh), at most ``BODY_POOL_SIZE``. Making a
    body costs about as much as signing a note."""
    return min(BODY_POOL_SIZE, sessions, max(1_024, sessions // 16))


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
