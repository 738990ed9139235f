"""Ultrasound images kept with a session (issue 15): ``session_images``, one row per image,
and the triggers that keep the images of a signed note as they were signed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Written with plain SQLAlchemy types, like 0001-0009. The image's bytes are a ``LargeBinary``
(BLOB on SQLite, bytea on PostgreSQL) beside their SHA-256. The table is a child of a note
like ``session_findings``, and guarded as 0003 guards those: no insert into a note the app
signed, no update or delete of a signed note's image, no TRUNCATE on PostgreSQL (which
reuses 0003's trigger functions). ``tpi_desk.services.integrity.verification`` lists the new
triggers, so ``tpi-desk verify`` reports one that is missing or disabled.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "tpi-desk locked record"
TABLE = "session_images"
MEDIA_TYPES = ("image/png", "image/jpeg", "application/dicom")
CHANGED = "the contents of a signed note cannot change"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _signed(session_id: str, *, sealed_only: bool = False) -> str:
    """0003's test: ``session_id`` names a note that is no longer a draft (``sealed_only``:
    and carries its signature hash, so demo data may still load a signed note's rows)."""
    sealed = " AND content_hash IS NOT NULL" if sealed_only else ""
    return (
        f"EXISTS (SELECT 1 FROM procedure_sessions WHERE id = {session_id} "
        f"AND status <> 'draft'{sealed})"
    )


def _sqlite_triggers() -> list[str]:
    when = {
        "insert": ("BEFORE INSERT", _signed("NEW.session_id", sealed_only=True)),
        "update": (
            "BEFORE UPDATE",
            f"{_signed('OLD.session_id')} OR {_signed('NEW.session_id')}",
        ),
        "delete": ("BEFORE DELETE", _signed("OLD.session_id")),
    }
    return [
        f"CREATE TRIGGER tpi_desk_signed_{TABLE}_{operation} {timing} ON {TABLE} FOR EACH ROW "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{LOCKED}: {CHANGED}'); END"
        for operation, (timing, condition) in when.items()
    ]


def _postgresql_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER tpi_desk_signed_{TABLE} BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION tpi_desk_guard_session_child()",
        f"CREATE TRIGGER tpi_desk_{TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tpi_desk_refuse_change()",
    ]


def upgrade() -> None:
    allowed = ", ".join(f"'{media_type}'" for media_type in MEDIA_TYPES)
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("dicom_patient_name", sa.Text(), nullable=False),
        sa.Column("dicom_patient_id", sa.Text(), nullable=False),
        sa.CheckConstraint(f"media_type IN ({allowed})", name=op.f(f"ck_{TABLE}_media_type")),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f(f"ck_{TABLE}_pixel_size")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["procedure_sessions.id"],
            name=op.f(f"fk_{TABLE}_session_id_procedure_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_session_id"), TABLE, ["session_id"])
    for statement in _sqlite_triggers() if _is_sqlite() else _postgresql_triggers():
        op.execute(statement)


def downgrade() -> None:
    if _is_sqlite():
        for operation in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS tpi_desk_signed_{TABLE}_{operation}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS tpi_desk_signed_{TABLE} ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS tpi_desk_{TABLE}_no_truncate ON {TABLE}")
    op.drop_index(op.f(f"ix_{TABLE}_session_id"), table_name=TABLE)
    op.drop_table(TABLE)
