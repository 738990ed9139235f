"""Migration 0009 (lot recall, issue 15) on a SQLite file holding a signed note from 0007: the
lot index is built over the existing lines (a signed note's line here, stored as 'LD1')
without changing one, and going back drops it."""

from __future__ import annotations

from sqlalchemy import Engine, text

from tests.models.test_migration_0004 import _migrate, _signed_note_at_0003, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

INDEX = "ix_medication_lines_lot_key_ndc"
BY_KEY = "SELECT id FROM medication_lines WHERE upper(replace(lot, ' ', '')) = 'LD1'"


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA index_list('medication_lines')").all()
    return {str(row[1]) for row in rows}


def test_the_lot_index_is_built_over_the_lines_already_signed(engine: Engine) -> None:
    _migrate(engine, "0007")
    _signed_note_at_0003(engine)
    with engine.begin() as connection:
        before = connection.exec_driver_sql("SELECT * FROM medication_lines").all()

    _migrate(engine, "0009")

    assert current_revision(engine) == "0009"
    assert INDEX in _indexes(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT * FROM medication_lines").all() == before
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {BY_KEY}").all()
        assert INDEX in str(plan)
        assert connection.execute(text(BY_KEY)).all() != []


def test_going_back_to_0008_drops_the_index_only(engine: Engine) -> None:
    _migrate(engine, "0007")
    _signed_note_at_0003(engine)
    _migrate(engine, "head")

    _migrate(engine, "0008", down=True)

    assert INDEX not in _indexes(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM medication_lines").scalar() == 1
