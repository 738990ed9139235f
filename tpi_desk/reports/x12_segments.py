"""X12 segments as text: separators, the fixed-width ISA, and values made safe to carry.

Every value goes through ``x12_text``: it is folded to the X12 basic and extended character
set (accents dropped, ``Ñúñez`` -> ``Nunez``), and no separator of the interchange can
appear inside a value, so a name typed with ``*`` or ``~`` cannot break the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~"
# What a value may hold: letters, digits, space and the punctuation claims use.
_UNSAFE = re.compile(r"[^A-Za-z0-9 .,&'()/#@!?%+=\-]")
_SPACES = re.compile(r" {2,}")
# Letters Unicode does not decompose into an ASCII letter and a mark.
_LETTERS = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE",
     "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"}
)  # fmt: skip


def x12_text(value: str, limit: int | None = None) -> str:
    """``value`` folded to plain ASCII without separators, single-spaced, cut to ``limit``."""
    letters = unicodedata.normalize("NFKD", value.translate(_LETTERS))
    folded = letters.encode("ascii", "ignore").decode("ascii")
    safe = _SPACES.sub(" ", _UNSAFE.sub(" ", folded)).strip()
    return safe[:limit].rstrip() if limit is not None else safe


def amount(value: Decimal) -> str:
    """A monetary amount as X12 writes it: ``0``, ``125``, ``72.5``."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantity(value: Decimal) -> str:
    """A quantity without trailing zeros (``2.500`` -> ``2.5``), at most 3 decimals."""
    text = f"{value.quantize(Decimal('0.001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def composite(*parts: str) -> str:
    """A composite element; empty trailing parts are left out."""
    kept = list(parts)
    while kept and not kept[-1]:
        kept.pop()
    return COMPONENT.join(kept)


class SegmentWriter:
    """Collects segments; counts those of the current transaction set (for SE01)."""

    def __init__(self) -> None:
        self.segments: list[str] = []
        self._transaction_start: int | None = None

    def add(self, segment_id: str, *elements: str) -> None:
        """One segment; empty trailing elements are left out, as X12 asks."""
        kept = list(elements)
        while kept and not kept[-1]:
            kept.pop()
        self.segments.append(ELEMENT.join((segment_id, *kept)) + TERMINATOR)

    def start_transaction(self) -> None:
        self._transaction_start = len(self.segments)

    def transaction_count(self) -> int:
        """Segments from ST to the SE about to be written, both included."""
        if self._transaction_start is None:
            raise RuntimeError("no transaction set started")
        return len(self.segments) - self._transaction_start + 1

    def text(self) -> str:
        """The interchange, one segment per line (readers ignore the line breaks)."""
        return "\n".join(self.segments) + "\n"


def isa_segment(
    sender_id: str, receiver_id: str, stamp: Sequence[str], control: int, *, test: bool
) -> str:
    """The fixed-width interchange header (every element padded to its exact size).

    ``stamp`` is (YYMMDD, HHMM); ``test`` marks a test interchange (ISA15 ``T``).
    """
    elements = (
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender_id[:15].ljust(15), "ZZ",
        receiver_id[:15].ljust(15), stamp[0], stamp[1], REPETITION, "00501",
        f"{control:09d}", "0", "T" if test else "P", COMPONENT,
    )  # fmt: skip
    return ELEMENT.join(elements) + TERMINATOR
