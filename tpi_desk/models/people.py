"""Users (clinicians, billing staff, admins) and patients."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, String, event, false, text
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from tpi_desk.clinical.insurance import InsuredRelationship
from tpi_desk.clinical.insured_person import SubscriberSex
from tpi_desk.clinical.record import Coverage, Role, Sex
from tpi_desk.clinical.text_folding import fold
from tpi_desk.models.base import (
    Base,
    CreatedAt,
    IntPk,
    Str32,
    Str64,
    Str128,
    TextList,
    UpdatedAt,
    Version,
    str_enum,
)
from tpi_desk.models.column_types import ExactDecimal, UtcDateTime


class User(Base):
    """Someone who logs in: a clinician who documents and signs, or billing/admin staff."""

    __tablename__ = "users"

    id: Mapped[IntPk]
    username: Mapped[Str64] = mapped_column(unique=True)
    display_name: Mapped[Str128]
    credentials: Mapped[Str32] = mapped_column(default="")
    npi: Mapped[str] = mapped_column(String(10), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]
    version: Mapped[Version] = mapped_column()
    # Failed sign-ins since the last success; at the limit the account locks until then.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Certified by the state to practise acupuncture (migration 0004).
    acupuncture_certified: Mapped[bool] = mapped_column(default=False, server_default=false())

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


def patient_search_text(family_name: str, given_name: str, mrn: str) -> str:
    """The folded text that patient search matches against; bulk inserts must fill it."""
    return fold(f"{family_name} {given_name} {mrn}")


class Patient(Base):
    """A patient; ``search_text`` is kept in step by the ORM (see ``patient_search_text``)."""

    __tablename__ = "patients"

    id: Mapped[IntPk]
    mrn: Mapped[Str32] = mapped_column(unique=True)
    family_name: Mapped[Str128]
    given_name: Mapped[Str128]
    search_text: Mapped[str] = mapped_column(index=True)
    date_of_birth: Mapped[date]
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "sex"), default=Sex.UNKNOWN)
    weight_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 2))
    allergies: Mapped[TextList]
    # Migration 0004: asked and none (distinct from no allergies recorded), and who pays.
    no_known_drug_allergies: Mapped[bool] = mapped_column(default=False, server_default=false())
    coverage: Mapped[Coverage] = mapped_column(
        str_enum(Coverage, "coverage"), default=Coverage.UNKNOWN, server_default="unknown"
    )
    # Migration 0008: the insurance claims go to; all empty (relationship NULL) when none.
    insurance_payer_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    insurance_payer_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    insurance_member_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    insurance_group_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    insurance_relationship: Mapped[InsuredRelationship | None] = mapped_column(
        str_enum(InsuredRelationship, "insurance_relationship")
    )
    # Migration 0011: for a patient insured through someone else, the insured person (sex
    # NULL: none on file) and the patient's address (street empty: none on file).
    insurance_subscriber_family_name: Mapped[str] = mapped_column(
        String(60), default="", server_default=""
    )
    insurance_subscriber_given_name: Mapped[str] = mapped_column(
        String(35), default="", server_default=""
    )
    insurance_subscriber_birth_date: Mapped[date | None]
    insurance_subscriber_sex: Mapped[SubscriberSex | None] = mapped_column(
        str_enum(SubscriberSex, "insurance_subscriber_sex")
    )
    insurance_patient_street: Mapped[str] = mapped_column(String(55), default="", server_default="")
    insurance_patient_city: Mapped[str] = mapped_column(String(30), default="", server_default="")
    insurance_patient_state: Mapped[str] = mapped_column(String(2), default="", server_default="")
    insurance_patient_zip: Mapped[str] = mapped_column(String(10), default="", server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    version: Mapped[Version] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


@event.listens_for(Patient, "before_insert")
@event.listens_for(Patient, "before_update")
def _refresh_search_text(mapper: Mapper[Any], connection: Connection, patient: Patient) -> None:
    """Keep ``search_text`` in step with the name and MRN on every ORM insert or update."""
    patient.search_text = patient_search_text(patient.family_name, patient.given_name, patient.mrn)
