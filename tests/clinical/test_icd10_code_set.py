"""Diagnoses come from the whole ICD-10-CM code set; icd10.toml keeps the LCD's dated data."""

from __future__ import annotations

import importlib
import tomllib
from types import ModuleType

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.paths import resource_path


@pytest.fixture(scope="module")
def code_set() -> ModuleType:
    """The ICD-10-CM package, imported when a test here runs: importing it parses the whole
    code set (about 2 s), which every test worker would otherwise pay while collecting."""
    return importlib.import_module("simple_icd_10_cm")


def _listed_codes() -> list[dict[str, object]]:
    with resource_path("catalog", "icd10.toml").open("rb") as handle:
        codes: list[dict[str, object]] = tomllib.load(handle)["code"]
    return codes


@pytest.mark.parametrize("entry", _listed_codes(), ids=lambda entry: str(entry["code"]))
def test_every_listed_code_is_in_the_code_set_with_its_billability_and_descriptor(
    code_set: ModuleType, entry: dict[str, object]
) -> None:
    code = str(entry["code"])
    assert code_set.is_valid_item(code), f"{code} is not an ICD-10-CM code"
    assert code_set.is_category_or_subcategory(code)
    assert code_set.is_leaf(code) is entry["billable"]
    assert code_set.get_description(code) == entry["descriptor"]


@pytest.mark.parametrize(
    ("code", "descriptor", "billable"),
    [
        # Codes clinicians use beside the LCD list (issue 12: thoracic pain, shoulder pain,
        # chronic pain syndrome): not in icd10.toml, found in the code set.
        ("G89.4", "Chronic pain syndrome", True),
        ("M54.6", "Pain in thoracic spine", True),
        ("M25.511", "Pain in right shoulder", True),
        ("M25.5", "Pain in joint", False),
    ],
)
def test_a_code_outside_the_list_comes_from_the_code_set(
    catalog: Catalog, code: str, descriptor: str, billable: bool
) -> None:
    assert code not in catalog.icd10
    found = catalog.diagnosis(code)
    assert found is not None
    assert (found.descriptor, found.billable, found.tpi_lcd_covered) == (
        descriptor,
        billable,
        False,
    )
    assert catalog.icd10_code(code) == found


def test_a_listed_code_keeps_its_lcd_coverage_synonyms_and_note(catalog: Catalog) -> None:
    m79_11 = catalog.diagnosis("M79.11")
    assert m79_11 is not None and m79_11.tpi_lcd_covered and "jaw" in m79_11.synonyms
    u09_9 = catalog.diagnosis("U09.9")
    assert u09_9 is not None and u09_9.note == "Code the specific condition first."


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("M79.18", None),
        ("G89.4", None),
        ("M25.511", None),
        ("M54.5", "M54.5 is not billable; choose a more specific code"),
        ("M25.5", "M25.5 is not billable; choose a more specific code"),
        ("Z99.99", "Z99.99 is not an ICD-10-CM code"),
        ("M00-M99", "M00-M99 is not an ICD-10-CM code"),
        ("m79.18", "m79.18 is not an ICD-10-CM code as written; write it as M79.18"),
        ("M7918", "M7918 is not an ICD-10-CM code as written; write it as M79.18"),
        ("", " is not an ICD-10-CM code"),
    ],
)
def test_icd10_problem(catalog: Catalog, code: str, problem: str | None) -> None:
    assert catalog.icd10_problem(code) == problem


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chronic pain syndrome", ["G89.4"]),
        ("thoracic spine pain", ["M54.6"]),
        ("pain right shoulder", ["M25.511"]),
        ("M25.51", ["M25.511", "M25.512", "M25.519"]),
        ("g894", ["G89.4"]),
    ],
)
def test_the_search_covers_the_whole_code_set(
    catalog: Catalog, query: str, expected: list[str]
) -> None:
    assert [c.code for c in catalog.search_icd10(query)][: len(expected)] == expected


def test_the_search_lists_the_catalog_codes_first_and_only_billable_codes_of_the_set(
    catalog: Catalog,
) -> None:
    found = catalog.search_icd10("myalgia")
    assert [c.code for c in found[:6]] == ["M79.1", "M79.10", "M79.11", "M79.12", "M79.18", "M79.7"]
    assert len({c.code for c in found}) == len(found)
    assert all(c.billable for c in found if c.code not in catalog.icd10)


def test_the_search_matches_words_by_their_start(catalog: Catalog) -> None:
    # "tension" must not find "hypertension".
    assert [c.code for c in catalog.search_icd10("chronic tension")] == ["G44.221", "G44.229"]
