"""Dose alerts: a drug over its maximum (per session, per site), local anaesthetics over
their combined maximum, a per-kg maximum without a weight."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity, join_names
from tpi_desk.clinical.catalog import Catalog, Drug
from tpi_desk.clinical.dosing import (
    DrugTotal,
    combined_local_anaesthetic_fraction,
    dose_mg,
    dose_totals,
    format_number,
    format_strength,
    medications,
)
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.clinical.validation import describe_site


def dose_alerts(
    entry: SessionEntry, catalog: Catalog, weight_kg: Decimal | None
) -> Iterator[Alert]:
    totals = dose_totals(entry, catalog, weight_kg)
    for total in totals:
        drug = catalog.drugs.get(total.drug_id)
        if drug is not None and total.max_mg is not None and total.total_mg > total.max_mg:
            yield _total_alert(entry, drug, total, weight_kg)
    yield from _site_steroid_alerts(entry, catalog)
    anaesthetics = [
        (catalog.drugs[t.drug_id], t.fraction_of_max)
        for t in totals
        if t.drug_id in catalog.drugs
        and catalog.drugs[t.drug_id].is_local_anaesthetic
        and t.fraction_of_max is not None
    ]
    combined = combined_local_anaesthetic_fraction(totals, catalog)
    if len(anaesthetics) >= 2 and combined > 1:
        shares = ", ".join(
            f"{drug.name.lower()} {format_number(fraction * 100)} %"
            for drug, fraction in anaesthetics
            if fraction is not None
        )
        yield Alert(
            AlertCode.COMBINED_ANAESTHETIC_OVER_MAXIMUM,
            AlertSeverity.BLOCKING,
            f"Local anaesthetics together reach {format_number(combined * 100)} % of the "
            f"combined maximum ({shares})",
        )
    per_kg_drugs = [
        catalog.drugs[t.drug_id].name
        for t in totals
        if t.drug_id in catalog.drugs and catalog.drugs[t.drug_id].max_mg_per_kg is not None
    ]
    if weight_kg is None and per_kg_drugs:
        yield Alert(
            AlertCode.WEIGHT_MISSING,
            AlertSeverity.WARNING,
            f"Patient weight not recorded: {join_names(per_kg_drugs)} checked against the "
            "absolute maximum only, not the per-kg maximum",
            "patient.weight_kg",
        )


def _drug_label(entry: SessionEntry, drug: Drug) -> str:
    """The drug's name, with its strength when the session uses only one."""
    strengths = {
        m.concentration_mg_per_ml for _, _, m in medications(entry) if m.drug_id == drug.id
    }
    if len(strengths) == 1:
        return f"{drug.name} {format_strength(drug, strengths.pop())}"
    return drug.name


def _maximum_detail(drug: Drug, weight_kg: Decimal | None) -> str:
    if drug.max_mg_per_kg is None or weight_kg is None:
        return ""
    by_weight = drug.max_mg_per_kg * weight_kg
    parts = [
        f"{format_number(drug.max_mg_per_kg)} mg/kg x {format_number(weight_kg)} kg = "
        f"{format_number(by_weight)} mg"
    ]
    if drug.max_total_mg is not None and drug.max_total_mg > by_weight:
        parts.append(f"absolute maximum {format_number(drug.max_total_mg)} mg")
    return f" ({'; '.join(parts)})"


def _total_alert(
    entry: SessionEntry, drug: Drug, total: DrugTotal, weight: Decimal | None
) -> Alert:
    assert total.max_mg is not None
    label = _drug_label(entry, drug)
    amount = f"{format_number(total.total_mg)} mg"
    maximum = f"{format_number(total.max_mg)} mg"
    if drug.is_corticosteroid:
        return Alert(
            AlertCode.STEROID_OVER_MAXIMUM,
            AlertSeverity.WARNING,
            f"{label}: {amount} exceeds the session maximum of {maximum}",
        )
    return Alert(
        AlertCode.DOSE_OVER_MAXIMUM,
        AlertSeverity.BLOCKING,
        f"{label}: {amount} exceeds the maximum of {maximum}{_maximum_detail(drug, weight)}",
    )


def _site_steroid_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    for site_index, site in enumerate(entry.sites):
        per_drug: dict[str, Decimal] = {}
        for medication in site.medications:
            dose = dose_mg(medication.concentration_mg_per_ml, medication.volume_ml)
            per_drug[medication.drug_id] = per_drug.get(medication.drug_id, Decimal(0)) + dose
        for drug_id, amount in per_drug.items():
            drug = catalog.drugs.get(drug_id)
            if drug is None or drug.max_mg_per_site is None or amount <= drug.max_mg_per_site:
                continue
            yield Alert(
                AlertCode.STEROID_OVER_SITE_MAXIMUM,
                AlertSeverity.WARNING,
                f"{describe_site(site, site_index, catalog)}: {drug.name} "
                f"{format_number(amount)} mg exceeds the maximum of "
                f"{format_number(drug.max_mg_per_site)} mg per site",
                f"sites[{site_index}].medications",
            )
