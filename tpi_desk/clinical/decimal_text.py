"""Exact decimals as text: the one way screens, forms, CSV and the session document write them."""

from __future__ import annotations

from decimal import Decimal

# Beyond this exponent the session document writes scientific notation (1E+40, not 41 digits).
_PLAIN_EXPONENT_LIMIT = 30


def decimal_text(value: Decimal | None, *, as_written: bool = False) -> str:
    """``value`` exactly, in plain notation: "" for None.

    By default trailing zeros go (67.50 -> "67.5", 70.00 -> "70", 1E+2 -> "100"), as screens,
    the editor's fields and the claims CSV show numbers. ``as_written`` keeps the value's own
    digits (1.50 stays "1.50") as a JSON number of the session document: the number it
    stores is written back unchanged, in scientific notation only beyond 1E±30, and a value
    that is not finite is refused (ValueError).
    """
    if value is None:
        return ""
    if as_written:
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as a JSON number")
        if -_PLAIN_EXPONENT_LIMIT <= value.adjusted() <= _PLAIN_EXPONENT_LIMIT:
            return format(value, "f")
        return str(value)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
