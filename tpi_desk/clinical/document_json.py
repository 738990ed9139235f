"""The session document's JSON layout: two-space indent, lists of plain values on one line,
decimals exactly as written."""

from __future__ import annotations

import json
from decimal import Decimal

from tpi_desk.clinical.decimal_text import decimal_text


def json_text(value: object, indent: str = "") -> str:
    """JSON for the canonical dict: two-space indent, lists of plain values on one line."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = (
            f"{inner}{json_text(key, inner)}: {json_text(item, inner)}"
            for key, item in value.items()
        )
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if not any(isinstance(item, dict | list) for item in value):
            return "[" + ", ".join(json_text(item, inner) for item in value) + "]"
        items = (inner + json_text(item, inner) for item in value)
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    if isinstance(value, Decimal):
        return decimal_text(value, as_written=True)
    return json.dumps(value, ensure_ascii=False)
