"""The editor's raw values as JSON for crash recovery, and back (``tpi-desk/editor-form@1``).

Every field of ``RawSession``, ``RawSite`` and ``RawMedication`` is written under its own
name, in declaration order, so a field added to those dataclasses is kept without a change
here. An attached ultrasound image is kept as its file name and its bytes (base64) and read
again on restore, like a file attached anew. Reading is forgiving: a missing or damaged value
gives the field's default (a damaged image is left out).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import ImageProblem, UltrasoundImage
from tpi_desk.ui.session_editor.form_values import RawSession

PAYLOAD_FORMAT = "tpi-desk/editor-form@1"

_R = TypeVar("_R")


def raw_to_payload(raw: RawSession) -> dict[str, object]:
    """The raw form as JSON values (texts, booleans, lists, one integer)."""
    return {"format": PAYLOAD_FORMAT, **_payload(raw)}


def raw_from_payload(data: Mapping[str, object]) -> RawSession:
    """The raw form from ``raw_to_payload`` output; unknown or damaged values fall back."""
    return _from_payload(RawSession, data)


def _payload(raw: Any) -> dict[str, object]:
    values: dict[str, object] = {}
    for field in dataclasses.fields(raw):
        value = getattr(raw, field.name)
        if isinstance(value, tuple):
            value = [_item_payload(item) for item in value]
        values[field.name] = value
    return values


def _item_payload(item: object) -> object:
    if isinstance(item, UltrasoundImage):
        content = base64.b64encode(item.content).decode("ascii")
        return {"file_name": item.file_name, "content_base64": content}
    return _payload(item) if dataclasses.is_dataclass(item) else item


def _image_from_payload(data: object) -> UltrasoundImage | None:
    """The image kept in a recovery copy, read again; None when it is damaged."""
    if not isinstance(data, Mapping):
        return None
    name, encoded = data.get("file_name"), data.get("content_base64")
    if not isinstance(name, str) or not isinstance(encoded, str):
        return None
    try:
        return read_ultrasound_image(name, base64.b64decode(encoded, validate=True))
    except (ImageProblem, binascii.Error):
        return None


def _field_types(raw_type: type[Any]) -> tuple[tuple[str, Any, object], ...]:
    """(name, type, default) of each field of ``raw_type``."""
    hints = typing.get_type_hints(raw_type)
    found = []
    for field in dataclasses.fields(raw_type):
        found.append((field.name, hints[field.name], field.default))
    return tuple(found)


def _from_payload(raw_type: type[_R], data: object) -> _R:
    read: Mapping[str, object] = data if isinstance(data, Mapping) else {}
    values: dict[str, Any] = {}
    for name, kind, default in _field_types(raw_type):
        value = read.get(name)
        if typing.get_origin(kind) is tuple:
            item: Any = typing.get_args(kind)[0]
            items = value if isinstance(value, list) else []
            if item is UltrasoundImage:
                images = (_image_from_payload(entry) for entry in items)
                values[name] = tuple(image for image in images if image is not None)
            elif isinstance(item, type) and dataclasses.is_dataclass(item):
                values[name] = tuple(
                    _from_payload(item, entry) for entry in items if isinstance(entry, Mapping)
                )
            else:
                values[name] = tuple(entry for entry in items if isinstance(entry, str))
        elif kind is bool:
            values[name] = value is True
        elif kind is str:
            values[name] = value if isinstance(value, str) else default
        elif isinstance(value, int) and not isinstance(value, bool):  # int | None
            values[name] = value
        else:
            values[name] = None
    return raw_type(**values)
