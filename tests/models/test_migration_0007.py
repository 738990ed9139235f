"""Migration 0007 (session document @3, issue 14) on a SQLite file holding a signed note from
0006: the note gets "not recorded" times and no chaperone, stays locked (the trigger now
compares the new columns too), and going back down to 0006 keeps the rows and the lock."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from tests.models.test_migration_0004 import _migrate, _refused, _signed_note_at_0003, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

NEW_COLUMNS = {"procedure_started", "procedure_ended", "chaperone"}
ERROR_MARK = (
    "INSERT INTO entered_in_error_marks (id, session_id, marked_by_id, marked_at, reason) "
    "VALUES (1, 1, 1, '2026-03-05 10:00:00.000000', 'Wrong patient')"
)


def test_a_signed_note_gets_nothing_recorded_and_stays_locked(engine: Engine) -> None:
    _migrate(engine, "0006")
    _signed_note_at_0003(engine)

    _migrate(engine, "0007")

    assert current_revision(engine) == "0007"
    with engine.connect() as connection:
        session = connection.execute(text("SELECT * FROM procedure_sessions")).mappings().one()
    assert (session["procedure_started"], session["procedure_ended"]) == (None, None)
    assert session["chaperone"] == ""
    assert session["notes"] == "Taut bands."
    assert _refused(engine, "UPDATE procedure_sessions SET chaperone = 'x' WHERE id = 1")
    assert _refused(
        engine, "UPDATE procedure_sessions SET procedure_started = '09:30:00' WHERE id = 1"
    )
    # The one change allowed, the entered-in-error mark, may not carry a new time with it.
    with engine.begin() as connection:
        connection.exec_driver_sql(ERROR_MARK)
    assert _refused(
        engine,
        "UPDATE procedure_sessions SET status = 'entered_in_error', version = version + 1, "
        "procedure_ended = '10:00:00' WHERE id = 1",
    )


def test_going_back_to_0006_keeps_the_rows_and_the_lock(engine: Engine) -> None:
    _migrate(engine, "0006")
    _signed_note_at_0003(engine)
    _migrate(engine, "head")

    _migrate(engine, "0006", down=True)

    columns = {column["name"] for column in inspect(engine).get_columns("procedure_sessions")}
    assert not columns & NEW_COLUMNS
    assert _refused(engine, "UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = 1")
    assert _refused(engine, "UPDATE procedure_sessions SET tolerance = 'poor' WHERE id = 1")
