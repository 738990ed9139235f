"""Key registrations signed: each signing key's registration carries an Ed25519 signature.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Three nullable columns on ``signing_keys``: the role the key was issued for, the key that
signed its registration, and that signature. Keys issued before this revision keep them
empty; ``verify`` reports their registrations as not signed by an administrator. The foreign
key is written into the column definition, which SQLite and PostgreSQL both accept in
``ALTER TABLE ... ADD COLUMN``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("signing_keys", sa.Column("owner_role", sa.String(32), nullable=True))
    op.execute(
        "ALTER TABLE signing_keys ADD COLUMN registered_by_key_id INTEGER "
        "CONSTRAINT fk_signing_keys_registered_by_key_id_signing_keys "
        "REFERENCES signing_keys (id)"
    )
    op.add_column(
        "signing_keys", sa.Column("registration_signature", sa.String(128), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("signing_keys", "registration_signature")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(
            "fk_signing_keys_registered_by_key_id_signing_keys", "signing_keys", type_="foreignkey"
        )
    op.drop_column("signing_keys", "registered_by_key_id")
    op.drop_column("signing_keys", "owner_role")
