"""The insured person of a patient covered through someone else (issue 15): the
subscriber's name, birth date and sex, and the patient's address, which a claim for a
spouse, child or other dependent needs (X12 837P loops 2010BA and 2010CA).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

As 0008: columns are only added (and, going down, dropped) in place on ``patients``, so no
table is rebuilt and no trigger or foreign key is touched. The subscriber's sex gets its
named CHECK in the column definition, which SQLite and PostgreSQL both accept in ``ALTER
TABLE ... ADD COLUMN``; it is NULL when no insured person is on file, and the birth date may
be NULL. Every existing patient gets no insured person and no address.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# X12 administrative sex codes: female, male, unknown.
SEXES = ("F", "M", "U")


def _columns() -> list[sa.Column[Any]]:
    def text(name: str, length: int) -> sa.Column[Any]:
        return sa.Column(name, sa.String(length), server_default="", nullable=False)

    return [
        text("insurance_subscriber_family_name", 60),
        text("insurance_subscriber_given_name", 35),
        sa.Column("insurance_subscriber_birth_date", sa.Date(), nullable=True),
        text("insurance_patient_street", 55),
        text("insurance_patient_city", 30),
        text("insurance_patient_state", 2),
        text("insurance_patient_zip", 10),
    ]


def upgrade() -> None:
    for added in _columns():
        op.add_column("patients", added)
    allowed = ", ".join(f"'{code}'" for code in SEXES)
    op.execute(
        "ALTER TABLE patients ADD COLUMN insurance_subscriber_sex VARCHAR(32) "
        "CONSTRAINT ck_patients_insurance_subscriber_sex "
        f"CHECK (insurance_subscriber_sex IN ({allowed}))"
    )


def downgrade() -> None:
    op.drop_column("patients", "insurance_subscriber_sex")
    for column in reversed(_columns()):
        op.drop_column("patients", column.name)
