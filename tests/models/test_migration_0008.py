"""Migration 0008 (patient insurance, issue 15) on a SQLite file holding a patient and a
signed note from 0007: the patient gets no insurance, the relationship only takes the four
X12 codes, the signed note stays locked, and going back down to 0007 keeps the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.models.test_migration_0004 import _migrate, _refused, _signed_note_at_0003, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

NEW_COLUMNS = {
    "insurance_payer_name", "insurance_payer_id", "insurance_member_id",
    "insurance_group_number", "insurance_relationship",
}  # fmt: skip


def test_a_patient_gets_no_insurance_and_the_relationship_is_checked(engine: Engine) -> None:
    _migrate(engine, "0007")
    _signed_note_at_0003(engine)

    _migrate(engine, "0008")

    assert current_revision(engine) == "0008"
    with engine.connect() as connection:
        patient = connection.execute(text("SELECT * FROM patients")).mappings().one()
    assert {column: patient[column] for column in NEW_COLUMNS} == {
        "insurance_payer_name": "", "insurance_payer_id": "", "insurance_member_id": "",
        "insurance_group_number": "", "insurance_relationship": None,
    }  # fmt: skip
    assert patient["family_name"] == "Zoë"
    with (
        pytest.raises(IntegrityError, match="ck_patients_insurance_relationship"),
        engine.begin() as connection,
    ):
        connection.exec_driver_sql("UPDATE patients SET insurance_relationship = 'XX' WHERE id = 1")
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE patients SET insurance_payer_name = 'Northwind Health Plan', "
                "insurance_payer_id = 'NWHP1', insurance_member_id = 'NWH1', "
                "insurance_relationship = 'G8' WHERE id = 1"
            )
        )
    # The signed note's lock was not touched by the patient's new columns.
    assert _refused(engine, "UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = 1")


def test_going_back_to_0007_keeps_the_rows_and_the_lock(engine: Engine) -> None:
    _migrate(engine, "0007")
    _signed_note_at_0003(engine)
    _migrate(engine, "head")

    _migrate(engine, "0007", down=True)

    columns = {column["name"] for column in inspect(engine).get_columns("patients")}
    assert not columns & NEW_COLUMNS
    with engine.connect() as connection:
        assert connection.execute(text("SELECT mrn FROM patients")).scalar_one() == "SYN-1"
    assert _refused(engine, "UPDATE procedure_sessions SET chaperone = 'x' WHERE id = 1")
