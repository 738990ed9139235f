"""Timestamps, decimals and JSON lists round-trip exactly on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.people import Patient
from tpi_desk.models.procedures import MedicationLine, ProcedureSession
from tpi_desk.models.settings import ClinicSetting

KATHMANDU = timezone(timedelta(hours=5, minutes=45))


def test_aware_datetime_comes_back_as_the_same_instant_in_utc(database: Database) -> None:
    when = datetime(2025, 3, 9, 8, 15, 30, 123456, tzinfo=KATHMANDU)
    with database.session_factory.begin() as session:
        session.add(AuditEvent(occurred_at=when, action="login", record_type="user"))
    with database.session_factory() as session:
        stored = session.scalars(select(AuditEvent.occurred_at)).one()
    assert stored == when
    assert stored.utcoffset() == timedelta(0)
    assert stored.tzinfo is UTC
    assert (stored.hour, stored.minute) == (2, 30)


def test_naive_datetime_is_refused(database: Database) -> None:
    with database.session_factory() as session:
        session.add(
            AuditEvent(occurred_at=datetime(2025, 3, 9, 8, 15), action="x", record_type="y")
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_default_timestamps_are_aware_and_current(database: Database) -> None:
    before = datetime.now(UTC)
    with database.session_factory.begin() as session:
        session.add(AuditEvent(action="login", record_type="user"))
    with database.session_factory() as session:
        stored = session.scalars(select(AuditEvent.occurred_at)).one()
    assert before <= stored <= datetime.now(UTC)


def test_session_keeps_the_clinicians_local_time(database: Database, draft_id: int) -> None:
    with database.session_factory() as session:
        draft = session.get_one(ProcedureSession, draft_id)
        local = draft.local_performed_at
    assert draft.performed_at == datetime(2025, 1, 15, 14, 30, tzinfo=UTC)
    assert (local.hour, local.minute, local.utcoffset()) == (9, 30, timedelta(hours=-5))


def test_decimals_round_trip_exactly(database: Database, draft_id: int) -> None:
    with database.session_factory.begin() as session:
        line = session.scalars(select(MedicationLine).order_by(MedicationLine.id)).first()
        assert line is not None
        line.concentration_mg_per_ml = Decimal("1.235")
        line.volume_ml = Decimal("12345.678")
    with database.session_factory() as session:
        line = session.scalars(select(MedicationLine).order_by(MedicationLine.id)).first()
        patient = session.scalars(select(Patient)).one()
        assert line is not None
        assert line.concentration_mg_per_ml == Decimal("1.235")
        assert str(line.concentration_mg_per_ml) == "1.235"
        assert line.volume_ml == Decimal("12345.678")
        assert patient.weight_kg == Decimal("72.45")
        assert isinstance(patient.weight_kg, Decimal)


def test_whole_number_decimal_keeps_its_scale(database: Database, draft_id: int) -> None:
    with database.session_factory() as session:
        line = session.scalars(select(MedicationLine).order_by(MedicationLine.id)).first()
    assert line is not None
    assert str(line.concentration_mg_per_ml) == "10.000"


def test_an_assigned_decimal_holds_its_stored_form_at_once(
    database: Database, draft_id: int
) -> None:
    with database.session_factory.begin() as session:
        line = session.scalars(select(MedicationLine).order_by(MedicationLine.id)).first()
        assert line is not None
        line.volume_ml = Decimal("1.5")
        line.concentration_mg_per_ml = Decimal("2.0005")  # rounded half away from zero
        patient = session.scalars(select(Patient)).one()
        patient.weight_kg = Decimal(70)
        in_memory = (str(line.volume_ml), str(line.concentration_mg_per_ml), str(patient.weight_kg))
    with database.session_factory() as session:
        line = session.scalars(select(MedicationLine).order_by(MedicationLine.id)).first()
        patient = session.scalars(select(Patient)).one()
        assert line is not None
        loaded = (str(line.volume_ml), str(line.concentration_mg_per_ml), str(patient.weight_kg))
    assert in_memory == loaded == ("1.500", "2.001", "70.00")


def test_float_dose_is_refused(database: Database, draft_id: int) -> None:
    with database.session_factory() as session:
        line = session.scalars(select(MedicationLine)).first()
        assert line is not None
        line.volume_ml = 0.1  # type: ignore[assignment]  # a float on purpose: it is refused
        with pytest.raises(StatementError, match="expected a Decimal"):
            session.flush()


def test_decimals_sum_in_sql(database: Database, draft_id: int) -> None:
    with database.session_factory() as session:
        total = session.execute(text("SELECT sum(volume_ml) FROM medication_lines")).scalar()
    assert Decimal(str(total)) == Decimal("2.75")


def test_text_lists_round_trip_and_track_in_place_changes(
    database: Database, draft_id: int
) -> None:
    with database.session_factory.begin() as session:
        patient = session.scalars(select(Patient)).one()
        assert patient.allergies == ["sulfites", "látex"]
        patient.allergies.append("clorhexidina — Ødegård's note")
    with database.session_factory() as session:
        patient = session.scalars(select(Patient)).one()
        raw = session.execute(text("SELECT allergies FROM patients")).scalar()
    assert patient.allergies == ["sulfites", "látex", "clorhexidina — Ødegård's note"]
    assert raw == '["sulfites", "látex", "clorhexidina — Ødegård\'s note"]'


def test_setting_value_is_stored_as_json_text(database: Database) -> None:
    header = {"clinic": "Clínica Ñúñez", "count_sides_separately": False}
    with database.session_factory.begin() as session:
        session.add(ClinicSetting(key="clinic.header", value=header))
    with database.session_factory() as session:
        setting = session.get_one(ClinicSetting, "clinic.header")
        raw = session.execute(text("SELECT value FROM clinic_settings")).scalar()
    assert setting.value == header
    assert raw == '{"clinic": "Clínica Ñúñez", "count_sides_separately": false}'
