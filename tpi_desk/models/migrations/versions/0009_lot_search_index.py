"""An index for lot recalls: medication lines by their lot, as searched, and their NDC.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

A recall names a lot as printed on the vial; the clinician typed it as they read it, with
spaces or in lower case. The search compares ``upper(replace(lot, ' ', ''))`` (see
``tpi_desk.clinical.lot_recall``), so the index is on that expression, then on the NDC: no
column is added and no stored line changes (signed notes' lines are locked anyway), and
SQLite and PostgreSQL build the same index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_medication_lines_lot_key_ndc"


def upgrade() -> None:
    op.execute(f"CREATE INDEX {INDEX} ON medication_lines (upper(replace(lot, ' ', '')), ndc)")


def downgrade() -> None:
    op.execute(f"DROP INDEX {INDEX}")
