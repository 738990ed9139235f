"""Session document @2: location, consent details, exam findings, scores, outcome and override
reason on sessions; container, discarded amount and NDC on medication lines; coverage and "no
known drug allergies" on patients; acupuncture certification on users.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Written with plain SQLAlchemy types, like 0001-0003. Columns are only added (and, going down,
dropped) in place: no table is rebuilt, so no trigger is lost and no foreign key cascades.
Enumerated columns get their named CHECK in the column definition, which both SQLite and
PostgreSQL accept in ``ALTER TABLE ... ADD COLUMN``. The SQLite trigger that keeps a signed
session unchanged lists its columns one by one (0003), so it is recreated with the new ones;
PostgreSQL's compares whole rows and covers them already.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "tpi-desk locked record"
SESSION_TRIGGER = "tpi_desk_signed_session_update"
# procedure_sessions columns an entered-in-error mark may not change, as 0003 listed them.
SESSION_COLUMNS_0003 = (
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes", "kind",
    "position", "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "consent_obtained", "time_out_performed", "pain_before", "pain_after",
    "conservative_care_tried", "ongoing_care", "notes", "instructions", "follow_up",
    "signed_at", "signed_by_id", "content_hash", "created_at",
)  # fmt: skip

# (table, column, allowed values) of the enumerated columns added here.
ENUM_COLUMNS = (
    ("procedure_sessions", "consent_type", ("written", "verbal")),
    ("procedure_sessions", "tolerance", ("well", "fair", "poor")),
    ("medication_lines", "container", ("single_dose", "multi_dose")),
)
COVERAGES = (
    "medicare", "medicare_advantage", "medicaid", "commercial", "workers_compensation",
    "self_pay", "unknown",
)  # fmt: skip


def _session_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("location_name", sa.String(200), server_default="", nullable=False),
        sa.Column("location_state", sa.String(2), server_default="", nullable=False),
        sa.Column("place_of_service", sa.String(2), server_default="", nullable=False),
        sa.Column("ultrasound_interpretation", sa.Text(), server_default="", nullable=False),
        sa.Column("consent_risks", sa.Text(), server_default="[]", nullable=False),
        sa.Column("consent_witness", sa.String(128), server_default="", nullable=False),
        sa.Column("exam_findings", sa.Text(), server_default="[]", nullable=False),
        sa.Column("function_scale", sa.String(32), server_default="", nullable=False),
        sa.Column("function_score", sa.Numeric(5, 1), nullable=True),
        sa.Column("prior_relief_percent", sa.SmallInteger(), nullable=True),
        sa.Column("prior_relief_weeks", sa.SmallInteger(), nullable=True),
        sa.Column("skin_prep", sa.String(32), server_default="", nullable=False),
        sa.Column("aspiration_negative", sa.Boolean(), nullable=True),
        sa.Column("observation_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("override_reason", sa.Text(), server_default="", nullable=False),
    ]


def _session_column_names() -> tuple[str, ...]:
    added = [column.name for column in _session_columns()]
    return (*added, *(column for table, column, _ in ENUM_COLUMNS if table == "procedure_sessions"))


def _enum_column(table: str, column: str, values: Sequence[str], *, default: str = "") -> str:
    allowed = ", ".join(f"'{value}'" for value in values)
    not_null = f" DEFAULT '{default}' NOT NULL" if default else ""
    return (
        f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(32){not_null} "
        f"CONSTRAINT ck_{table}_{column} CHECK ({column} IN ({allowed}))"
    )


def _sqlite_session_trigger(columns: Sequence[str]) -> str:
    """0003's guard of a signed session, comparing ``columns``."""
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns)
    error_mark = (
        "OLD.status = 'signed' AND NEW.status = 'entered_in_error' "
        "AND NEW.version = OLD.version + 1 "
        "AND EXISTS (SELECT 1 FROM entered_in_error_marks WHERE session_id = OLD.id) "
        f"AND {unchanged}"
    )
    return (
        f"CREATE TRIGGER {SESSION_TRIGGER} BEFORE UPDATE ON procedure_sessions FOR EACH ROW "
        f"WHEN OLD.status <> 'draft' AND NOT ({error_mark}) "
        f"BEGIN SELECT RAISE(ABORT, '{LOCKED}: a signed note cannot change; add an addendum "
        "instead'); END"
    )


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _is_sqlite():
        op.execute(f"DROP TRIGGER IF EXISTS {SESSION_TRIGGER}")
    for added in _session_columns():
        op.add_column("procedure_sessions", added)
    for table, column, values in ENUM_COLUMNS:
        op.execute(_enum_column(table, column, values))
    op.add_column("medication_lines", sa.Column("discarded_ml", sa.Numeric(8, 3), nullable=True))
    op.add_column(
        "medication_lines", sa.Column("ndc", sa.String(13), server_default="", nullable=False)
    )
    op.add_column(
        "patients",
        sa.Column(
            "no_known_drug_allergies", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.execute(_enum_column("patients", "coverage", COVERAGES, default="unknown"))
    op.add_column(
        "users",
        sa.Column("acupuncture_certified", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    if _is_sqlite():
        op.execute(_sqlite_session_trigger((*SESSION_COLUMNS_0003, *_session_column_names())))


def downgrade() -> None:
    if _is_sqlite():
        op.execute(f"DROP TRIGGER IF EXISTS {SESSION_TRIGGER}")
    op.drop_column("users", "acupuncture_certified")
    op.drop_column("patients", "coverage")
    op.drop_column("patients", "no_known_drug_allergies")
    for column in ("ndc", "discarded_ml", "container"):
        op.drop_column("medication_lines", column)
    for column in reversed(_session_column_names()):
        op.drop_column("procedure_sessions", column)
    if _is_sqlite():
        op.execute(_sqlite_session_trigger(SESSION_COLUMNS_0003))
