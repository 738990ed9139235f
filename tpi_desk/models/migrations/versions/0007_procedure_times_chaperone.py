"""Session document @3: the procedure's start and end times and the chaperone on sessions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Columns are only added (and, going down, dropped) in place, as in 0004: no table is rebuilt.
The SQLite trigger that keeps a signed session unchanged lists its columns one by one (0003,
recreated by 0004), so it is recreated again with the new ones; PostgreSQL's compares whole
rows and covers them already.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "tpi-desk locked record"
SESSION_TRIGGER = "tpi_desk_signed_session_update"
# procedure_sessions columns an entered-in-error mark may not change, as 0004 listed them.
SESSION_COLUMNS_0004 = (
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes", "kind",
    "position", "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "consent_obtained", "time_out_performed", "pain_before", "pain_after",
    "conservative_care_tried", "ongoing_care", "notes", "instructions", "follow_up",
    "signed_at", "signed_by_id", "content_hash", "created_at",
    "location_name", "location_state", "place_of_service", "ultrasound_interpretation",
    "consent_risks", "consent_witness", "exam_findings", "function_scale", "function_score",
    "prior_relief_percent", "prior_relief_weeks", "skin_prep", "aspiration_negative",
    "observation_minutes", "override_reason", "consent_type", "tolerance",
)  # fmt: skip


def _session_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("procedure_started", sa.Time(), nullable=True),
        sa.Column("procedure_ended", sa.Time(), nullable=True),
        sa.Column("chaperone", sa.String(128), server_default="", nullable=False),
    ]


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
    if _is_sqlite():
        added_names = tuple(column.name for column in _session_columns())
        op.execute(_sqlite_session_trigger((*SESSION_COLUMNS_0004, *added_names)))


def downgrade() -> None:
    if _is_sqlite():
        op.execute(f"DROP TRIGGER IF EXISTS {SESSION_TRIGGER}")
    for column in reversed(_session_columns()):
        op.drop_column("procedure_sessions", column.name)
    if _is_sqlite():
        op.execute(_sqlite_session_trigger(SESSION_COLUMNS_0004))
