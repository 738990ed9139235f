"""The steroid equivalence of drugs.toml: every corticosteroid in mg of one reference drug."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tpi_desk.clinical.catalog.entries import CatalogError, Drug
from tpi_desk.clinical.catalog.toml_tables import TomlTable

_FILE = "drugs.toml"


@dataclass(frozen=True, slots=True)
class SteroidEquivalence:
    """``reference_drug``'s ``steroid_equivalent_mg`` is the unit every steroid is converted
    to (triamcinolone 4 mg = methylprednisolone 4 mg = dexamethasone 0.75 mg = betamethasone
    0.6 mg); ``session_maximum_mg`` is the limit of all steroids of one session together, in
    mg of the reference drug. An empty reference means no equivalence is known."""

    reference_drug: str = ""
    reference_name: str = ""
    session_maximum_mg: Decimal | None = None
    source: str = ""
    reference_mg: Decimal = Decimal(1)  # the reference drug's own equivalent dose
    equivalent_mg: Mapping[str, Decimal] | None = None  # each steroid's equivalent dose

    def in_reference_mg(self, drug_id: str, mg: Decimal) -> Decimal | None:
        """``mg`` of ``drug_id`` as mg of the reference drug (None: not a known steroid)."""
        equivalent = (self.equivalent_mg or {}).get(drug_id)
        return mg * self.reference_mg / equivalent if equivalent is not None else None


def load_steroid_equivalence(data: dict[str, Any], drugs: Mapping[str, Drug]) -> SteroidEquivalence:
    """The ``[steroid_equivalence]`` table, checked against the drugs' equivalent doses."""
    if "steroid_equivalence" not in data:
        return SteroidEquivalence()
    table = TomlTable(_FILE, "[steroid_equivalence]", data["steroid_equivalence"])
    reference = drugs.get(table.text("reference_drug"))
    if reference is None or reference.steroid_equivalent_mg is None:
        raise table.fail("reference_drug must be a drug with a steroid_equivalent_mg")
    for drug in drugs.values():
        if drug.is_corticosteroid and drug.steroid_equivalent_mg is None:
            raise CatalogError(
                _FILE, f"drug {drug.id}", "a corticosteroid needs steroid_equivalent_mg"
            )
    equivalents = {
        drug.id: drug.steroid_equivalent_mg
        for drug in drugs.values()
        if drug.steroid_equivalent_mg is not None
    }
    return SteroidEquivalence(
        reference_drug=reference.id,
        reference_name=reference.name,
        session_maximum_mg=table.positive_decimal("session_maximum_mg"),
        source=table.text("source"),
        reference_mg=reference.steroid_equivalent_mg,
        equivalent_mg=equivalents,
    )
