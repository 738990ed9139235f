"""A concentration outside the drug's marketed strengths: a probable typo (a misplaced zero)."""

from __future__ import annotations

from collections.abc import Iterator

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import format_strength, medications
from tpi_desk.clinical.record import SessionEntry


def concentration_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    """One warning per drug and unmarketed strength, at its first medication line
    (DOMAIN.md, Safety: marketed injectable strengths; anything else is a probable typo)."""
    seen: set[tuple[str, object]] = set()
    for site_index, medication_index, medication in medications(entry):
        drug = catalog.drugs.get(medication.drug_id)
        strength = medication.concentration_mg_per_ml
        if drug is None or strength in drug.concentrations_mg_per_ml:
            continue
        if (drug.id, strength) in seen:
            continue
        seen.add((drug.id, strength))
        marketed = ", ".join(format_strength(drug, c) for c in drug.concentrations_mg_per_ml)
        yield Alert(
            AlertCode.CONCENTRATION_NOT_MARKETED,
            AlertSeverity.WARNING,
            f"{drug.name} {format_strength(drug, strength)} is not a marketed strength "
            f"({marketed}): check the concentration for a typo",
            f"sites[{site_index}].medications[{medication_index}].concentration_mg_per_ml",
        )
