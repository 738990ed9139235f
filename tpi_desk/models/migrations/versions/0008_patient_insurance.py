"""Patient insurance (issue 15): payer name and id, member id, group number and the
patient's relationship to the insured, for professional claims (X12 837P).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Columns are only added (and, going down, dropped) in place on ``patients``, as in 0004: no
table is rebuilt, so no trigger or foreign key is touched. ``patients`` carries no trigger
of the signed records (a signed note keeps the patient as signed in its signature), so none
is recreated. The relationship gets its named CHECK in the column definition, which SQLite
and PostgreSQL both accept in ``ALTER TABLE ... ADD COLUMN``; it is NULL when no insurance is
on file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The X12 individual relationship codes offered: self, spouse, child, other.
RELATIONSHIPS = ("18", "01", "19", "G8")


def _text_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("insurance_payer_name", sa.String(60), server_default="", nullable=False),
        sa.Column("insurance_payer_id", sa.String(40), server_default="", nullable=False),
        sa.Column("insurance_member_id", sa.String(40), server_default="", nullable=False),
        sa.Column("insurance_group_number", sa.String(40), server_default="", nullable=False),
    ]


def upgrade() -> None:
    for added in _text_columns():
        op.add_column("patients", added)
    allowed = ", ".join(f"'{code}'" for code in RELATIONSHIPS)
    op.execute(
        "ALTER TABLE patients ADD COLUMN insurance_relationship VARCHAR(32) "
        "CONSTRAINT ck_patients_insurance_relationship "
        f"CHECK (insurance_relationship IN ({allowed}))"
    )


def downgrade() -> None:
    op.drop_column("patients", "insurance_relationship")
    for column in reversed(_text_columns()):
        op.drop_column("patients", column.name)
