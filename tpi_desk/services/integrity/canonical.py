"""The canonical JSON that signatures and audit entries hash (defined in docs/security.md).

One value has exactly one text: object keys sorted, no whitespace, every character outside
printable ASCII escaped as ``\\uXXXX`` (lower-case hex), decimals normalised so that 10,
10.0 and 1E+1 are all written ``10``, instants in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``,
dates as ``YYYY-MM-DD``, enums as their values. Floats are refused: they are not exact.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring_ascii
from typing import cast

GENESIS_HASH = "0" * 64
_INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_quoted = encode_basestring_ascii  # json.dumps(text, ensure_ascii=True), without its checks


def canonical_json(value: object) -> str:
    """``value`` (dicts with str keys, lists, tuples, str, int, bool, None, Decimal, date,
    datetime, Enum) as canonical JSON text."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def canonical_decimal(value: Decimal | int) -> str:
    """The shortest plain-notation text of a number: no exponent, no trailing zeros."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if number.is_zero():
        return "0"
    text = format(number, "f")  # exact, whatever the decimal context's precision
    return text.rstrip("0").rstrip(".") if "." in text else text


def canonical_instant(value: datetime) -> str:
    """An aware datetime in UTC with microseconds, e.g. ``2026-11-20T16:00:00.000000Z``."""
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no canonical form")
    in_utc = value.astimezone(UTC)
    if in_utc.year >= 1000:  # isoformat writes the same text, several times faster
        return in_utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return in_utc.strftime(_INSTANT_FORMAT)


def sha256_hex(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes (canonical JSON is ASCII), as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(content: bytes) -> str:
    """Hex SHA-256 of ``content`` as it is (an image's bytes)."""
    return hashlib.sha256(content).hexdigest()


def link_hash(previous_hash: str, content_hash: str) -> str:
    """The chain hash of a link: SHA-256 of the previous chain hash followed by this hash."""
    return sha256_hex(previous_hash + content_hash)


def _write(value: object, parts: list[str]) -> None:
    """Append ``value``'s canonical text to ``parts`` (verify serialises a million notes:
    exact types are told apart first, subclasses such as enums take the general path)."""
    kind = type(value)
    if kind is str:
        parts.append(_quoted(cast(str, value)))
    elif kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
        _write_object(cast(dict[object, object], value), parts)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        parts.append(_scalar(value))


def _write_object(members: dict[object, object], parts: list[str]) -> None:
    parts.append("{")
    for index, key in enumerate(sorted(members)):  # type: ignore[type-var]  # str keys
        if not isinstance(key, str):
            raise TypeError(f"canonical JSON keys must be strings, not {key!r}")
        if index:
            parts.append(",")
        parts.append(_quoted(str.__str__(key)))
        parts.append(":")
        _write(members[key], parts)
    parts.append("}")


def _scalar(value: object) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Enum):
        return _scalar(value.value)
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, int | Decimal):
        return canonical_decimal(value)
    if isinstance(value, datetime):
        return json.dumps(canonical_instant(value))
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, time):  # a time of day on the session's clock (signed-note@3)
        return json.dumps(value.isoformat(timespec="minutes"))
    raise TypeError(f"{type(value).__name__} {value!r} has no canonical JSON form")
