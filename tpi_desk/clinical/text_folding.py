"""Accent- and case-insensitive folding of names, for search as you type."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter plus a mark.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
    }
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents: ``fold("Zoë Ñúñez") == "zoe nunez"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
