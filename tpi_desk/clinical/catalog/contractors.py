"""Medicare contractors (MACs) by state and their trigger point injection LCDs
(``medicare_contractors.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tpi_desk.clinical.catalog.entries import CatalogError
from tpi_desk.clinical.catalog.toml_tables import TomlTable, build_entries

CONTRACTORS_FILE = "medicare_contractors.toml"


@dataclass(frozen=True, slots=True)
class MedicareContractor:
    id: str
    name: str
    jurisdiction: str  # "JK"
    states: tuple[str, ...]  # USPS codes
    follows_common_tpi_lcd: bool  # the 2024 common LCD of payer_rules.toml
    tpi_lcd_ids: tuple[str, ...] = ()  # confirmed for this contractor; empty: verify
    tpi_article_ids: tuple[str, ...] = ()


def load_contractors(
    data: dict[str, Any], states: Mapping[str, str]
) -> dict[str, MedicareContractor]:
    """The contractors by id; each state (a ``documentation.toml`` code) has at most one."""
    contractors = build_entries(data, CONTRACTORS_FILE, "contractor", _contractor, lambda c: c.id)
    served: dict[str, str] = {}
    for contractor in contractors.values():
        for state in contractor.states:
            if state not in states:
                raise CatalogError(CONTRACTORS_FILE, contractor.id, f"unknown state {state!r}")
            if state in served:
                raise CatalogError(
                    CONTRACTORS_FILE, contractor.id, f"{state} is served by {served[state]} too"
                )
            served[state] = contractor.id
    return contractors


def _contractor(table: TomlTable) -> MedicareContractor:
    states = table.texts("states")
    if not states:
        raise table.fail("states must list at least one state")
    return MedicareContractor(
        id=table.text("id"),
        name=table.text("name"),
        jurisdiction=table.text("jurisdiction"),
        states=states,
        follows_common_tpi_lcd=table.flag("follows_common_tpi_lcd"),
        tpi_lcd_ids=table.texts("tpi_lcd_ids"),
        tpi_article_ids=table.texts("tpi_article_ids"),
    )
