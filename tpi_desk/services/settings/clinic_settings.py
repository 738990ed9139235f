"""Clinic-wide settings: read with defaults, change (admins only, audited)."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.settings import (
    CLINIC_SETTINGS,
    COUNT_SIDES_SEPARATELY,
    IDLE_LOCK_MINUTES,
    REQUIRE_PHYSICIAN_COSIGN,
    ClinicSettings,
    CodingSettings,
    SafetySettings,
    clinic_setting,
)
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

__all__ = [
    "COUNT_SIDES_SEPARATELY",
    "IDLE_LOCK_MINUTES",
    "REQUIRE_PHYSICIAN_COSIGN",
    "ClinicSettingsService",
    "clinic_settings",
    "coding_settings",
    "require_physician_cosign",
]

MAX_KEY_LENGTH = 128
_DECLARED_KEYS = tuple(declared.key for declared in CLINIC_SETTINGS)


def clinic_settings(db: Session) -> ClinicSettings:
    """The clinic's settings, inside an open unit of work."""
    rows = db.scalars(select(ClinicSetting).where(ClinicSetting.key.in_(_DECLARED_KEYS)))
    return ClinicSettings.from_stored({row.key: row.value for row in rows})


def coding_settings(db: Session) -> CodingSettings:
    """The clinic's coding settings, inside an open unit of work."""
    return clinic_settings(db).coding


def require_physician_cosign(db: Session) -> bool:
    """Whether notes signed by nurse practitioners and PAs need a physician's co-signature
    (off unless the clinic turns it on)."""
    return clinic_settings(db).require_physician_cosign


class ClinicSettingsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def load(self, *, actor: Actor | None = None) -> ClinicSettings:
        """Every clinic setting (defaults for those never set)."""
        authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return clinic_settings(db)

    def coding_settings(self, *, actor: Actor | None = None) -> CodingSettings:
        return self.load(actor=actor).coding

    def safety_settings(self, *, actor: Actor | None = None) -> SafetySettings:
        """The clinic's state and steroid limit, for the live safety and scope checks."""
        return self.load(actor=actor).safety

    def require_physician_cosign(self, *, actor: Actor | None = None) -> bool:
        return self.load(actor=actor).require_physician_cosign

    def set_value(self, key: str, value: Any, *, actor: Actor | None) -> None:
        """Change the setting stored under ``key`` (administrators only) to the JSON value
        ``value``, checked against its declaration; the old and new values are audited."""
        with refusals_audited(self._session_factory, actor, f"change {key}", "setting"):
            authorize(actor, Action.MANAGE_SETTINGS)
            stored = _checked(key, value)

            def work(db: Session) -> None:
                row = db.get(ClinicSetting, key)
                old = None if row is None else row.value
                if row is None:
                    db.add(ClinicSetting(key=key, value=stored))
                else:
                    row.value = stored
                record_event(
                    db,
                    actor,
                    AuditAction.SETTING_CHANGE,
                    "setting",
                    None,
                    f"{key}: {_shown(old)} -> {_shown(stored)}",
                )

            run_unit_of_work(self._session_factory, "save the clinic settings", work)


def _checked(key: str, value: Any) -> Any:
    """``value`` as stored under ``key``; ValidationFailed when the declaration refuses it."""
    if not key or len(key) > MAX_KEY_LENGTH:
        _refuse(key, f"must be 1 to {MAX_KEY_LENGTH} characters")
    declared = clinic_setting(key)
    if declared is None:
        _refuse(key, "is not a clinic setting")
    problem = declared.problem(value)
    if problem is not None:
        _refuse(key, problem)
    return declared.stored(value)


def _refuse(key: str, message: str) -> NoReturn:
    raise ValidationFailed([FieldProblem(f"settings.{key}", f"Setting {key}", message)])


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:200]
