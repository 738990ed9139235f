"""Saving a session is linear in its sites (issue 13): no write holds the lock for seconds.

Measured by growth, not by the clock: the SQL statements of a create and of a save, for a
note of 10 sites and one of 50 (each with 10 medication lines, the caps), grow by the same
number per added site, and the stored positions are 0, 1, 2, ... in the order entered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import event, select

from tests.services.conftest import Services, actor_for, lidocaine, two_site_entry
from tpi_desk.clinical.record import SessionEntry, Side, SiteEntry
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import InjectionSite, MedicationLine
from tpi_desk.services.dto import PatientRecord, ProviderRecord

MEDICATIONS_PER_SITE = 10


def _entry_with(sites: int) -> SessionEntry:
    muscles = ("upper_trapezius", "rhomboid_major")
    return replace(
        two_site_entry(),
        sites=tuple(
            SiteEntry(
                muscles[index % 2],
                Side.LEFT if index % 4 < 2 else Side.RIGHT,
                medications=tuple(lidocaine("0.1") for _ in range(MEDICATIONS_PER_SITE)),
            )
            for index in range(sites)
        ),
    )


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def _create_and_save(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    database: Database,
    sites: int,
) -> tuple[int, int, int]:
    entry = _entry_with(sites)
    actor = actor_for(physician)
    with _statements(database) as created_statements:
        created = services.drafts.create(patient.id, physician.id, entry, actor=actor)
    with _statements(database) as saved_statements:
        services.drafts.save(created.id, created.version, entry, actor=actor)
    return created.id, len(created_statements), len(saved_statements)


def test_creating_and_saving_grow_linearly_in_the_sites(
    services: Services, patient: PatientRecord, physician: ProviderRecord, database: Database
) -> None:
    _, create_10, save_10 = _create_and_save(services, patient, physician, database, 10)
    _, create_30, save_30 = _create_and_save(services, patient, physician, database, 30)
    _, create_50, save_50 = _create_and_save(services, patient, physician, database, 50)

    # Each added site costs the same (its row and its medication lines), whatever the size:
    # the second 20 sites cost exactly what the first 20 did, and no more than one
    # statement per row written (a renumbering would add a statement per earlier row).
    assert create_50 - create_30 == create_30 - create_10
    assert save_50 - save_30 == save_30 - save_10
    assert (create_50 - create_10) <= 40 * (1 + MEDICATIONS_PER_SITE)
    assert (save_50 - save_10) <= 40 * (1 + MEDICATIONS_PER_SITE)


def test_positions_are_numbered_once_in_the_order_entered(
    services: Services, patient: PatientRecord, physician: ProviderRecord, database: Database
) -> None:
    session_id, _, _ = _create_and_save(services, patient, physician, database, 50)

    with database.session_factory() as db:
        positions = db.scalars(
            select(InjectionSite.position)
            .where(InjectionSite.session_id == session_id)
            .order_by(InjectionSite.id)
        ).all()
        first_site = db.scalars(
            select(InjectionSite.id)
            .where(InjectionSite.session_id == session_id)
            .order_by(InjectionSite.position)
        ).first()
        medication_positions = db.scalars(
            select(MedicationLine.position)
            .where(MedicationLine.site_id == first_site)
            .order_by(MedicationLine.id)
        ).all()
    assert positions == list(range(50))
    assert medication_positions == list(range(MEDICATIONS_PER_SITE))
    loaded = services.queries.load(session_id)
    assert loaded.entry == _entry_with(50)
