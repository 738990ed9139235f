"""Issue 13, item 8: input limits. Sessions of bounded size, numbers in their field's range
(huge and tiny exponents included), names without hidden characters, texts that can be
stored, dates in 1900..2100, and problems that print safely on a terminal."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.field_problems import places_problems
from tpi_desk.clinical.record import PatientFacts, ProviderFacts
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    documents_from_json,
    from_json,
    parse_session_document,
)
from tpi_desk.clinical.validation import (
    MAX_MEDICATIONS_PER_SITE,
    MAX_SITES,
    validate_patient,
    validate_provider,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"

Document = dict[str, Any]


@pytest.fixture
def example() -> Document:
    data: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def problem_lines(data: object, catalog: Catalog) -> list[str]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(data, catalog)
    return [str(problem) for problem in caught.value.problems]


def test_the_example_is_accepted(example: Document, catalog: Catalog) -> None:
    parse_session_document(example, catalog)


def test_at_most_fifty_sites(example: Document, catalog: Catalog) -> None:
    site = example["sites"][0]
    example["sites"] = [copy.deepcopy(site) for _ in range(MAX_SITES + 1)]
    assert problem_lines(example, catalog) == ["sites: can have at most 50 sites (it has 51)"]


def test_ten_thousand_sites_are_refused_with_one_message(
    example: Document, catalog: Catalog
) -> None:
    site = example["sites"][0]
    example["sites"] = [copy.deepcopy(site) for _ in range(10_000)]
    assert problem_lines(example, catalog) == ["sites: can have at most 50 sites (it has 10,000)"]


def test_at_most_ten_medications_per_site(example: Document, catalog: Catalog) -> None:
    site = example["sites"][0]
    site["medications"] = [
        copy.deepcopy(site["medications"][0]) for _ in range(MAX_MEDICATIONS_PER_SITE + 1)
    ]
    assert problem_lines(example, catalog) == [
        "sites[0].medications: can have at most 10 medications (it has 11)"
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1E-999999999", "is too close to zero to record"),
        ("0.0000000000001", "is too close to zero to record"),
        ("1E+999999999", "is too large"),
        ("1.00000000000000000000000000001", "has too many digits"),
    ],
)
def test_numbers_with_extreme_exponents_are_refused_naming_the_field(
    example: Document, catalog: Catalog, raw: str, message: str
) -> None:
    example["sites"][0]["medications"][0]["volume_ml"] = "RAW"
    text = json.dumps(example).replace('"RAW"', raw)
    with pytest.raises(DocumentInvalid) as caught:
        from_json(text, catalog)
    assert [str(problem) for problem in caught.value.problems] == [
        f"sites[0].medications[0].volume_ml: {message}"
    ]
    assert caught.value.problems[0].label == "Site 1, medication 1: volume (mL)"


def test_decimal_places_are_counted_without_underflow() -> None:
    # normalize() turns 1E-999999999 into 0, which used to pass the places check.
    assert [str(p) for p in places_problems("weight_kg", Decimal("1E-999999999"), 2)] == [
        "weight_kg: can have at most 2 decimal places"
    ]
    assert list(places_problems("weight_kg", Decimal("68.500"), 2)) == []
    assert list(places_problems("weight_kg", Decimal("0E-999999999"), 2)) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("performed_at",), "0001-01-01T09:30:00+05:00"),
        (("performed_at",), "9999-03-04T09:30:00-05:00"),
        (("performed_at",), "1899-12-31T09:30:00-05:00"),
        (("patient", "date_of_birth"), "0001-01-01"),
        (("patient", "date_of_birth"), "2101-01-01"),
    ],
)
def test_dates_outside_1900_to_2100_are_refused(
    example: Document, catalog: Catalog, path: tuple[str, ...], value: str
) -> None:
    target = example
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert problem_lines(example, catalog) == [
        f"{'.'.join(path)}: must be in the years 1900 to 2100"
    ]


def test_a_lone_surrogate_is_refused_plainly(example: Document, catalog: Catalog) -> None:
    text = json.dumps(example).replace('"notes": "', '"notes": "\\ud800', 1)
    with pytest.raises(DocumentInvalid) as caught:
        from_json(text, catalog)
    assert [str(problem) for problem in caught.value.problems] == [
        "notes: contains an invalid character (a lone surrogate)"
    ]


def test_a_lone_surrogate_in_a_list_of_documents(example: Document, catalog: Catalog) -> None:
    text = json.dumps([example, example]).replace('"penicillin"', '"pen\\udc00"', 1)
    with pytest.raises(DocumentInvalid) as caught:
        documents_from_json(text, catalog)
    assert [str(problem) for problem in caught.value.problems] == [
        "[0].patient.allergies[0]: contains an invalid character (a lone surrogate)"
    ]


def test_a_key_with_hidden_characters_prints_escaped(example: Document, catalog: Catalog) -> None:
    text = json.dumps(example).replace('"notes":', '"\\ud800\\u001b[2J": 1, "notes":', 1)
    with pytest.raises(DocumentInvalid) as caught:
        from_json(text, catalog)
    line = str(caught.value.problems[0])
    assert line == '["\\ud800\\u001b[2J"]: is not a field of this format'
    line.encode("utf-8")  # printable on any UTF-8 terminal


def test_overlong_free_text_is_refused(example: Document, catalog: Catalog) -> None:
    example["skin_prep"] = "x" * 20_001
    assert problem_lines(example, catalog) == [
        "skin_prep: must be at most 20,000 characters (it has 20,001)"
    ]


def test_overlong_lists_of_texts_are_refused(example: Document, catalog: Catalog) -> None:
    example["side_effects"] = ["soreness"] * 101
    assert problem_lines(example, catalog) == [
        "side_effects: can have at most 100 items (it has 101)"
    ]


_HIDDEN = {
    "NUL": "\x00",
    "escape sequence": "\x1b[31m",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero width space": "\u200b",
}


@pytest.mark.parametrize("name", list(_HIDDEN))
@pytest.mark.parametrize("field", ["family_name", "given_name"])
def test_hidden_characters_in_patient_names_are_refused(
    example: Document, catalog: Catalog, field: str, name: str
) -> None:
    example["patient"][field] = "Doe" + _HIDDEN[name] + "x"
    code = f"U+{ord(_HIDDEN[name][0]):04X}"
    assert problem_lines(example, catalog) == [
        f"patient.{field}: contains an invisible or control character ({code}); "
        "type the name again without it"
    ]


@pytest.mark.parametrize("field", ["display_name", "credentials"])
def test_hidden_characters_in_provider_names_are_refused(field: str) -> None:
    facts = ProviderFacts(
        username="aodegard", display_name="Astrid Odegard, MD", credentials="MD", npi="1234567893"
    )
    if field == "display_name":
        facts = replace(facts, display_name="Astrid \u202eOdegard")
    else:
        facts = replace(facts, credentials="M\u202eD")
    problems = validate_provider(facts)
    assert [p.path for p in problems] == [f"provider.{field}"]
    assert "U+202E" in problems[0].message


def test_names_in_other_scripts_stay_accepted() -> None:
    patient = PatientFacts(
        mrn="SYN-1",
        family_name="Ñúñez-李",
        given_name="Zoë Ødegård",
        date_of_birth=date(1984, 7, 22),
    )
    assert validate_patient(patient, today=date(2026, 3, 4)) == ()


def test_a_problem_never_quotes_hidden_characters_raw(example: Document, catalog: Catalog) -> None:
    example["diagnoses"][0] = "M79\x1b[31m"
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)
    (found,) = caught.value.problems
    assert found.path == "diagnoses[0]"
    assert "\x1b" not in found.message
    assert found.message.startswith("M79\\u001b[31m ")
