"""Characters that must not reach a record or a terminal: lone surrogates, control
characters and the invisible format characters (bidi overrides) that disguise a name."""

from __future__ import annotations

import unicodedata

# Control (Cc), format (Cf: bidi overrides, zero-width marks) and surrogate (Cs) characters.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# Line breaks and tabs are ordinary in free text.
_LAYOUT = frozenset("\t\n\r")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point, which no encoding can store."""
    return any("\ud800" <= char <= "\udfff" for char in text)


def first_hidden_character(text: str) -> str | None:
    """The first control, format or surrogate character of a one-line name, else None."""
    for char in text:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return char
    return None


def code_point(char: str) -> str:
    """A character as its code point, e.g. "U+202E"."""
    return f"U+{ord(char):04X}"


def printable(text: str) -> str:
    """``text`` with every hidden character written as an escape, safe for a terminal or CSV."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char in _LAYOUT or unicodedata.category(char) not in _HIDDEN_CATEGORIES
        else f"\\u{ord(char):04x}"
        for char in text
    )
