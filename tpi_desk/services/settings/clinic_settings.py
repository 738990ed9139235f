"""Clinic-wide settings: read with defaults, change (admins only, audited)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.settings import CodingSettings
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

COUNT_SIDES_SEPARATELY = "coding.count_sides_separately"
REQUIRE_PHYSICIAN_COSIGN = "signing.require_physician_cosign"
IDLE_LOCK_MINUTES = "security.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
# Settings whose value must be true or false.
BOOLEAN_SETTINGS = frozenset({COUNT_SIDES_SEPARATELY, REQUIRE_PHYSICIAN_COSIGN})
MAX_KEY_LENGTH = 128


def coding_settings(db: Session) -> CodingSettings:
    """The clinic's coding settings, inside an open unit of work."""
    row = db.get(ClinicSetting, COUNT_SIDES_SEPARATELY)
    return CodingSettings(count_sides_separately=bool(row.value) if row is not None else False)


def require_physician_cosign(db: Session) -> bool:
    """Whether notes signed by nurse practitioners and PAs need a physician's co-signature
    (off unless the clinic turns it on)."""
    row = db.get(ClinicSetting, REQUIRE_PHYSICIAN_COSIGN)
    return bool(row.value) if row is not None else False


class ClinicSettingsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def coding_settings(self, *, actor: Actor | None = None) -> CodingSettings:
        authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return coding_settings(db)

    def require_physician_cosign(self, *, actor: Actor | None = None) -> bool:
        authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return require_physician_cosign(db)

    def idle_lock_minutes(self, *, actor: Actor | None = None) -> int:
        """Minutes without input before the app locks (1-120, default 10)."""
        value = self.values(actor=actor).get(IDLE_LOCK_MINUTES)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 120:
            return value
        return DEFAULT_IDLE_LOCK_MINUTES

    def values(self, *, actor: Actor | None = None) -> dict[str, Any]:
        """Every stored setting by key (unset keys are absent: callers apply defaults)."""
        authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            return {row.key: row.value for row in db.scalars(select(ClinicSetting))}

    def set_value(self, key: str, value: Any, *, actor: Actor | None) -> None:
        """Change one setting (administrators only); the old and new values are audited."""
        with refusals_audited(self._session_factory, actor, f"change {key}", "setting"):
            authorize(actor, Action.MANAGE_SETTINGS)
            _raise_if_invalid(key, value)

            def work(db: Session) -> None:
                row = db.get(ClinicSetting, key)
                old = None if row is None else row.value
                if row is None:
                    db.add(ClinicSetting(key=key, value=value))
                else:
                    row.value = value
                record_event(
                    db,
                    actor,
                    AuditAction.SETTING_CHANGE,
                    "setting",
                    None,
                    f"{key}: {_shown(old)} -> {_shown(value)}",
                )

            run_unit_of_work(self._session_factory, "save the clinic settings", work)


def _raise_if_invalid(key: str, value: Any) -> None:
    message = None
    if not key or len(key) > MAX_KEY_LENGTH:
        message = f"must be 1 to {MAX_KEY_LENGTH} characters"
    elif key in BOOLEAN_SETTINGS and not isinstance(value, bool):
        message = "must be true or false"
    if message is not None:
        raise ValidationFailed([FieldProblem(f"settings.{key}", f"Setting {key}", message)])


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:200]
