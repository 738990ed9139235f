"""Reading catalog TOML files: typed getters whose errors name the file and the entry."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from tpi_desk.clinical.catalog.entries import CatalogError, CatalogSource

V = TypeVar("V")


class TomlTable:
    """One TOML table with typed getters that raise CatalogError naming file and entry."""

    def __init__(self, file: str, entry: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise CatalogError(file, entry, "must be a table")
        self.file = file
        self.entry = entry
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> CatalogError:
        return CatalogError(self.file, self.entry, problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"{key} is missing")
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(f"{key} must be a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false")
        return value

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(f"{key} must be a whole number of at least {minimum}")
        return value

    def optional_integer(self, key: str, *, minimum: int = 0) -> int | None:
        return self.integer(key, minimum=minimum) if key in self.data else None

    def positive_decimal(self, key: str) -> Decimal:
        return positive_decimal(self, key, self.data.get(key))

    def optional_decimal(self, key: str) -> Decimal | None:
        return self.positive_decimal(key) if key in self.data else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{key} must be a list of non-empty strings")
        return tuple(value)

    def iso_date(self, key: str) -> date:
        value = self.data.get(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(self.text(key))
        except ValueError:
            raise self.fail(f"{key} must be an ISO date such as 2026-01-01") from None


def positive_decimal(table: TomlTable, key: str, value: Any) -> Decimal:
    """``value`` as a number above zero, written as a string or a whole number (no floats)."""
    if isinstance(value, float):
        raise table.fail(f'{key} must be written as a string (e.g. "4.5"), not a float')
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise table.fail(f"{key} must be a number written as a string")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise table.fail(f"{key} is not a number: {value!r}") from None
    if not number.is_finite() or number <= 0:
        raise table.fail(f"{key} must be greater than 0")
    return number


def read_catalog_file(directory: Path, name: str) -> tuple[dict[str, Any], CatalogSource]:
    """The parsed file ``name`` and its ``[meta]``: where the data comes from and the date it
    was last checked against that source (``as_of``)."""
    path = directory / name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogError(name, None, "the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(name, None, f"not valid TOML ({error})") from None
    meta = TomlTable(name, "[meta]", data.get("meta"))
    source = CatalogSource(
        file=name,
        source=meta.text("source"),
        as_of=meta.iso_date("as_of"),
        description=meta.text("description", default=""),
    )
    return data, source


def entry_tables(data: dict[str, Any], file: str, key: str) -> list[TomlTable]:
    """The ``[[key]]`` entries of a file (at least one), each named for error messages."""
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise CatalogError(file, None, f"needs at least one [[{key}]] entry")
    tables = []
    for index, item in enumerate(raw, start=1):
        name = (item.get("id") or item.get("code")) if isinstance(item, dict) else None
        tables.append(TomlTable(file, f"[[{key}]] #{index}" + (f" ({name})" if name else ""), item))
    return tables


def unique(file: str, items: Iterable[tuple[str, V]]) -> dict[str, V]:
    """``items`` by key, in order; CatalogError when a key appears twice."""
    result: dict[str, V] = {}
    for key, item in items:
        if key in result:
            raise CatalogError(file, key, "appears twice")
        result[key] = item
    return result


def build_entries(
    data: dict[str, Any],
    file: str,
    key: str,
    make: Callable[[TomlTable], V],
    ident: Callable[[V], str],
) -> dict[str, V]:
    """Every ``[[key]]`` entry made by ``make``, by its ``ident``, each checked unique."""
    items = [make(table) for table in entry_tables(data, file, key)]
    return unique(file, ((ident(item), item) for item in items))
