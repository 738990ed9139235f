"""A Core select's rows as SQLAlchemy returns them, each column's conversion remembered.

verify reads every note of a million-note chain with its sites and medication lines: about
fifty columns a note, most of them converted on the way out (booleans, enums, exact
decimals, instants). SQLAlchemy converts each value of each row afresh, and that costs three
times what SQLite takes to read the rows. Here the query runs with its columns untyped (the
driver's own values), and each column's conversion (the very result processor SQLAlchemy
would apply, for this dialect and the type the driver reports) is remembered per distinct
value: a clinic's notes repeat the same answers, doses and settings. The conversions are
pure functions of the value, so the rows are the ones SQLAlchemy gives
(tests/security/test_raw_rows.py compares them). Keys carry the value's type, so 1, 1.0
and True are converted apart; no row shares a list or dict with another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Dialect, Select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType, TypeEngine

_MEMO_LIMIT = 2_000  # values per column and driver type, before its memo starts over
_UNTYPED = NullType()
Convert = Callable[[Any], Any]


def raw_rows(db: Session, query: Select[Any]) -> list[list[Any]]:
    """The rows of ``query`` as lists, each value as SQLAlchemy's typed result would hold it."""
    columns = list(query.selected_columns)
    untyped = query.with_only_columns(*(type_coerce(column, _UNTYPED) for column in columns))
    result = db.execute(untyped)
    description = result.cursor.description  # type: ignore[attr-defined]  # a cursor result
    dialect = db.get_bind().dialect
    conversions = [
        (index, converter)
        for index, (column, described) in enumerate(zip(columns, description, strict=True))
        if (converter := _converter(column.type, dialect, described[1])) is not None
    ]
    rows = [list(row) for row in result.fetchall()]
    for index, convert in conversions:
        for row in rows:
            row[index] = convert(row[index])
    return rows


_converters: dict[tuple[int, str, object], tuple[TypeEngine[Any], Convert | None]] = {}


def _converter(type_: TypeEngine[Any], dialect: Dialect, driver_type: object) -> Convert | None:
    """``type_``'s result processor for values the driver typed ``driver_type``, remembering
    its answers (None: the driver's values are kept as they are)."""
    key = (id(type_), dialect.name, driver_type)
    known = _converters.get(key)
    if known is not None and known[0] is type_:
        return known[1]
    process = type_.dialect_impl(dialect).result_processor(dialect, driver_type)
    converter = None if process is None else _remembering(process)
    _converters[key] = (type_, converter)  # the type is kept alive, so its id stays its own
    return converter


def _remembering(process: Convert) -> Convert:
    memo: dict[object, Any] = {}

    def convert(value: Any) -> Any:
        key = (type(value), value)
        try:
            known = memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable driver value: converted afresh
            return process(value)
        else:
            # A list of strings (TextList) is handed out as a copy: whoever gets it may
            # change it.
            return known[:] if type(known) is list else known
        converted = process(value)
        if _shareable(converted):
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            memo[key] = converted[:] if type(converted) is list else converted
        return converted

    return convert


def _shareable(value: object) -> bool:
    """Whether a converted value can be remembered: immutable, or a list of strings."""
    if type(value) is list:
        return all(type(item) is str for item in value)
    return not isinstance(value, dict | set | bytearray)
