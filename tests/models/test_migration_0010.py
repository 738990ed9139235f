"""Migration 0010 (ultrasound images, issue 15) on a SQLite file holding a signed note: the
images table arrives empty and guarded (no image can be slipped into the signed note), a
draft takes images, and going back to 0009 drops the table and its triggers only."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from tests.models.test_migration_0004 import _migrate, _refused, _signed_note_at_0003, engine
from tpi_desk.models.migration import current_revision

__all__ = ["engine"]

TRIGGERS = {f"tpi_desk_signed_session_images_{op}" for op in ("insert", "update", "delete")}
INSERT = (
    "INSERT INTO session_images (session_id, position, file_name, media_type, content, sha256, "
    "width, height, dicom_patient_name, dicom_patient_id) VALUES ({session}, 0, 'a.png', "
    "'image/png', X'89504E47', '{digest}', 64, 48, '', '')"
).replace("{digest}", "b" * 64)
DRAFT = (
    "INSERT INTO procedure_sessions (id, patient_id, provider_id, performed_at, "
    "performed_at_offset_minutes, kind, ultrasound_guided, ultrasound_image_retained, "
    "ultrasound_device, consent_obtained, time_out_performed, conservative_care_tried, "
    "ongoing_care, notes, instructions, follow_up, status, created_at, updated_at, version) "
    "VALUES (2, 1, 1, '2026-03-05 09:00:00.000000', 0, 'trigger_point_injection', 1, 0, '', 0, "
    "0, '[]', '[]', '', '', '', 'draft', '2026-03-05 09:00:00.000000', "
    "'2026-03-05 09:00:00.000000', 1)"
)


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'session_images'"
        ).all()
    return {str(row[0]) for row in rows}


def test_the_images_table_arrives_guarded_beside_a_signed_note(engine: Engine) -> None:
    _migrate(engine, "0009")
    _signed_note_at_0003(engine)

    _migrate(engine, "0010")

    assert current_revision(engine) == "0010"
    assert _triggers(engine) == TRIGGERS
    assert _refused(engine, INSERT.replace("{session}", "1"))
    with engine.begin() as connection:
        connection.exec_driver_sql(DRAFT)
        connection.exec_driver_sql(INSERT.replace("{session}", "2"))
        assert connection.exec_driver_sql("SELECT count(*) FROM session_images").scalar() == 1


def test_going_back_to_0009_drops_the_table_and_its_triggers(engine: Engine) -> None:
    _migrate(engine, "0009")
    _signed_note_at_0003(engine)
    _migrate(engine, "head")

    _migrate(engine, "0009", down=True)

    assert "session_images" not in inspect(engine).get_table_names()
    assert _triggers(engine) == set()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM procedure_sessions").scalar() == 1
