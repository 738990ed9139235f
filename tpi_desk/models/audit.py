"""The append-only audit log: every view, change, signature, export and login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from tpi_desk.models.base import Base, Hash64, IntPk, Str64
from tpi_desk.models.column_types import UtcDateTime, utc_now


class AuditEvent(Base):
    """One audited action; ``prev_hash``/``hash`` chain the rows so tampering shows."""

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
