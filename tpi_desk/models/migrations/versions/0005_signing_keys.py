"""Signing keys: an Ed25519 key pair per signing user, and each link's Ed25519 signature.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

The signatures table is append-only (0003's triggers), so its two new columns are only added
in place, never by rebuilding the table; the foreign key is written into the column
definition, which SQLite and PostgreSQL both accept in ``ALTER TABLE ... ADD COLUMN``.
Links made before this revision keep empty columns: they verify by their hash chain alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("encrypted_private_key", sa.String(255), nullable=False),
        sa.Column("kdf", sa.String(64), nullable=False),
        sa.Column("kdf_salt", sa.String(64), nullable=False),
        sa.Column("from_sequence", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signing_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_signing_keys_public_key")),
    )
    op.create_index(op.f("ix_signing_keys_user_id"), "signing_keys", ["user_id"])
    op.execute(
        "ALTER TABLE signatures ADD COLUMN key_id INTEGER "
        "CONSTRAINT fk_signatures_key_id_signing_keys REFERENCES signing_keys (id)"
    )
    op.add_column("signatures", sa.Column("signature", sa.String(128), nullable=True))


def downgrade() -> None:
    op.drop_column("signatures", "signature")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_signatures_key_id_signing_keys", "signatures", type_="foreignkey")
    op.drop_column("signatures", "key_id")
    op.drop_index(op.f("ix_signing_keys_user_id"), table_name="signing_keys")
    op.drop_table("signing_keys")
