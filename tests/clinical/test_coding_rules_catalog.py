"""The coding rules' catalog data: modifiers by role, Medicare dry-needling coverage and the
code-first diagnoses, each with its source and date; malformed data names file and entry."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog import Catalog, CatalogError, load_catalog
from tpi_desk.clinical.catalog.coding_rules import ModifierRole
from tpi_desk.clinical.record import Coverage
from tpi_desk.paths import resource_path


def test_modifiers_by_role_with_their_source(catalog: Catalog) -> None:
    rules = catalog.coding_rules
    # CMS JW/JZ FAQ (DOMAIN.md, CPT); GY: DOMAIN.md, HCPCS drugs (dry needling Medicare).
    assert rules.modifier(ModifierRole.DRUG_DISCARDED) == "JW"
    assert rules.modifier(ModifierRole.NO_DRUG_DISCARDED) == "JZ"
    assert rules.modifier(ModifierRole.STATUTORILY_EXCLUDED) == "GY"
    assert rules.modifiers[ModifierRole.NO_DRUG_DISCARDED].as_of == date(2023, 7, 1)
    assert all(modifier.source for modifier in rules.modifiers.values())


def test_medicare_dry_needling_coverage_is_dated_data(catalog: Catalog) -> None:
    rule = catalog.coding_rules.medicare_dry_needling
    assert rule is not None
    assert rule.ncd_id == "30.3.3"
    assert rule.coverages == frozenset({Coverage.MEDICARE})
    assert rule.covered_diagnoses == ("M54.50", "M54.51", "M54.59")
    assert "30.3.3" in rule.source and rule.as_of == date(2021, 10, 1)
    # Every covered code is a billable catalog code (M54.5 is not billable since FY2022).
    assert all(catalog.icd10_code(code).billable for code in rule.covered_diagnoses)


def test_post_covid_is_a_code_first_diagnosis(catalog: Catalog) -> None:
    assert catalog.coding_rules.code_first.codes == ("U09.9",)
    assert "Guidelines" in catalog.coding_rules.code_first.source
    assert catalog.icd10_code("U09.9").billable


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_modifier_role_given_twice_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "cpt.toml", 'role = "no_drug_discarded"', 'role = "drug_discarded"')
    with pytest.raises(CatalogError, match=r"cpt\.toml, drug_discarded: appears twice"):
        load_catalog(catalog_copy)


def test_a_missing_modifier_role_is_refused(catalog_copy: Path) -> None:
    path = catalog_copy / "cpt.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("[[modifier]]")], encoding="utf-8")  # no GY
    with pytest.raises(CatalogError, match=r"no \[\[modifier\]\] for the role\(s\) statutorily"):
        load_catalog(catalog_copy)


def test_an_unknown_modifier_role_names_the_entry(catalog_copy: Path) -> None:
    _replace(catalog_copy / "cpt.toml", 'role = "statutorily_excluded"', 'role = "excluded"')
    with pytest.raises(CatalogError, match=r"\(GY\): role must be one of"):
        load_catalog(catalog_copy)


def test_an_unknown_coverage_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "payer_rules.toml", 'coverages = ["medicare"]', 'coverages = ["mc"]')
    with pytest.raises(CatalogError, match=r"medicare_dry_needling.*coverages must be among"):
        load_catalog(catalog_copy)
