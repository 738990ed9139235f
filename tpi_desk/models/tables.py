"""Imports every table module, so ``Base.metadata`` and the ORM's mappers see the whole schema."""

from __future__ import annotations

from tpi_desk.models import audit, people, procedures, settings, signing_keys, templates
from tpi_desk.models.base import Base

TABLE_MODULES = (audit, people, procedures, settings, signing_keys, templates)

__all__ = ["TABLE_MODULES", "Base"]
