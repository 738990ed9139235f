"""Structural reading of JSON fields: required keys, JSON types, numbers, dates, unknown keys."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.text_safety import has_lone_surrogate, printable

E = TypeVar("E", bound=StrEnum)

DOCUMENT_PATH = "(document)"

IS_REQUIRED = "is required"
NOT_A_FIELD = "is not a field of this format"
APPEARS_TWICE = "appears more than once"
MUST_BE_OBJECT = "must be an object"
MUST_BE_LIST = "must be a list"
MUST_BE_TEXT = "must be text"
MUST_BE_BOOLEAN = "must be true or false"
MUST_BE_NUMBER = "must be a number"
MUST_BE_WHOLE = "must be a whole number"
TOO_LARGE = "is too large"
TOO_SMALL = "is too close to zero to record"
TOO_MANY_DIGITS = "has too many digits"
LONE_SURROGATE = "contains an invalid character (a lone surrogate)"
MUST_BE_DATE = "must be a date like 2026-03-14"
MUST_BE_TIME = "must be a time of day like 14:05 (24-hour clock)"
NOT_ON_CALENDAR = "is not a date on the calendar"
MUST_BE_DATE_TIME = "must be a date and time like 2026-03-14T09:30:00-05:00"
MUST_HAVE_OFFSET = "must include a UTC offset, e.g. 2026-03-14T09:30:00-05:00"
# Dates and times in a record lie in this range of years (issue 13): beyond it, time zone
# arithmetic overflows (year 1) and no real session or birth date falls there.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
YEAR_OUT_OF_RANGE = f"must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}"
# Longest text and longest list of texts any field of the format holds; fields with a
# tighter limit are checked again by validation.
MAX_TEXT_LENGTH = 20_000
MAX_TEXT_ITEMS = 100

# Whole numbers in the format are counts and sizes; anything this large is not one.
_WHOLE_DIGITS = 9  # whole numbers stay below 10**9
_NUMBER_DIGITS = 12  # decimals stay below 10**12 and, unless zero, above 10**-12
_SIGNIFICANT_DIGITS = 28  # the default decimal context's precision: more would be rounded
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_TEXT = re.compile(r"[0-9]{2}:[0-9]{2}")
_DATE_TIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*", re.DOTALL)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Placeholders returned for required values that could not be read; never reach a record,
# because a part with any structural problem is not built.
_NO_DATE = date.min
_NO_MOMENT = datetime.min.replace(tzinfo=UTC)


class JsonObject(dict[str, object]):
    """A JSON object as read by ``from_json``: remembers keys that appeared more than once."""

    duplicates: tuple[str, ...] = ()


def json_object_from_pairs(pairs: list[tuple[str, object]]) -> JsonObject:
    """``object_pairs_hook`` for ``json.loads`` that keeps duplicate keys visible."""
    result = JsonObject(pairs)
    if len(result) < len(pairs):
        counts = Counter(key for key, _ in pairs)
        result.duplicates = tuple(key for key, count in counts.items() if count > 1)
    return result


def child_path(parent: str, key: object) -> str:
    """The path of ``key`` inside the object at ``parent`` (``""`` is the document itself)."""
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    quoted = '"' + printable(str(key).replace("\\", "\\\\").replace('"', '\\"')) + '"'
    return f"{parent}[{quoted}]"


def item_path(parent: str, index: int) -> str:
    """The path of item ``index`` (zero-based) of the list at ``parent``."""
    return f"{parent}[{index}]"


def read_decimal(raw: object) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric text, else None (bools are not numbers)."""
    if isinstance(raw, bool):
        return None
    value: Decimal
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float):
        # str() keeps 0.1 as Decimal("0.1") instead of the float's binary expansion.
        value = Decimal(str(raw))
    elif isinstance(raw, str) and _NUMBER_TEXT.fullmatch(raw.strip()):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return value if value.is_finite() else None


class FieldReader:
    """Collects every structural problem of a document while its parts are read."""

    def __init__(self, label_for: Callable[[str], str]) -> None:
        self._label_for = label_for
        self.problems: list[FieldProblem] = []
        self._blocking = 0

    def report(self, path: str, message: str, *, blocking: bool = True) -> None:
        """Record a problem; a blocking one stops the part that holds it from being built."""
        label = "The whole document" if path == DOCUMENT_PATH else self._label_for(path)
        self.problems.append(FieldProblem(path, label, message))
        if blocking:
            self._blocking += 1

    def mark(self) -> int:
        """A checkpoint for ``clean_since``."""
        return self._blocking

    def clean_since(self, mark: int) -> bool:
        """Whether no blocking problem was recorded after ``mark``."""
        return self._blocking == mark

    def document(self, data: object, known: Sequence[str]) -> Fields | None:
        """The document's top-level object."""
        return self.as_fields(data, "", known, DOCUMENT_PATH)

    def as_fields(
        self, value: object, path: str, known: Sequence[str], shown_path: str | None = None
    ) -> Fields | None:
        """``value`` as an object with the ``known`` keys; unknown keys are reported."""
        if not isinstance(value, Mapping):
            self.report(shown_path or path, MUST_BE_OBJECT)
            return None
        for key in getattr(value, "duplicates", ()):
            self.report(child_path(path, key), APPEARS_TWICE)
        for key in value:
            if key not in known:
                self.report(child_path(path, key), NOT_A_FIELD, blocking=False)
        return Fields(self, value, path)


class Fields:
    """The fields of one JSON object, read one by one with their type checks."""

    def __init__(self, reader: FieldReader, values: Mapping[object, object], path: str) -> None:
        self._reader = reader
        self._values = values
        self.path = path

    def _raw(self, key: str, required: bool) -> object | None:
        """The raw value of ``key``; absent and null both read as None."""
        value = self._values.get(key)
        if value is None and required:
            self._reader.report(child_path(self.path, key), IS_REQUIRED)
        return value

    def _fail(self, key: str, message: str) -> None:
        self._reader.report(child_path(self.path, key), message)

    def report(self, key: str, message: str) -> None:
        """Report a problem of ``key`` found by a reader outside this class."""
        self._fail(key, message)

    def value(self, key: str) -> object | None:
        """The raw value of ``key``, unchecked (None when absent or null)."""
        return self._values.get(key)

    def text(self, key: str, *, required: bool = False) -> str:
        """Text (absent optional text reads as ""); blank text is left to validation."""
        raw = self._raw(key, required)
        if raw is None:
            return ""
        if not isinstance(raw, str):
            self._fail(key, MUST_BE_TEXT)
            return ""
        return raw if self._text_fits(child_path(self.path, key), raw) else ""

    def _text_fits(self, path: str, text: str) -> bool:
        """Whether ``text`` can be stored: not too long, no lone surrogate (reported if not)."""
        if len(text) > MAX_TEXT_LENGTH:
            self._reader.report(
                path, f"must be at most {MAX_TEXT_LENGTH:,} characters (it has {len(text):,})"
            )
            return False
        if has_lone_surrogate(text):
            self._reader.report(path, LONE_SURROGATE)
            return False
        return True

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of texts (absent: empty)."""
        items = self._list(key)
        if len(items) > MAX_TEXT_ITEMS:
            self._fail(key, f"can have at most {MAX_TEXT_ITEMS} items (it has {len(items):,})")
            return ()
        result: list[str] = []
        for index, item in enumerate(items):
            path = item_path(child_path(self.path, key), index)
            if not isinstance(item, str):
                self._reader.report(path, MUST_BE_TEXT)
            elif self._text_fits(path, item):
                result.append(item)
        return tuple(result)

    def flag(self, key: str) -> bool:
        """true or false (absent: false)."""
        raw = self._raw(key, required=False)
        if raw is None:
            return False
        if not isinstance(raw, bool):
            self._fail(key, MUST_BE_BOOLEAN)
            return False
        return raw

    def optional_flag(self, key: str) -> bool | None:
        """true or false, or None when absent (not recorded)."""
        raw = self._raw(key, required=False)
        if raw is None:
            return None
        if not isinstance(raw, bool):
            self._fail(key, MUST_BE_BOOLEAN)
            return None
        return raw

    def number(self, key: str) -> Decimal | None:
        """An optional exact number."""
        raw = self._raw(key, required=False)
        return None if raw is None else self._decimal(key, raw)

    def required_number(self, key: str) -> Decimal:
        """A required exact number."""
        raw = self._raw(key, required=True)
        value = None if raw is None else self._decimal(key, raw)
        return Decimal(0) if value is None else value

    def _decimal(self, key: str, raw: object) -> Decimal | None:
        value = read_decimal(raw)
        if value is None:
            self._fail(key, MUST_BE_NUMBER)
        elif value.adjusted() >= _NUMBER_DIGITS:
            # No dose, volume or weight has 13 digits; arithmetic on such exponents overflows.
            self._fail(key, TOO_LARGE)
            return None
        elif value and value.adjusted() < -_NUMBER_DIGITS:
            # 1E-999999999 would underflow to 0 in arithmetic and be stored as 0 (issue 13).
            self._fail(key, TOO_SMALL)
            return None
        elif len(value.as_tuple().digits) > _SIGNIFICANT_DIGITS:
            self._fail(key, TOO_MANY_DIGITS)
            return None
        return value

    def whole(self, key: str) -> int | None:
        """An optional whole number (2, 2.0 and "2" all read as 2)."""
        raw = self._raw(key, required=False)
        if raw is None:
            return None
        value = read_decimal(raw)
        if value is None:
            self._fail(key, MUST_BE_WHOLE)
            return None
        # Size first, without arithmetic: 10E999999 overflows even abs() and rounding.
        if value.adjusted() >= _WHOLE_DIGITS:
            self._fail(key, TOO_LARGE)
            return None
        if value != value.to_integral_value():
            self._fail(key, MUST_BE_WHOLE)
            return None
        return int(value)

    def day(self, key: str) -> date | None:
        """An optional calendar date, written 2026-03-14."""
        raw = self._raw(key, required=False)
        return None if raw is None else self._date(key, raw)

    def required_day(self, key: str) -> date:
        """A required calendar date."""
        raw = self._raw(key, required=True)
        value = None if raw is None else self._date(key, raw)
        return _NO_DATE if value is None else value

    def _date(self, key: str, raw: object) -> date | None:
        if not isinstance(raw, str) or not _DATE_TEXT.fullmatch(raw):
            self._fail(key, MUST_BE_DATE)
            return None
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            self._fail(key, NOT_ON_CALENDAR)
            return None
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self._fail(key, YEAR_OUT_OF_RANGE)
            return None
        return value

    def clock_time(self, key: str) -> time | None:
        """An optional time of day on the session's clock, written 14:05 (24-hour)."""
        raw = self._raw(key, required=False)
        if raw is None:
            return None
        if not isinstance(raw, str) or not _TIME_TEXT.fullmatch(raw):
            self._fail(key, MUST_BE_TIME)
            return None
        try:
            return time.fromisoformat(raw)
        except ValueError:
            self._fail(key, MUST_BE_TIME)
            return None

    def moment(self, key: str) -> datetime:
        """A required ISO 8601 date and time with a UTC offset."""
        raw = self._raw(key, required=True)
        if raw is None:
            return _NO_MOMENT
        if not isinstance(raw, str) or not _DATE_TIME_TEXT.fullmatch(raw):
            self._fail(key, MUST_BE_DATE_TIME)
            return _NO_MOMENT
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self._fail(key, MUST_BE_DATE_TIME)
            return _NO_MOMENT
        if value.utcoffset() is None:
            self._fail(key, MUST_HAVE_OFFSET)
            return _NO_MOMENT
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self._fail(key, YEAR_OUT_OF_RANGE)
            return _NO_MOMENT
        return value

    def choice(self, key: str, allowed: type[E], default: E) -> E:
        """One of an enum's values; absent reads as ``default``."""
        raw = self._raw(key, required=False)
        return default if raw is None else self._member(key, raw, allowed, default)

    def optional_choice(self, key: str, allowed: type[E]) -> E | None:
        """One of an enum's values, or None when absent."""
        raw = self._raw(key, required=False)
        return None if raw is None else self._member(key, raw, allowed, None)

    def required_choice(self, key: str, allowed: type[E]) -> E:
        """One of an enum's values, required."""
        raw = self._raw(key, required=True)
        first = next(iter(allowed))
        return first if raw is None else self._member(key, raw, allowed, first)

    def _member(self, key: str, raw: object, allowed: type[E], fallback: E | None) -> E:
        values = [member.value for member in allowed]
        if isinstance(raw, str) and raw in values:
            return allowed(raw)
        self._fail(key, "must be one of: " + ", ".join(values))
        return fallback if fallback is not None else next(iter(allowed))

    def child(self, key: str, known: Sequence[str], *, required: bool = False) -> Fields | None:
        """A nested object, or None when absent (or not an object: then reported)."""
        raw = self._raw(key, required)
        if raw is None:
            return None
        return self._reader.as_fields(raw, child_path(self.path, key), known)

    def children(self, key: str, known: Sequence[str]) -> Iterator[Fields]:
        """The objects of a list of objects (items that are not objects are reported)."""
        list_path = child_path(self.path, key)
        for index, item in enumerate(self._list(key)):
            fields = self._reader.as_fields(item, item_path(list_path, index), known)
            if fields is not None:
                yield fields

    def _list(self, key: str) -> list[object]:
        raw = self._raw(key, required=False)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self._fail(key, MUST_BE_LIST)
            return []
        return raw
