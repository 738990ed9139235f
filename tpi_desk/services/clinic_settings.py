"""Clinic-wide settings: read with defaults, change with a version check."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.settings import CodingSettings
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.permissions import Action, Actor, authorize

COUNT_SIDES_SEPARATELY = "coding.count_sides_separately"


def coding_settings(db: Session) -> CodingSettings:
    """The clinic's coding settings, inside an open unit of work."""
    row = db.get(ClinicSetting, COUNT_SIDES_SEPARATELY)
    return CodingSettings(count_sides_separately=bool(row.value) if row is not None else False)


class ClinicSettingsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def coding_settings(self) -> CodingSettings:
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return coding_settings(db)

    def set_value(self, key: str, value: Any, *, actor: Actor | None = None) -> None:
        authorize(actor, Action.MANAGE_SETTINGS)
        with (
            database_errors_as_user_errors("save the clinic settings"),
            self._session_factory.begin() as db,
        ):
            row = db.get(ClinicSetting, key)
            if row is None:
                db.add(ClinicSetting(key=key, value=value))
            else:
                row.value = value
