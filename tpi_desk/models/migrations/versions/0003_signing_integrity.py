"""Sign-in lockout, the signature and audit hash chains, co-signatures, entered-in-error
marks, and the triggers that keep signed records and the audit log unchangeable.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Written with plain SQLAlchemy types, like 0001. The triggers (SQLite and PostgreSQL) are
not part of the models' metadata; their names are listed in ``tpi_desk.services.
verification`` so that ``tpi-desk verify`` can report a missing or disabled one.

Keep in mind for later revisions: the SQLite trigger on ``procedure_sessions`` compares the
columns listed in ``SESSION_COLUMNS`` one by one, so a revision that adds a column there
must recreate it; and a SQLite batch migration that rebuilds a protected table drops that
table's triggers, which the same revision must then create again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64
CHAINS = ("signatures", "audit")
LOCKED = "tpi-desk locked record"
RECORD_TYPES = ("session", "addendum", "cosignature", "entered_in_error")

# Every column of procedure_sessions at this revision except the three an entered-in-error
# mark may change (status, version, updated_at).
SESSION_COLUMNS = (
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes", "kind",
    "position", "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "consent_obtained", "time_out_performed", "pain_before", "pain_after",
    "conservative_care_tried", "ongoing_care", "notes", "instructions", "follow_up",
    "signed_at", "signed_by_id", "content_hash", "created_at",
)  # fmt: skip
SESSION_CHILDREN = ("session_diagnoses", "injection_sites", "session_findings")
APPEND_ONLY = ("audit_events", "signatures", "cosign_requests", "cosignatures")
APPEND_ONLY_ALL = (*APPEND_ONLY, "entered_in_error_marks")
TRUNCATE_GUARDED = (
    *APPEND_ONLY_ALL,
    "procedure_sessions",
    *SESSION_CHILDREN,
    "medication_lines",
    "addenda",
    "chain_heads",
)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _hash(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=64), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    )


def upgrade() -> None:
    _add_columns()
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        for statement in _postgresql_triggers():
            op.execute(statement)
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def _add_columns() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        users.add_column(_timestamp("locked_until", nullable=True))
    with op.batch_alter_table("audit_events") as audit:
        audit.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
        audit.add_column(
            sa.Column("actor_name", sa.String(length=64), server_default="", nullable=False)
        )
        audit.add_column(sa.Column("patient_id", sa.Integer(), nullable=True))
        audit.create_unique_constraint(op.f("uq_audit_events_sequence"), ["sequence"])
        audit.create_foreign_key(
            op.f("fk_audit_events_patient_id_patients"), "patients", ["patient_id"], ["id"]
        )
        audit.create_index(op.f("ix_audit_events_patient_id"), ["patient_id"])


def _create_tables() -> None:
    allowed = ", ".join(f"'{kind}'" for kind in RECORD_TYPES)
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        _timestamp("signed_at"),
        sa.Column("content", sa.Text(), nullable=False),
        _hash("content_hash"),
        _hash("previous_hash"),
        _hash("chain_hash"),
        sa.CheckConstraint(f"record_type IN ({allowed})", name=op.f("ck_signatures_record_type")),
        _fk("signatures", "session_id", "procedure_sessions.id"),
        _fk("signatures", "signer_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint("sequence", name=op.f("uq_signatures_sequence")),
        sa.UniqueConstraint(
            "record_type", "record_id", name=op.f("uq_signatures_record_type_record_id")
        ),
    )
    op.create_index(op.f("ix_signatures_session_id"), "signatures", ["session_id"])
    op.create_table(
        "cosign_requests",
        sa.Column("session_id", sa.Integer(), nullable=False),
        _timestamp("requested_at"),
        _fk("cosign_requests", "session_id", "procedure_sessions.id"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_cosign_requests")),
    )
    op.create_table(
        "cosignatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("cosigner_id", sa.Integer(), nullable=False),
        _timestamp("cosigned_at"),
        _fk("cosignatures", "session_id", "procedure_sessions.id"),
        _fk("cosignatures", "cosigner_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cosignatures")),
        sa.UniqueConstraint("session_id", name=op.f("uq_cosignatures_session_id")),
    )
    op.create_table(
        "entered_in_error_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=False),
        _timestamp("marked_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("entered_in_error_marks", "session_id", "procedure_sessions.id"),
        _fk("entered_in_error_marks", "marked_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entered_in_error_marks")),
        sa.UniqueConstraint("session_id", name=op.f("uq_entered_in_error_marks_session_id")),
    )
    heads = op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_heads")),
    )
    op.bulk_insert(heads, [{"name": name, "sequence": 0, "hash": GENESIS_HASH} for name in CHAINS])


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_trigger(name: str, timing: str, table: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{LOCKED}: {message}'); END"
    )


def _sqlite_signed(session_id: str, *, sealed_only: bool = False) -> str:
    """SQL true when ``session_id`` names a session that is no longer a draft.

    ``sealed_only`` adds "and carries its signature hash": new children may still go into a
    session that was bulk-loaded as signed (demo data inserts the note, then its sites),
    but never into one the app signed.
    """
    sealed = " AND content_hash IS NOT NULL" if sealed_only else ""
    return (
        f"EXISTS (SELECT 1 FROM procedure_sessions WHERE id = {session_id} "
        f"AND status <> 'draft'{sealed})"
    )


def _sqlite_site_signed(site_id: str, *, sealed_only: bool = False) -> str:
    sealed = " AND p.content_hash IS NOT NULL" if sealed_only else ""
    return (
        "EXISTS (SELECT 1 FROM injection_sites s JOIN procedure_sessions p "
        f"ON p.id = s.session_id WHERE s.id = {site_id} AND p.status <> 'draft'{sealed})"
    )


def _sqlite_triggers() -> list[str]:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in SESSION_COLUMNS)
    error_mark = (
        "OLD.status = 'signed' AND NEW.status = 'entered_in_error' "
        "AND NEW.version = OLD.version + 1 "
        "AND EXISTS (SELECT 1 FROM entered_in_error_marks WHERE session_id = OLD.id) "
        f"AND {unchanged}"
    )
    statements = [
        _sqlite_trigger(
            "tpi_desk_signed_session_update",
            "BEFORE UPDATE",
            "procedure_sessions",
            f"OLD.status <> 'draft' AND NOT ({error_mark})",
            "a signed note cannot change; add an addendum instead",
        ),
        _sqlite_trigger(
            "tpi_desk_signed_session_delete",
            "BEFORE DELETE",
            "procedure_sessions",
            "OLD.status <> 'draft'",
            "a signed note cannot be deleted; mark it entered in error instead",
        ),
    ]
    for table in SESSION_CHILDREN:
        statements += [
            _sqlite_trigger(
                f"tpi_desk_signed_{table}_insert",
                "BEFORE INSERT",
                table,
                _sqlite_signed("NEW.session_id", sealed_only=True),
                "the contents of a signed note cannot change",
            ),
            _sqlite_trigger(
                f"tpi_desk_signed_{table}_update",
                "BEFORE UPDATE",
                table,
                f"{_sqlite_signed('OLD.session_id')} OR {_sqlite_signed('NEW.session_id')}",
                "the contents of a signed note cannot change",
            ),
            _sqlite_trigger(
                f"tpi_desk_signed_{table}_delete",
                "BEFORE DELETE",
                table,
                _sqlite_signed("OLD.session_id"),
                "the contents of a signed note cannot change",
            ),
        ]
    statements += [
        _sqlite_trigger(
            "tpi_desk_signed_medication_lines_insert",
            "BEFORE INSERT",
            "medication_lines",
            _sqlite_site_signed("NEW.site_id", sealed_only=True),
            "the contents of a signed note cannot change",
        ),
        _sqlite_trigger(
            "tpi_desk_signed_medication_lines_update",
            "BEFORE UPDATE",
            "medication_lines",
            f"{_sqlite_site_signed('OLD.site_id')} OR {_sqlite_site_signed('NEW.site_id')}",
            "the contents of a signed note cannot change",
        ),
        _sqlite_trigger(
            "tpi_desk_signed_medication_lines_delete",
            "BEFORE DELETE",
            "medication_lines",
            _sqlite_site_signed("OLD.site_id"),
            "the contents of a signed note cannot change",
        ),
        _sqlite_trigger(
            "tpi_desk_signed_addenda_update",
            "BEFORE UPDATE",
            "addenda",
            "OLD.signed_at IS NOT NULL",
            "a signed addendum cannot change",
        ),
        _sqlite_trigger(
            "tpi_desk_signed_addenda_delete",
            "BEFORE DELETE",
            "addenda",
            "OLD.signed_at IS NOT NULL",
            "a signed addendum cannot be deleted",
        ),
        _sqlite_trigger(
            "tpi_desk_chain_heads_update",
            "BEFORE UPDATE",
            "chain_heads",
            "NOT (NEW.name IS OLD.name AND NEW.sequence = OLD.sequence + 1)",
            "a chain head only moves forward one link at a time",
        ),
        _sqlite_trigger(
            "tpi_desk_chain_heads_delete",
            "BEFORE DELETE",
            "chain_heads",
            "1",
            "a chain head cannot be deleted",
        ),
    ]
    for table in APPEND_ONLY_ALL:
        for operation in ("UPDATE", "DELETE"):
            statements.append(
                _sqlite_trigger(
                    f"tpi_desk_{table}_{operation.lower()}",
                    f"BEFORE {operation}",
                    table,
                    "1",
                    f"{table} is append-only",
                )
            )
    return statements


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        f"BEGIN\n{body}\nEND\n$body$"
    )


def _pg_raise(message: str, *arguments: str) -> str:
    extra = "".join(f", {argument}" for argument in arguments)
    return f"RAISE EXCEPTION '{LOCKED}: {message}'{extra} USING ERRCODE = 'P0001';"


PG_FUNCTIONS: dict[str, str] = {
    # Whole-row comparison: every column but status, version and updated_at must stay equal,
    # including columns later revisions add.
    "tpi_desk_guard_signed_session": f"""
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      {_pg_raise("signed note #% cannot be deleted; mark it entered in error instead", "OLD.id")}
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'signed' AND NEW.status = 'entered_in_error'
     AND NEW.version = OLD.version + 1
     AND EXISTS (SELECT 1 FROM entered_in_error_marks WHERE session_id = OLD.id)
     AND (to_jsonb(NEW) - 'status' - 'version' - 'updated_at')
       = (to_jsonb(OLD) - 'status' - 'version' - 'updated_at') THEN
    RETURN NEW;
  END IF;
  {_pg_raise("signed note #% cannot change; add an addendum instead", "OLD.id")}""",
    "tpi_desk_guard_session_child": f"""
  IF TG_OP <> 'INSERT' AND EXISTS (
      SELECT 1 FROM procedure_sessions WHERE id = OLD.session_id AND status <> 'draft') THEN
    {_pg_raise("% of signed note #% cannot change", "TG_TABLE_NAME", "OLD.session_id")}
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (
      SELECT 1 FROM procedure_sessions WHERE id = NEW.session_id AND status <> 'draft'
      AND (TG_OP = 'UPDATE' OR content_hash IS NOT NULL)) THEN
    {_pg_raise("% of signed note #% cannot change", "TG_TABLE_NAME", "NEW.session_id")}
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;""",
    "tpi_desk_guard_medication_line": f"""
  IF TG_OP <> 'INSERT' AND EXISTS (
      SELECT 1 FROM injection_sites s JOIN procedure_sessions p ON p.id = s.session_id
      WHERE s.id = OLD.site_id AND p.status <> 'draft') THEN
    {_pg_raise("medication lines of a signed note cannot change")}
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (
      SELECT 1 FROM injection_sites s JOIN procedure_sessions p ON p.id = s.session_id
      WHERE s.id = NEW.site_id AND p.status <> 'draft'
      AND (TG_OP = 'UPDATE' OR p.content_hash IS NOT NULL)) THEN
    {_pg_raise("medication lines of a signed note cannot change")}
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;""",
    "tpi_desk_guard_signed_addendum": f"""
  IF OLD.signed_at IS NOT NULL THEN
    {_pg_raise("signed addendum #% cannot change", "OLD.id")}
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;""",
    "tpi_desk_guard_chain_head": f"""
  IF TG_OP = 'UPDATE' AND NEW.name = OLD.name AND NEW.sequence = OLD.sequence + 1 THEN
    RETURN NEW;
  END IF;
  {_pg_raise("the head of chain % only moves forward one link at a time", "OLD.name")}""",
    "tpi_desk_refuse_change": f"""
  {_pg_raise("% is append-only", "TG_TABLE_NAME")}""",
}

# (trigger name, table, timing and events, function)
PG_ROW_TRIGGERS: list[tuple[str, str, str, str]] = [
    (
        "tpi_desk_signed_session",
        "procedure_sessions",
        "BEFORE UPDATE OR DELETE",
        "tpi_desk_guard_signed_session",
    ),
    *(
        (f"tpi_desk_signed_{table}", table, "BEFORE INSERT OR UPDATE OR DELETE",
         "tpi_desk_guard_session_child")
        for table in SESSION_CHILDREN
    ),
    (
        "tpi_desk_signed_medication_lines",
        "medication_lines",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "tpi_desk_guard_medication_line",
    ),
    ("tpi_desk_signed_addenda", "addenda", "BEFORE UPDATE OR DELETE",
     "tpi_desk_guard_signed_addendum"),
    ("tpi_desk_chain_heads", "chain_heads", "BEFORE UPDATE OR DELETE",
     "tpi_desk_guard_chain_head"),
    *(
        (f"tpi_desk_{table}_append_only", table, "BEFORE UPDATE OR DELETE",
         "tpi_desk_refuse_change")
        for table in APPEND_ONLY_ALL
    ),
]  # fmt: skip


def _postgresql_triggers() -> list[str]:
    statements = [_pg_function(name, body) for name, body in PG_FUNCTIONS.items()]
    statements += [
        f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        for name, table, timing, function in PG_ROW_TRIGGERS
    ]
    # TRUNCATE skips row triggers; refuse it on every protected table.
    statements += [
        f"CREATE TRIGGER tpi_desk_{table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION tpi_desk_refuse_change()"
        for table in TRUNCATE_GUARDED
    ]
    return statements


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, table, _timing, _function in PG_ROW_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for table in TRUNCATE_GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS tpi_desk_{table}_no_truncate ON {table}")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        names = bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tpi_desk_%'"
        ).scalars()
        for name in list(names):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("chain_heads", "entered_in_error_marks", "cosignatures", "cosign_requests"):
        op.drop_table(table)
    op.drop_index(op.f("ix_signatures_session_id"), table_name="signatures")
    op.drop_table("signatures")
    with op.batch_alter_table("audit_events") as audit:
        audit.drop_index(op.f("ix_audit_events_patient_id"))
        audit.drop_constraint(op.f("fk_audit_events_patient_id_patients"), type_="foreignkey")
        audit.drop_constraint(op.f("uq_audit_events_sequence"), type_="unique")
        audit.drop_column("patient_id")
        audit.drop_column("actor_name")
        audit.drop_column("sequence")
    with op.batch_alter_table("users") as users:
        users.drop_column("locked_until")
        users.drop_column("failed_logins")
