"""Personal site templates: a clinician's named sets of sites (no lots, no expiry dates).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Written with plain SQLAlchemy types, like 0001: timestamps ``timestamptz`` / SQLite DATETIME
text in UTC, the procedure kind VARCHAR(32) with a named CHECK of the values valid here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("trigger_point_injection", "dry_needling")


def upgrade() -> None:
    allowed_kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    op.create_table(
        "site_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(f"kind IN ({allowed_kinds})", name=op.f("ck_site_templates_kind")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_site_templates_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_templates")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_site_templates_owner_id_name")),
    )


def downgrade() -> None:
    op.drop_table("site_templates")
