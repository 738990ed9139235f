"""Personal site templates: a clinician's named set of sites to apply to a new session."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.models.base import Base, CreatedAt, IntPk, UpdatedAt, Version, str_enum
from tpi_desk.models.people import User

TEMPLATE_NAME_LENGTH = 80


class PersonalTemplate(Base):
    """One named template of one user; ``payload`` is the sites as JSON (never lots or expiry)."""

    __tablename__ = "site_templates"

    id: Mapped[IntPk]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_LENGTH))
    kind: Mapped[ProcedureKind] = mapped_column(str_enum(ProcedureKind, "kind"))
    payload: Mapped[str]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    version: Mapped[Version] = mapped_column()

    owner: Mapped[User] = relationship()

    # The unique (owner_id, name) index also serves "this user's templates" lookups.
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
