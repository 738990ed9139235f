"""Medicare contractors by state and their TPI LCDs (medicare_contractors.toml, dated data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog import Catalog, CatalogError, load_catalog
from tpi_desk.paths import resource_path


@pytest.mark.parametrize(
    ("state", "contractor", "jurisdiction", "common_lcd", "lcd_ids"),
    [
        # DOMAIN.md, 2024 common Medicare TPI LCD: New York is NGS.
        ("NY", "National Government Services", "JK", True, ()),
        # DOMAIN.md: L34211 is Noridian JE's.
        ("CA", "Noridian Healthcare Solutions", "JE", True, ("L34211",)),
        # DOMAIN.md: First Coast L33912/A57114 and Novitas L35010 are separate LCDs.
        ("FL", "First Coast Service Options", "JN", False, ("L33912",)),
        ("TX", "Novitas Solutions", "JH", False, ("L35010",)),
        ("PA", "Novitas Solutions", "JL", False, ("L35010",)),
        ("OH", "CGS Administrators", "J15", True, ()),
        ("GA", "Palmetto GBA", "JJ", True, ()),
        ("MI", "Wisconsin Physicians Service", "J8", True, ()),
    ],
)
def test_the_contractor_of_a_state(
    catalog: Catalog,
    state: str,
    contractor: str,
    jurisdiction: str,
    common_lcd: bool,
    lcd_ids: tuple[str, ...],
) -> None:
    found = catalog.medicare_contractor(state)
    assert found is not None
    assert (found.name, found.jurisdiction, found.follows_common_tpi_lcd, found.tpi_lcd_ids) == (
        contractor,
        jurisdiction,
        common_lcd,
        lcd_ids,
    )


def test_every_state_has_exactly_one_contractor(catalog: Catalog) -> None:
    served = [s for c in catalog.medicare_contractors.values() for s in c.states]
    assert sorted(served) == sorted(catalog.documentation.states)
    assert catalog.medicare_contractor("ZZ") is None


def test_a_state_served_twice_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), directory)
    path = directory / "medicare_contractors.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('states = ["KY", "OH"]', 'states = ["KY", "NY"]'), "utf-8")
    with pytest.raises(CatalogError, match=r"cgs_j15: NY is served by ngs_jk too"):
        load_catalog(directory)
