"""Initial schema: users, patients, procedure sessions and their children, audit, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written with plain SQLAlchemy types (never the app's models, which will change): timestamps
are ``timestamptz`` / SQLite DATETIME text in UTC, decimals NUMERIC, lists JSON text, and
enums VARCHAR(32) with a named CHECK of the values valid at this revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)


def _one_of(
    table: str, column: str, values: Sequence[str], *, nullable: bool = False
) -> list[SchemaItem]:
    """A VARCHAR(32) column and the CHECK that limits it to ``values``."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return [
        sa.Column(column, sa.String(length=32), nullable=nullable),
        sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}")),
    ]


def _fk(table: str, column: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE" if cascade else None,
    )


def _pain(column: str) -> list[SchemaItem]:
    return [
        sa.Column(column, sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            f"{column} BETWEEN 0 AND 10", name=op.f(f"ck_procedure_sessions_{column}_range")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("credentials", sa.String(length=32), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        *_one_of("users", "role", ("physician", "nurse_practitioner", "billing", "admin")),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        _timestamp("created_at"),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "patients",
        _id(),
        sa.Column("mrn", sa.String(length=32), nullable=False),
        sa.Column("family_name", sa.String(length=128), nullable=False),
        sa.Column("given_name", sa.String(length=128), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        *_one_of("patients", "sex", ("female", "male", "other", "unknown")),
        sa.Column("weight_kg", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("allergies", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("mrn", name=op.f("uq_patients_mrn")),
    )
    op.create_index(op.f("ix_patients_search_text"), "patients", ["search_text"])

    op.create_table(
        "procedure_sessions",
        _id(),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        _timestamp("performed_at"),
        sa.Column("performed_at_offset_minutes", sa.SmallInteger(), nullable=False),
        *_one_of("procedure_sessions", "kind", ("trigger_point_injection", "dry_needling")),
        *_one_of(
            "procedure_sessions",
            "position",
            ("seated", "prone", "supine", "side_lying_left", "side_lying_right"),
            nullable=True,
        ),
        sa.Column("ultrasound_guided", sa.Boolean(), nullable=False),
        sa.Column("ultrasound_image_retained", sa.Boolean(), nullable=False),
        sa.Column("ultrasound_device", sa.String(length=128), nullable=False),
        sa.Column("consent_obtained", sa.Boolean(), nullable=False),
        sa.Column("time_out_performed", sa.Boolean(), nullable=False),
        *_pain("pain_before"),
        *_pain("pain_after"),
        sa.Column("conservative_care_tried", sa.Text(), nullable=False),
        sa.Column("ongoing_care", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        *_one_of("procedure_sessions", "status", ("draft", "signed", "entered_in_error")),
        _timestamp("signed_at", nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _version(),
        _fk("procedure_sessions", "patient_id", "patients.id"),
        _fk("procedure_sessions", "provider_id", "users.id"),
        _fk("procedure_sessions", "signed_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_sessions")),
    )
    op.create_index(
        "ix_procedure_sessions_newest",
        "procedure_sessions",
        [sa.text("performed_at DESC"), sa.text("id DESC")],
    )
    for name, columns in (
        ("ix_procedure_sessions_patient_performed", ["patient_id", "performed_at"]),
        ("ix_procedure_sessions_provider_performed", ["provider_id", "performed_at"]),
        ("ix_procedure_sessions_status_performed", ["status", "performed_at"]),
    ):
        op.create_index(name, "procedure_sessions", columns)

    op.create_table(
        "session_diagnoses",
        _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        _fk("session_diagnoses", "session_id", "procedure_sessions.id", cascade=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_diagnoses")),
        sa.UniqueConstraint(
            "session_id", "position", name=op.f("uq_session_diagnoses_session_id_position")
        ),
    )
    op.create_table(
        "injection_sites",
        _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("muscle_id", sa.String(length=64), nullable=False),
        *_one_of("injection_sites", "side", ("left", "right", "bilateral", "midline")),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("needle_gauge", sa.Integer(), nullable=True),
        sa.Column("needle_length_mm", sa.Numeric(precision=6, scale=1), nullable=True),
        sa.Column("twitch_response", sa.Boolean(), nullable=False),
        _fk("injection_sites", "session_id", "procedure_sessions.id", cascade=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injection_sites")),
    )
    op.create_index(op.f("ix_injection_sites_session_id"), "injection_sites", ["session_id"])

    op.create_table(
        "medication_lines",
        _id(),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("drug_id", sa.String(length=64), nullable=False),
        sa.Column("concentration_mg_per_ml", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("volume_ml", sa.Numeric(precision=8, scale=3), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        _fk("medication_lines", "site_id", "injection_sites.id", cascade=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_lines")),
    )
    op.create_index(op.f("ix_medication_lines_site_id"), "medication_lines", ["site_id"])

    op.create_table(
        "session_findings",
        _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        *_one_of("session_findings", "kind", ("side_effect", "complication")),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("session_findings", "session_id", "procedure_sessions.id", cascade=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_findings")),
    )
    op.create_index(op.f("ix_session_findings_session_id"), "session_findings", ["session_id"])

    op.create_table(
        "addenda",
        _id(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.Column("text", sa.Text(), nullable=False),
        _timestamp("signed_at", nullable=True),
        _version(),
        _fk("addenda", "session_id", "procedure_sessions.id"),
        _fk("addenda", "author_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addenda")),
    )
    op.create_index(op.f("ix_addenda_session_id"), "addenda", ["session_id"])

    op.create_table(
        "audit_events",
        _id(),
        _timestamp("occurred_at"),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        _fk("audit_events", "user_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_occurred_at"), "audit_events", ["occurred_at"])

    op.create_table(
        "clinic_settings",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        _version(),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_settings")),
    )


def downgrade() -> None:
    for table in (
        "clinic_settings",
        "audit_events",
        "addenda",
        "session_findings",
        "medication_lines",
        "injection_sites",
        "session_diagnoses",
        "procedure_sessions",
        "patients",
        "users",
    ):
        op.drop_table(table)
