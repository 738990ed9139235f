"""The append-only audit log: every view, change, signature, export and login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tpi_desk.models.base import Base, Hash64, IntPk, Str64
from tpi_desk.models.column_types import UtcDateTime, utc_now


class AuditEvent(Base):
    """One audited action; ``prev_hash``/``hash`` chain the rows so tampering shows.

    ``sequence`` numbers the chain without gaps (1, 2, 3, ...); ``actor_name`` is the
    username at the time (or the local operator of a command-line tool), kept even if
    ``user_id`` is empty; ``patient_id`` lets the audit report filter by patient.
    """

    __tablename__ = "audit_events"

    id: Mapped[IntPk]
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[Str64]
    record_type: Mapped[Str64]
    record_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(default="")
    prev_hash: Mapped[Hash64]
    hash: Mapped[Hash64]
    sequence: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    actor_name: Mapped[Str64] = mapped_column(default="", server_default="")
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)


class ChainHead(Base):
    """The newest link of a hash chain (``signatures`` or ``audit``), locked while appending.

    Two workstations appending at once queue on this row (``SELECT ... FOR UPDATE`` on
    PostgreSQL, the write lock on SQLite), so a chain can never fork; and removing the
    newest entries of a chain shows, because the head still names them.
    """

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
