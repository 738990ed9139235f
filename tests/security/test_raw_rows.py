"""verify reads notes through ``raw_rows``, which remembers each column's conversions: its
rows must be exactly SQLAlchemy's, on SQLite and PostgreSQL, read once or again, and for
values a database writer stored with another type than the column's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Select, select

from tests.security.conftest import Desk, SignNote, Staff, dry_needling_entry
from tests.security.test_verify import tamper
from tests.services.conftest import two_site_entry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import User
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    Signature,
)
from tpi_desk.services.integrity.raw_rows import raw_rows

TABLES = (ProcedureSession, InjectionSite, MedicationLine, SessionDiagnosis, Signature, User)


def _query(model: Any) -> Select[Any]:
    table = model.__table__
    return select(*table.c).order_by(*table.primary_key.columns)


def _typed(desk: Desk, query: Select[Any]) -> list[list[Any]]:
    with desk.database.session_factory() as db:
        return [list(row) for row in db.execute(query).all()]


def _raw(desk: Desk, query: Select[Any]) -> list[list[Any]]:
    with desk.database.session_factory() as db:
        return raw_rows(db, query)


def _same(left: list[list[Any]], right: list[list[Any]]) -> bool:
    """Equal values of equal types (1 == 1.0 == True would hide a wrong conversion)."""
    return [[(type(v), v) for v in row] for row in left] == [
        [(type(v), v) for v in row] for row in right
    ]


def test_raw_rows_are_sqlalchemys_rows(desk: Desk, staff: Staff, sign_note: SignNote) -> None:
    for entry in (two_site_entry(), dry_needling_entry(), two_site_entry()):
        sign_note(staff.physician, entry)
    for model in (*TABLES, AuditEvent):
        query = _query(model)
        typed = _typed(desk, query)
        assert typed, model
        assert _same(_raw(desk, query), typed), model
        assert _same(_raw(desk, query), typed), model  # the remembered conversions


def test_values_stored_with_another_type_read_as_sqlalchemy_reads_them(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    if desk.database.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite keeps a value of another type than its column's")
    first = sign_note(staff.physician, two_site_entry())
    second = sign_note(staff.physician, two_site_entry())
    query = _query(ProcedureSession)
    _raw(desk, query)  # remembers the values as the app wrote them
    tamper(
        desk.database,
        [
            f"UPDATE procedure_sessions SET pain_before = 7.0, ultrasound_guided = 1.0 "
            f"WHERE id = {first.id}",
            f"UPDATE procedure_sessions SET pain_before = '7', consent_obtained = 'yes' "
            f"WHERE id = {second.id}",
        ],
    )
    assert _same(_raw(desk, query), _typed(desk, query))
