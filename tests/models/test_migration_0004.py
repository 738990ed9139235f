"""Migration 0004 (session document @2) on a SQLite file holding a signed note from 0003: the
rows keep their values and get the defaults, the signed note stays locked (its trigger now
compares the new columns too), and going back down to 0003 keeps the rows and the lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from tpi_desk.models.engine import create_database_engine
from tpi_desk.models.migration import alembic_config, current_revision

NEW_SESSION_COLUMNS = {
    "location_name", "location_state", "place_of_service", "ultrasound_interpretation",
    "consent_type", "consent_risks", "consent_witness", "exam_findings", "function_scale",
    "function_score", "prior_relief_percent", "prior_relief_weeks", "skin_prep",
    "aspiration_negative", "tolerance", "observation_minutes", "override_reason",
}  # fmt: skip
NOW = "2026-03-04 14:30:00.000000"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    yield engine
    engine.dispose()


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        config = alembic_config(connection)
        (command.downgrade if down else command.upgrade)(config, revision)


def _signed_note_at_0003(engine: Engine) -> None:
    statements = [
        "INSERT INTO users (id, username, display_name, credentials, npi, role, active, "
        f"created_at, version) VALUES (1, 'dr.a', 'Dr. A', 'MD', '', 'physician', 1, '{NOW}', 1)",
        "INSERT INTO patients (id, mrn, family_name, given_name, search_text, date_of_birth, "
        f"sex, allergies, created_at, updated_at, version) VALUES (1, 'SYN-1', 'Zoë', 'Ñúñez', "
        f"'zoe nunez syn-1', '1984-07-22', 'female', '[]', '{NOW}', '{NOW}', 1)",
        "INSERT INTO procedure_sessions (id, patient_id, provider_id, performed_at, "
        "performed_at_offset_minutes, kind, ultrasound_guided, ultrasound_image_retained, "
        "ultrasound_device, consent_obtained, time_out_performed, conservative_care_tried, "
        "ongoing_care, notes, instructions, follow_up, status, signed_at, signed_by_id, "
        f"content_hash, created_at, updated_at, version) VALUES (1, 1, 1, '{NOW}', -300, "
        "'trigger_point_injection', 0, 0, '', 1, 1, '[]', '[]', 'Taut bands.', '', '', "
        f"'draft', NULL, NULL, NULL, '{NOW}', '{NOW}', 1)",
        "INSERT INTO injection_sites (id, session_id, position, muscle_id, side, points, "
        "twitch_response) VALUES (1, 1, 0, 'upper_trapezius', 'left', 1, 0)",
        "INSERT INTO medication_lines (id, site_id, position, drug_id, concentration_mg_per_ml, "
        "volume_ml, lot) VALUES (1, 1, 0, 'lidocaine', 10, 1, 'LD1')",
        # Signed as the app signs: the draft's children first, then the note.
        f"UPDATE procedure_sessions SET status = 'signed', signed_at = '{NOW}', "
        f"signed_by_id = 1, content_hash = '{'a' * 64}', version = 2 WHERE id = 1",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def _refused(engine: Engine, statement: str) -> bool:
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    except DatabaseError as error:
        return "tpi-desk locked record" in str(error)
    return False


def test_existing_rows_get_the_defaults_and_the_signed_note_stays_locked(engine: Engine) -> None:
    _migrate(engine, "0003")
    _signed_note_at_0003(engine)

    _migrate(engine, "0004")

    assert current_revision(engine) == "0004"
    with engine.connect() as connection:
        session = connection.execute(text("SELECT * FROM procedure_sessions")).mappings().one()
        patient = connection.execute(text("SELECT * FROM patients")).mappings().one()
        user = connection.execute(text("SELECT * FROM users")).mappings().one()
        line = connection.execute(text("SELECT * FROM medication_lines")).mappings().one()
    assert session["notes"] == "Taut bands."
    assert (session["consent_risks"], session["exam_findings"]) == ("[]", "[]")
    assert (session["tolerance"], session["aspiration_negative"]) == (None, None)
    assert (patient["coverage"], patient["no_known_drug_allergies"]) == ("unknown", 0)
    assert user["acupuncture_certified"] == 0
    assert (line["container"], line["discarded_ml"], line["ndc"]) == (None, None, "")
    assert _refused(engine, "UPDATE procedure_sessions SET tolerance = 'poor' WHERE id = 1")
    assert _refused(engine, "UPDATE procedure_sessions SET override_reason = 'x' WHERE id = 1")
    assert _refused(engine, "UPDATE medication_lines SET ndc = '00409-4276-01' WHERE id = 1")


def test_closed_sets_are_checked_by_the_database_too(engine: Engine) -> None:
    _migrate(engine, "head")
    _signed_note_at_0003(engine)

    with (
        pytest.raises(DatabaseError, match="ck_patients_coverage"),
        engine.begin() as connection,
    ):
        connection.exec_driver_sql("UPDATE patients SET coverage = 'medicare_part_b'")


def test_going_back_to_0003_keeps_the_rows_and_the_lock(engine: Engine) -> None:
    _migrate(engine, "0003")
    _signed_note_at_0003(engine)
    _migrate(engine, "head")

    _migrate(engine, "0003", down=True)

    columns = {column["name"] for column in inspect(engine).get_columns("procedure_sessions")}
    assert not columns & NEW_SESSION_COLUMNS
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT notes FROM procedure_sessions").scalar() == (
            "Taut bands."
        )
        assert connection.exec_driver_sql("SELECT count(*) FROM medication_lines").scalar() == 1
    assert _refused(engine, "UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = 1")
