"""Arbitrary text and numbers in every field of a session document: a document or field problems."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ_PROFILE
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.document_fields import DOCUMENT_PATH
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    SessionDocument,
    from_json,
    parse_session_document,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"
Key = str | int

TEXT_FIELDS: tuple[tuple[Key, ...], ...] = (
    ("patient", "mrn"),
    ("patient", "family_name"),
    ("patient", "given_name"),
    ("patient", "allergies", 0),
    ("patient", "allergies", 1),
    ("provider", "username"),
    ("provider", "display_name"),
    ("provider", "credentials"),
    ("provider", "npi"),
    ("ultrasound", "device"),
    ("notes",),
    ("instructions",),
    ("follow_up",),
    ("side_effects", 0),
    ("indication", "conservative_care_tried", 0),
    ("indication", "ongoing_care", 0),
    ("sites", 0, "medications", 0, "lot"),
    ("sites", 0, "medications", 1, "lot"),
    ("sites", 1, "medications", 0, "lot"),
)
# Paths of list fields that are empty in the example; the fuzzed text becomes their only item.
EMPTY_LIST_FIELDS: tuple[tuple[Key, ...], ...] = (("complications",),)
NUMBER_FIELDS: tuple[tuple[Key, ...], ...] = (
    ("patient", "weight_kg"),
    ("pain_before",),
    ("pain_after",),
    ("sites", 0, "points"),
    ("sites", 0, "needle_gauge"),
    ("sites", 0, "needle_length_mm"),
    ("sites", 1, "points"),
    ("sites", 0, "medications", 0, "concentration_mg_per_ml"),
    ("sites", 0, "medications", 0, "volume_ml"),
    ("sites", 0, "medications", 1, "volume_ml"),
    ("sites", 1, "medications", 0, "concentration_mg_per_ml"),
)

SPECIAL_TEXT = (
    "",
    " ",
    "\x00",
    "Zoë\x00Ñúñez",
    "\u200f\u202eשלום\u202c",  # right-to-left mark and override
    "\U0001f489\U0001f9d1\u200d\u2695\ufe0f",  # emoji and a zero-width-joiner sequence
    "\r\n\t\x0b\x0c\x1b[31m\x7f\x85\u2028\u2029",
    "\ufeffŁukasz",
    "Nguyễn",
    "Ødegård",
    "x" * 10_000,
    "\u202e" * 10_000,
)
# Raw JSON number tokens (no quotes) and numeric-looking text (quoted).
NUMBER_TOKENS = (
    "0",
    "-0",
    "-1",
    "1E+999999",
    "-1E+999999",
    "1e-999999",
    "123456789012345678901234567890",
    "0.000000000000000000000000000001",
    "68.50000000000000000000000000000000000001",
    "1.7976931348623157e308",
    "5e-324",
    '"NaN"',
    '"Infinity"',
    '"-Infinity"',
    '"1E+999999"',
    '" 7 "',
    '"7,5"',
    '"٣"',  # an Arabic-Indic digit
    '""',
    "null",
    "true",
    "[]",
    "{}",
)


def arbitrary_text() -> st.SearchStrategy[str]:
    """Any Unicode (control characters, NUL, RTL marks, emoji) and some 10,000-character texts."""
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.text(max_size=60),
        st.text(st.characters(codec="utf-8"), max_size=20).map(lambda text: text * 500),
    )


def arbitrary_number_token() -> st.SearchStrategy[str]:
    """JSON text for a number field: huge, tiny, negative, exponents, many decimals, non-numbers."""
    return st.one_of(
        st.sampled_from(NUMBER_TOKENS),
        st.integers().map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
        st.integers(min_value=-(10**6), max_value=10**6).map(lambda exponent: f"1E{exponent:+d}"),
        st.decimals(allow_nan=True, allow_infinity=True).map(lambda value: json.dumps(str(value))),
    )


def example_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


def set_at(document: dict[str, Any], path: tuple[Key, ...], value: object) -> None:
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value


def document_paths(value: object, prefix: str = "") -> set[str]:
    """Every key and list item of a decoded document, written as problem paths."""
    paths: set[str] = set()
    children: list[tuple[str, object]] = []
    if isinstance(value, dict):
        children = [(f"{prefix}.{key}" if prefix else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        children = [(f"{prefix}[{index}]", item) for index, item in enumerate(value)]
    for path, item in children:
        paths.add(path)
        paths |= document_paths(item, path)
    return paths


def assert_document_or_field_problems(
    read: Any, raw: object, document: dict[str, Any], catalog: Catalog
) -> None:
    """``read`` returns a document, or raises DocumentInvalid naming only real paths."""
    try:
        result = read(raw, catalog)
    except DocumentInvalid as invalid:
        assert invalid.problems, "DocumentInvalid must name at least one problem"
        known = document_paths(document) | {DOCUMENT_PATH}
        for problem in invalid.problems:
            assert problem.path in known, problem
            assert problem.label and problem.message, problem
        return
    assert isinstance(result, SessionDocument)


def test_example_document_is_valid(catalog: Catalog) -> None:
    assert isinstance(parse_session_document(example_document(), catalog), SessionDocument)


@pytest.mark.parametrize("path", TEXT_FIELDS + EMPTY_LIST_FIELDS, ids=repr)
@settings(settings.get_profile(FUZZ_PROFILE))
@given(text=arbitrary_text())
def test_any_text_in_a_text_field(catalog: Catalog, path: tuple[Key, ...], text: str) -> None:
    document = example_document()
    if path in EMPTY_LIST_FIELDS:
        set_at(document, path, [text])
    else:
        set_at(document, path, text)
    assert_document_or_field_problems(
        parse_session_document, copy.deepcopy(document), document, catalog
    )
    assert_document_or_field_problems(from_json, json.dumps(document), document, catalog)
    assert_document_or_field_problems(
        from_json, json.dumps(document, ensure_ascii=False), document, catalog
    )


@pytest.mark.parametrize("path", NUMBER_FIELDS, ids=repr)
@settings(settings.get_profile(FUZZ_PROFILE))
@given(token=arbitrary_number_token())
def test_any_number_in_a_number_field(catalog: Catalog, path: tuple[Key, ...], token: str) -> None:
    document = example_document()
    placeholder = "\u0000placeholder\u0000"
    set_at(document, path, placeholder)
    text = json.dumps(document).replace(json.dumps(placeholder), token)
    assert_document_or_field_problems(from_json, text, document, catalog)


@pytest.mark.parametrize("path", NUMBER_FIELDS, ids=repr)
@settings(settings.get_profile(FUZZ_PROFILE))
@given(
    value=st.one_of(
        st.decimals(),
        st.integers(),
        st.floats(),
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1E+999999", "1e-999999", " 12 "]),
        st.text(max_size=20),
        st.booleans(),
        st.none(),
    )
)
def test_any_python_number_in_a_number_field(
    catalog: Catalog, path: tuple[Key, ...], value: object
) -> None:
    document = example_document()
    set_at(document, path, value)
    assert_document_or_field_problems(parse_session_document, document, document, catalog)


def test_a_huge_exponent_is_a_field_problem(catalog: Catalog) -> None:
    document = example_document()
    text = json.dumps(document).replace('"weight_kg": 68.5', '"weight_kg": 1E+999999')
    assert "1E+999999" in text
    with pytest.raises(DocumentInvalid) as raised:
        from_json(text, catalog)
    assert [problem.path for problem in raised.value.problems] == ["patient.weight_kg"]


def test_a_decimal_weight_reads_exactly(catalog: Catalog) -> None:
    document = example_document()
    document["patient"]["weight_kg"] = Decimal("68.25")
    assert parse_session_document(document, catalog).patient.weight_kg == Decimal("68.25")
