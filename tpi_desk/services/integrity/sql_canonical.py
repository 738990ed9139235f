"""Canonical JSON written by SQLite itself, in SQL (verify's fastest path, issue 13).

Verify re-serialises a million notes and two million audit entries; written in Python that
costs several times the Ed25519 checks. Here a text template (``note_text.text_template``,
made by ``canonical_json`` from each format's skeleton) becomes one SQL expression: its
literal pieces as SQL strings, each slot as the canonical text of a column, written by
SQLite in C. Python then only compares the text with the signed content (or hashes it).

The rendering is strict, so that a text SQLite writes equal to the signed one means the
rows are as signed: a value is written only when it is stored exactly as the app stores it
(an integer as an integer, an instant as ``YYYY-MM-DD HH:MM:SS.ffffff``, a list as a JSON
array ...); anything else is written as no signed text can hold it (a control
character, or for a text or integer column a form the signed value never has where it
begins: ``_scalar_sql``), and that row goes to the Python rebuild, which decides. A
difference can therefore only cost time, never raise a false
alarm or hide a change. SQLite leaves characters outside ASCII (and DEL) unescaped:
``ascii_escaped`` escapes them as canonical JSON does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from hashlib import sha256
from json.encoder import encode_basestring_ascii
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Enum, Integer, SmallInteger, String, Time
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from tpi_desk.models.column_types import ExactDecimal, JsonTextList, UtcDateTime

# Whether verify lets SQLite write the texts (tests turn it off to compare with Python's).
SQLITE_WRITES_TEXT = True
_SLOT = re.compile(r"%\((\w+)\)s")
_ARGUMENTS = 100  # slots per printf call (SQLite takes at most 127 arguments)
_DIGITS = {
    "date": "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
    "clock": "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]",
}
# As SQLAlchemy stores them on SQLite: '2026-11-20 16:00:00.000000', '2027-01-31' and
# '16:05:00.000000'.
_INSTANT_PATTERN = f"{_DIGITS['date']} {_DIGITS['clock']}"
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")


def writes_text(db: Session) -> bool:
    """Whether ``db``'s database writes canonical text itself (SQLite; not PostgreSQL yet)."""
    return SQLITE_WRITES_TEXT and db.get_bind().dialect.name == "sqlite"


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# Written instead of a value not stored as the app stores it: a raw control character, which
# canonical JSON never holds (it escapes them), so the text cannot equal a signed one.
NOT_AS_STORED = "\x01"
_POISON = "char(1)"
# Written where the text holds a value copied from the signed content (``same_note_text``).
PERSON = "\x02"
# Written where a signed-note@4 holds its images, filled from the images' bytes in Python.
IMAGES = "\x03"


def _by_storage(column: str, when: str) -> str:
    """``column``'s text by its storage class (``typeof``): 'null' for NULL, ``when``'s
    branches for the classes the app stores, not as stored for any other."""
    return f"(CASE typeof({column}) WHEN 'null' THEN 'null' {when} ELSE {_POISON} END)"


def _scalar_sql(column: str) -> str:
    """A text or integer column's canonical text, written by ``json_quote``: a string quoted
    as JSON (non-ASCII left for ``ascii_escaped``), an integer in digits. A value of another
    class comes out in a form the signed text never holds where this column's value begins
    (a real with a point, exponent or 'Inf'; a number where a string's quote is due; a
    string's quote where digits or null are due), so the text differs and goes to Python; a
    blob (which ``json_quote`` refuses) is not as stored. Every value but a blob sorts below
    any blob: one comparison, cheaper than asking ``typeof`` (verify writes ~100 values a
    link)."""
    return (
        f"(CASE WHEN {column} < x'' THEN json_quote({column}) "
        f"WHEN {column} IS NULL THEN 'null' ELSE {_POISON} END)"
    )


def integer_sql(column: str) -> str:
    """An integer column's canonical text (``_scalar_sql``)."""
    return _scalar_sql(column)


def boolean_sql(column: str) -> str:
    """1 and 0 as true and false (SQLite keeps a boolean as an integer: a text or blob never
    equals 1 or 0), NULL as null, anything else not as stored."""
    return (
        f"(CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' "
        f"ELSE CASE WHEN {column} IS NULL THEN 'null' ELSE {_POISON} END END)"
    )


def text_sql(column: str) -> str:
    """A string (or an enum's value), quoted as JSON (``_scalar_sql``)."""
    return _scalar_sql(column)


def decimal_sql(column: str) -> str:
    """An exact decimal (SQLite keeps it as a double or an integer): 15 significant digits
    name the value the app reads back (at most 10 digits, rounded to the column's scale)
    exactly; an exponent or '-0' never equals a canonical decimal, so goes to Python."""
    return _by_storage(
        column,
        f"WHEN 'integer' THEN CAST({column} AS TEXT) WHEN 'real' THEN printf('%.15g', {column})",
    )


def _text_as(column: str, pattern: str, text: str) -> str:
    """``text`` for a ``column`` stored as text matching the GLOB ``pattern`` (a number's
    text never matches: each pattern holds a '-' or ':' after digits; a blob is refused by
    sorting below none), 'null' for NULL, not as stored otherwise."""
    return (
        f"(CASE WHEN {column} GLOB '{pattern}' AND {column} < x'' THEN {text} "
        f"WHEN {column} IS NULL THEN 'null' ELSE {_POISON} END)"
    )


def instant_sql(column: str) -> str:
    return _text_as(
        column,
        _INSTANT_PATTERN,
        f"'\"' || substr({column}, 1, 10) || 'T' || substr({column}, 12) || 'Z\"'",
    )


def date_sql(column: str) -> str:
    return _text_as(column, _DIGITS["date"], f"'\"' || {column} || '\"'")


def time_sql(column: str) -> str:
    """A time of day, written to the minute as the signed-note@3 holds it."""
    return _text_as(column, _DIGITS["clock"], f"'\"' || substr({column}, 1, 5) || '\"'")


def text_list_sql(column: str) -> str:
    """A JSON array kept as text, minified by SQLite (strings keep their escapes as stored:
    written otherwise than canonically, they differ and go to Python)."""
    return _by_storage(
        column,
        f"WHEN 'text' THEN CASE WHEN json_valid({column}) AND json_type({column}) = 'array' "
        f"THEN json({column}) ELSE {_POISON} END",
    )


def items_sql(item: str, source: str) -> str:
    """The texts of ``item`` (an SQL text) over the rows of ``source`` (FROM ... ORDER BY
    ...), in their order, joined by commas ('' for no rows); not as stored if any item is
    NULL (group_concat would drop it)."""
    return (
        f"(SELECT CASE WHEN count(*) = count(item) THEN ifnull(group_concat(item, ','), '') "
        f"ELSE {_POISON} END "
        f"FROM (SELECT {item} AS item {source}))"
    )


def list_sql(item: str, source: str) -> str:
    """``items_sql`` as a JSON array."""
    return f"printf('[%s]', {items_sql(item, source)})"


# Column types the renderer knows, most specific first (a new type must be added here:
# until then ``column_sql`` refuses it, and so does the fast path for its format).
_BY_TYPE: tuple[tuple[type[TypeEngine[Any]], Callable[[str], str]], ...] = (
    (UtcDateTime, instant_sql),
    (ExactDecimal, decimal_sql),
    (JsonTextList, text_list_sql),
    (Boolean, boolean_sql),
    (Enum, text_sql),
    (BigInteger, integer_sql),
    (SmallInteger, integer_sql),
    (Integer, integer_sql),
    (Time, time_sql),
    (Date, date_sql),
    (String, text_sql),  # Text too
)


def column_sql(column_type: TypeEngine[Any], column: str) -> str:
    """The canonical text of ``column`` (an SQL column reference) of ``column_type``."""
    for known, render in _BY_TYPE:
        if isinstance(column_type, known):
            return render(column)
    raise LookupError(f"no SQL rendering for {type(column_type).__name__} columns")


def template_sql(template: str, slots: Mapping[str, str]) -> str:
    """A ``%(name)s`` text template as one SQL expression, each slot replaced by its SQL
    text from ``slots`` (KeyError: a slot without one). Written with ``printf``, which
    builds the text in one go (``||`` copies the growing text once per piece)."""
    if not template:
        return "''"  # printf('') is NULL
    pieces = _SLOT.split(template)
    names = pieces[1::2]
    values = [slots[name] for name in names]
    texts = pieces[0::2]  # literal text, '%' already written '%%'
    groups = []
    for start in range(0, max(len(names), 1), _ARGUMENTS):
        end = min(start + _ARGUMENTS, len(names))
        if end == len(names):  # the last group ends with the template's last text
            literal = "%s".join(texts[start : end + 1])
        else:
            literal = "%s".join(texts[start:end]) + "%s"
        groups.append((literal, values[start:end]))
    return " || ".join(
        f"printf({', '.join([sql_string(literal), *arguments])})" for literal, arguments in groups
    )


def template_slots(template: str) -> list[str]:
    """The slot names of a ``%(name)s`` template, in order."""
    return _SLOT.findall(template)


def ascii_escaped(text: str) -> str:
    """``text`` with every character outside printable ASCII that SQLite leaves as it is
    escaped as canonical JSON escapes it (such characters only occur inside strings)."""
    return _NOT_ASCII.sub(lambda found: encode_basestring_ascii(found.group())[1:-1], text)


def same_text(rendered: str | None, signed: str) -> bool:
    """Whether SQLite's ``rendered`` text, escaped as canonical JSON, is ``signed``."""
    if rendered is None or NOT_AS_STORED in rendered:
        return False
    if rendered == signed:
        return True
    return (not rendered.isascii() or "\x7f" in rendered) and ascii_escaped(rendered) == signed


def same_note_text(rendered: str | None, signed: str) -> bool:
    """Whether the ``signed`` note is SQLite's ``rendered`` text with each ``PERSON`` mark
    replaced by the object the signed content holds there (patient, provider, signer: flat
    objects, each ending where the text after its mark begins, as ``people_texts`` finds
    them)."""
    if rendered is None or NOT_AS_STORED in rendered:
        return False
    if not rendered.isascii() or "\x7f" in rendered:
        rendered = ascii_escaped(rendered)
    first, *others = rendered.split(PERSON)
    if not signed.startswith(first):
        return False
    at = len(first)
    for after in others:
        # The object ends where the text after it first begins (found by its start: the
        # text after the provider holds the whole session, too long a needle to search for).
        end = signed.find(after[:_NEEDLE], at) if after else len(signed)
        if end < at + 2 or signed[at] != "{" or signed[end - 1] != "}":
            return False
        if not signed.startswith(after, end):
            return False
        at = end + len(after)
    return at == len(signed)


_NEEDLE = 24


def hashes_to(rendered: str | None, expected: str | None) -> bool:
    """Whether SQLite's ``rendered`` text, escaped as canonical JSON, has the SHA-256
    ``expected`` (64 hex digits)."""
    if rendered is None or expected is None or NOT_AS_STORED in rendered:
        return False
    if sha256(rendered.encode()).hexdigest() == expected:
        return True
    if rendered.isascii() and "\x7f" not in rendered:
        return False
    return sha256(ascii_escaped(rendered).encode()).hexdigest() == expected
