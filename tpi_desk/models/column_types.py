"""Column types shared by every table: aware UTC timestamps, exact decimals, JSON lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, Text, event
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator, TypeEngine


def utc_now() -> datetime:
    """The current instant as an aware UTC datetime (used as a column default callable)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """An instant: refuses naive datetimes, stores UTC, always returns aware UTC datetimes.

    PostgreSQL keeps it in ``timestamptz``; SQLite has no time zones, so the UTC wall time
    is stored as ISO text (which also sorts chronologically) and marked UTC again on read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        in_utc = value.astimezone(UTC)
        return in_utc.replace(tzinfo=None) if dialect.name == "sqlite" else in_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """``NUMERIC(precision, scale)`` that binds and returns ``Decimal`` on every backend.

    Why not a plain ``Numeric`` on SQLite: SQLite stores NUMERIC values as REAL and SQLAlchemy
    warns on every such column. A text-backed decimal would avoid floats but would sort and
    sum wrongly in SQL and differ from the PostgreSQL schema. Our columns hold at most 10
    significant digits, which a double keeps exactly, so on SQLite we read the float back
    through its shortest ``repr`` and quantize to the column's scale: exact values, the same
    DDL on both backends, and no warning to filter. Floats are refused on the way in, and
    values are rounded half away from zero to the scale, as PostgreSQL does.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"expected a Decimal, got {type(value).__name__} {value!r}")
        return Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)

    def as_stored(self, value: object) -> object:
        """``value`` as the database will keep and return it (anything but a Decimal or an
        int is left for ``process_bind_param`` to refuse)."""
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            return value
        return Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            value = repr(value)
        return Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)


class JsonTextList(TypeDecorator[list[str]]):
    """A list of strings kept as a JSON array in a TEXT column (portable, readable in SQL)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        items = list(value)
        if not all(isinstance(item, str) for item in items):
            raise TypeError(f"expected a list of strings, got {items!r}")
        return json.dumps(items, ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str] | None:
        if value is None:
            return None
        items = json.loads(value)
        if not isinstance(items, list):
            raise ValueError(f"expected a JSON array, found {value[:40]!r}")
        return [str(item) for item in items]


class JsonText(TypeDecorator[Any]):
    """Any JSON value kept as text (``None`` is stored as SQL NULL, not ``null``)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)


@event.listens_for(Mapper, "mapper_configured")
def _keep_decimals_as_stored(mapper: Mapper[Any], class_: type) -> None:
    """A Decimal assigned to an ``ExactDecimal`` attribute is quantized at once, so a row
    just written holds what a fresh load would find (1.5 mL reads back as 1.500)."""
    for attribute in mapper.column_attrs:
        for column in attribute.columns:
            if isinstance(column.type, ExactDecimal):
                event.listen(
                    getattr(class_, attribute.key), "set", _quantizer(column.type), retval=True
                )


def _quantizer(column_type: ExactDecimal) -> Callable[..., object]:
    def quantize(_target: object, value: object, _old: object, _initiator: object) -> object:
        return column_type.as_stored(value)

    return quantize
