"""Database layer: SQLAlchemy 2 ORM, engine factory and Alembic migrations.

Tables are split by topic (people, procedures, templates, audit, settings); ``open_database``
is the one way the app opens a database. Bulk (Core) inserts into ``patients`` must fill
``search_text`` with ``patient_search_text(...)``; the ORM does it on its own.
"""

from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.base import Base
from tpi_desk.models.column_types import ExactDecimal, JsonText, JsonTextList, UtcDateTime, utc_now
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.engine import create_database_engine, normalize_url
from tpi_desk.models.errors import (
    DatabaseNeedsUpgradeError,
    DatabaseOpenError,
    DatabaseTooNewError,
)
from tpi_desk.models.migration import current_revision, head_revision, upgrade_to_head
from tpi_desk.models.people import Patient, User, patient_search_text
from tpi_desk.models.procedures import (
    Addendum,
    FindingKind,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    SessionFinding,
    replace_children,
)
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.models.templates import PersonalTemplate

__all__ = [
    "Addendum",
    "AuditEvent",
    "Base",
    "ClinicSetting",
    "Database",
    "DatabaseNeedsUpgradeError",
    "DatabaseOpenError",
    "DatabaseTooNewError",
    "ExactDecimal",
    "FindingKind",
    "InjectionSite",
    "JsonText",
    "JsonTextList",
    "MedicationLine",
    "Patient",
    "PersonalTemplate",
    "ProcedureSession",
    "SessionDiagnosis",
    "SessionFinding",
    "User",
    "UtcDateTime",
    "create_database_engine",
    "current_revision",
    "head_revision",
    "normalize_url",
    "open_database",
    "patient_search_text",
    "replace_children",
    "upgrade_to_head",
    "utc_now",
]
