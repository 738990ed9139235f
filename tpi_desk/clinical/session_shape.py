"""The fields of a session, its sites and their medications, read once from ``record.py``.

``record.py`` stays the single definition: each field's attribute name, type and default
come from its dataclass, and ``described(...)`` metadata adds the session-document key, the
label in plain words and whether site templates keep it. Everything that merely copies the
fields (document reading and writing, template storage, the ORM mapping, the editor's
crash-recovery payload) derives from the tuples below, and tests check the rest against them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from tpi_desk.clinical.record import Indication, MedicationEntry, SessionEntry, SiteEntry

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ShapeField:
    """One field of a record: where it lives, how it is written and how it reads to people."""

    name: str  # the dataclass attribute (and the ORM column, where one holds it)
    key: str  # the session-document key; dotted inside a nested object ("ultrasound.device")
    label: str  # plain words for messages ("volume (mL)")
    value_type: Any  # the attribute's type with ``None`` taken out ("Decimal | None" -> Decimal)
    optional: bool  # the type admits None
    required: bool  # the dataclass gives no default
    default: object  # the dataclass default (None when required)
    in_template: bool  # personal site templates keep it
    item_type: Any = None  # for a tuple: the type of its items

    @property
    def document_key(self) -> str:
        """The key inside the object that holds the field (the last part of ``key``)."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def record_items(self) -> type[Any] | None:
        """The record type of the items when the field is a tuple of records (sites)."""
        item = self.item_type
        return item if isinstance(item, type) and dataclasses.is_dataclass(item) else None


def shape_of(record: type[Any]) -> tuple[ShapeField, ...]:
    """The fields of ``record`` (a dataclass of ``record.py``) in their declared order."""
    hints = typing.get_type_hints(record)
    found = []
    for field in dataclasses.fields(record):
        value_type, optional = _without_none(hints[field.name])
        item_type = None
        if typing.get_origin(value_type) is tuple:
            item_type = typing.get_args(value_type)[0]
            value_type = tuple
        key = str(field.metadata.get("key") or field.name)
        found.append(
            ShapeField(
                name=field.name,
                key=key,
                label=str(field.metadata.get("label") or key.rsplit(".", 1)[-1].replace("_", " ")),
                value_type=value_type,
                optional=optional,
                required=field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING,
                default=_default(field),
                in_template=bool(field.metadata.get("in_template", True)),
                item_type=item_type,
            )
        )
    return tuple(found)


def _default(field: dataclasses.Field[Any]) -> object:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None if field.default is dataclasses.MISSING else field.default


def _without_none(annotation: Any) -> tuple[Any, bool]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [member for member in typing.get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, False


SESSION_FIELDS = shape_of(SessionEntry)
INDICATION_FIELDS = shape_of(Indication)
SITE_FIELDS = shape_of(SiteEntry)
MEDICATION_FIELDS = shape_of(MedicationEntry)
SHAPES: Mapping[type[Any], tuple[ShapeField, ...]] = {
    SessionEntry: SESSION_FIELDS,
    Indication: INDICATION_FIELDS,
    SiteEntry: SITE_FIELDS,
    MedicationEntry: MEDICATION_FIELDS,
}


def document_keys(fields: tuple[ShapeField, ...]) -> tuple[str, ...]:
    """The keys of the document object written for a record with ``fields``, in order."""
    return tuple(dict.fromkeys(field.key.split(".", 1)[0] for field in fields))


def field_labels() -> dict[str, str]:
    """Document key (last part) -> label, over every field of every shape."""
    labels: dict[str, str] = {}
    for fields in SHAPES.values():
        for field in fields:
            known = labels.setdefault(field.document_key, field.label)
            if known != field.label:  # pragma: no cover - a definition mistake in record.py
                raise ValueError(
                    f"{field.document_key!r} has two labels: {known!r}, {field.label!r}"
                )
    return labels


def plain_value(field: ShapeField, value: object, *, template: bool = False) -> object:
    """``value`` of ``field`` as the session document holds it (Decimals stay Decimal)."""
    if value is None:
        return None
    if field.value_type is tuple:
        items = typing.cast(tuple[object, ...], value)
        if field.record_items is not None:
            return [plain_record(item, template=template) for item in items]
        return list(items)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, time):  # a time of day: "14:05"
        return value.isoformat(timespec="minutes")
    return value


def plain_record(record: object, *, template: bool = False) -> dict[str, object]:
    """A site or medication as its document object: every key, in order (``template``: only
    the fields a site template keeps)."""
    return {
        field.key: plain_value(field, getattr(record, field.name), template=template)
        for field in SHAPES[type(record)]
        if field.in_template or not template
    }


def record_from_plain(record: type[R], data: Mapping[str, Any]) -> R:
    """The record written by ``plain_record`` (trusted: our own storage); absent keys take
    the dataclass default, so records stored before a field existed still read."""
    values: dict[str, object] = {}
    for field in SHAPES[record]:
        if field.key not in data:
            continue
        values[field.name] = _value_from_plain(field, data[field.key])
    return record(**values)


def _value_from_plain(field: ShapeField, raw: Any) -> object:
    if raw is None:
        return None
    kind = field.value_type
    if kind is tuple:
        items = field.record_items
        if items is not None:
            return tuple(record_from_plain(items, item) for item in raw)
        return tuple(raw)
    if isinstance(kind, type):
        if issubclass(kind, Enum):
            return kind(raw)
        if kind is Decimal:
            return Decimal(raw)
        if kind is datetime:
            return datetime.fromisoformat(raw)
        if kind is date:
            return date.fromisoformat(raw)
        if kind is time:
            return time.fromisoformat(raw)
    return raw
