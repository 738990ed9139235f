"""Clinic-wide settings as key/JSON-value pairs (clinic header, billing options, ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tpi_desk.models.base import Base, UpdatedAt, Version
from tpi_desk.models.column_types import JsonText


class ClinicSetting(Base):
    """One setting; ``value`` is any JSON value (stored as JSON text, decoded on load)."""

    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonText())
    updated_at: Mapped[UpdatedAt]
    version: Mapped[Version] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
