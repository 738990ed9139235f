"""Declarative base with a naming convention, and the reusable annotated column types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from sqlalchemy import Enum, Integer, MetaData, String, Text, text
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import DeclarativeBase, mapped_column

from tpi_desk.models.column_types import ExactDecimal, JsonTextList, UtcDateTime, utc_now

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table of TPI Desk; constraint names are stable so migrations can name them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), str: Text()}


def str_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A VARCHAR column holding the enum's values, with a named CHECK constraint."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
Str10 = Annotated[str, mapped_column(String(10))]
Str32 = Annotated[str, mapped_column(String(32))]
Str40 = Annotated[str, mapped_column(String(40))]
Str64 = Annotated[str, mapped_column(String(64))]
Str128 = Annotated[str, mapped_column(String(128))]
Hash64 = Annotated[str | None, mapped_column(String(64))]
CreatedAt = Annotated[datetime, mapped_column(UtcDateTime(), default=utc_now)]
UpdatedAt = Annotated[datetime, mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)]
Version = Annotated[int, mapped_column(Integer, server_default=text("1"))]
TextList = Annotated[list[str], mapped_column(JsonTextList(), default=list)]
Dose = Annotated[Decimal, mapped_column(ExactDecimal(10, 3))]

# In-place changes (``patient.allergies.append(...)``) are saved too. Associated with the
# type class, because mapped_column copies the type instance out of the Annotated alias.
MutableList.associate_with(JsonTextList)
