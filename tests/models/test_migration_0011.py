"""Migration 0011 (the insured person of a dependent, issue 15) on a SQLite file holding an
insured patient and a signed note from 0010: the patient gets no insured person and no
address, the subscriber's sex only takes the X12 codes F/M/U, the signed note stays locked,
and going back down to 0010 keeps the rows and the insurance."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.models.test_migration_0004 import _migrate, _refused, _signed_note_at_0003, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

NEW_COLUMNS = {
    "insurance_subscriber_family_name": "", "insurance_subscriber_given_name": "",
    "insurance_subscriber_birth_date": None, "insurance_subscriber_sex": None,
    "insurance_patient_street": "", "insurance_patient_city": "", "insurance_patient_state": "",
    "insurance_patient_zip": "",
}  # fmt: skip
SPOUSE_INSURANCE = (
    "UPDATE patients SET insurance_payer_name = 'Northwind Health Plan', "
    "insurance_payer_id = 'NWHP1', insurance_member_id = 'NWH1', "
    "insurance_relationship = '01' WHERE id = 1"
)


def _insured_patient_at_0010(engine: Engine) -> None:
    _migrate(engine, "0007")
    _signed_note_at_0003(engine)
    _migrate(engine, "0010")
    with engine.begin() as connection:
        connection.execute(text(SPOUSE_INSURANCE))


def test_an_insured_patient_gets_no_insured_person_and_the_sex_is_checked(
    engine: Engine,
) -> None:
    _insured_patient_at_0010(engine)

    _migrate(engine, "0011")

    assert current_revision(engine) == "0011"
    with engine.connect() as connection:
        patient = connection.execute(text("SELECT * FROM patients")).mappings().one()
    assert {column: patient[column] for column in NEW_COLUMNS} == NEW_COLUMNS
    assert patient["insurance_relationship"] == "01"
    with (
        pytest.raises(IntegrityError, match="ck_patients_insurance_subscriber_sex"),
        engine.begin() as connection,
    ):
        connection.exec_driver_sql(
            "UPDATE patients SET insurance_subscriber_sex = 'X' WHERE id = 1"
        )
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE patients SET insurance_subscriber_family_name = 'Okafor', "
                "insurance_subscriber_given_name = 'Adaeze', "
                "insurance_subscriber_birth_date = '1979-05-02', insurance_subscriber_sex = 'F', "
                "insurance_patient_street = '14 Alder Lane', insurance_patient_city = 'Portland', "
                "insurance_patient_state = 'ME', insurance_patient_zip = '04101' WHERE id = 1"
            )
        )
    # The signed note's lock was not touched by the patient's new columns.
    assert _refused(engine, "UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = 1")


def test_going_back_to_0010_keeps_the_rows_the_insurance_and_the_lock(engine: Engine) -> None:
    _insured_patient_at_0010(engine)
    _migrate(engine, "head")

    _migrate(engine, "0010", down=True)

    columns = {column["name"] for column in inspect(engine).get_columns("patients")}
    assert not columns & NEW_COLUMNS.keys()
    with engine.connect() as connection:
        row = connection.execute(text("SELECT mrn, insurance_relationship FROM patients")).one()
    assert tuple(row) == ("SYN-1", "01")
    assert _refused(engine, "UPDATE procedure_sessions SET chaperone = 'x' WHERE id = 1")
