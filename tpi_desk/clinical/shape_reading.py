"""Reading a site or medication from its document object, each field by the type it declares."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from tpi_desk.clinical.document_fields import Fields
from tpi_desk.clinical.record import SiteEntry
from tpi_desk.clinical.session_shape import SHAPES, ShapeField, document_keys

R = TypeVar("R")

# A site's points have always been read before its muscle and side, so a site with several
# problems lists them in that order; kept so that import messages read as they always have.
READ_FIRST: dict[type[object], tuple[str, ...]] = {SiteEntry: ("points",)}


def read_record(
    fields: Fields,
    record: type[R],
    *,
    first: tuple[str, ...] = (),
    absent: frozenset[str] = frozenset(),
) -> R:
    """``record`` built from ``fields``, every field read (and its problems reported) in the
    order the dataclass declares them, except that the fields named in ``first`` come first;
    a field without a value takes its default. Fields named in ``absent`` (at any depth) are
    not part of the format being read (an older version): they keep their defaults."""
    values: dict[str, object] = {}
    shape = [field for field in SHAPES[record] if field.name not in absent]
    ordered = [f for f in shape if f.name in first] + [f for f in shape if f.name not in first]
    for field in ordered:
        value = _read_field(fields, field, absent)
        if value is not None or field.optional:
            values[field.name] = value
    return record(**values)


def record_keys(record: type[object], absent: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The document keys of ``record``'s object, without the fields named in ``absent``."""
    return document_keys(tuple(f for f in SHAPES[record] if f.name not in absent))


def _read_field(fields: Fields, field: ShapeField, absent: frozenset[str]) -> object:
    key, kind = field.key, field.value_type
    if kind is tuple:
        items = field.record_items
        if items is None:
            return fields.texts(key)
        keys = record_keys(items, absent)
        order = READ_FIRST.get(items, ())
        return tuple(
            read_record(child, items, first=order, absent=absent)
            for child in fields.children(key, keys)
        )
    if kind is str:
        return fields.text(key, required=field.required)
    if kind is bool:
        return fields.optional_flag(key) if field.optional else fields.flag(key)
    if kind is int:
        return fields.whole(key)
    if kind is Decimal:
        return fields.required_number(key) if field.required else fields.number(key)
    if kind is date:
        return fields.required_day(key) if field.required else fields.day(key)
    if kind is time:
        return fields.clock_time(key)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        if field.required:
            return fields.required_choice(key, kind)
        return fields.optional_choice(key, kind)
    raise TypeError(f"no document reading for {field.name}: {kind!r}")  # pragma: no cover
