"""Dose arithmetic: mg from concentration and volume, per-drug totals and their maxima."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tpi_desk.clinical.catalog import Catalog, Drug
from tpi_desk.clinical.record import MedicationEntry, SessionEntry

MG_PER_ML_PER_PERCENT = Decimal(10)
_HUNDREDTH = Decimal("0.01")


def dose_mg(concentration_mg_per_ml: Decimal, volume_ml: Decimal) -> Decimal:
    """The exact dose in mg: mg/mL x mL."""
    return concentration_mg_per_ml * volume_ml


def percent_to_mg_per_ml(percent: Decimal) -> Decimal:
    """A strength in % as mg/mL (1 % = 10 mg/mL)."""
    return percent * MG_PER_ML_PER_PERCENT


def mg_per_ml_to_percent(concentration_mg_per_ml: Decimal) -> Decimal:
    """A strength in mg/mL as % (10 mg/mL = 1 %)."""
    return concentration_mg_per_ml / MG_PER_ML_PER_PERCENT


def format_number(value: Decimal) -> str:
    """A value for display: rounded to 0.01, without trailing zeros ("315", "4.5", "0.33")."""
    rounded = value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_strength(drug: Drug, concentration_mg_per_ml: Decimal) -> str:
    """Local anaesthetics in % ("1 %"), everything else in mg/mL ("40 mg/mL")."""
    if drug.is_local_anaesthetic:
        return f"{format_number(mg_per_ml_to_percent(concentration_mg_per_ml))} %"
    return f"{format_number(concentration_mg_per_ml)} mg/mL"


@dataclass(frozen=True, slots=True)
class DrugTotal:
    """One drug's total for the session and how it compares with the effective maximum.

    ``max_mg`` is the lower of the absolute maximum and mg/kg x weight (when the weight is
    known); ``fraction_of_max`` is ``total_mg / max_mg``. All values are exact.
    """

    drug_id: str
    total_mg: Decimal
    mg_per_kg: Decimal | None
    max_mg: Decimal | None
    fraction_of_max: Decimal | None


def effective_maximum_mg(drug: Drug | None, weight_kg: Decimal | None) -> Decimal | None:
    """The lower of the drug's absolute maximum and its per-kg maximum x weight, if any."""
    if drug is None:
        return None
    limits = []
    if drug.max_total_mg is not None:
        limits.append(drug.max_total_mg)
    if drug.max_mg_per_kg is not None and weight_kg is not None:
        limits.append(drug.max_mg_per_kg * weight_kg)
    return min(limits) if limits else None


def medications(entry: SessionEntry) -> Iterator[tuple[int, int, MedicationEntry]]:
    """Every medication line with its zero-based site and medication indices."""
    for site_index, site in enumerate(entry.sites):
        for medication_index, medication in enumerate(site.medications):
            yield site_index, medication_index, medication


def dose_totals(
    entry: SessionEntry, catalog: Catalog, weight_kg: Decimal | None
) -> tuple[DrugTotal, ...]:
    """Total mg per drug over all sites, in the order the drugs are first used."""
    if weight_kg is not None and weight_kg <= 0:
        raise ValueError(f"weight must be greater than 0 kg, not {weight_kg}")
    totals: dict[str, Decimal] = {}
    for _, _, medication in medications(entry):
        dose = dose_mg(medication.concentration_mg_per_ml, medication.volume_ml)
        totals[medication.drug_id] = totals.get(medication.drug_id, Decimal(0)) + dose
    result = []
    for drug_id, total in totals.items():
        maximum = effective_maximum_mg(catalog.drugs.get(drug_id), weight_kg)
        result.append(
            DrugTotal(
                drug_id=drug_id,
                total_mg=total,
                mg_per_kg=total / weight_kg if weight_kg is not None else None,
                max_mg=maximum,
                fraction_of_max=total / maximum if maximum is not None else None,
            )
        )
    return tuple(result)


def combined_local_anaesthetic_fraction(totals: Sequence[DrugTotal], catalog: Catalog) -> Decimal:
    """The sum of each local anaesthetic's fraction of its maximum (1 = the combined limit)."""
    fraction = Decimal(0)
    for total in totals:
        drug = catalog.drugs.get(total.drug_id)
        if drug is not None and drug.is_local_anaesthetic and total.fraction_of_max is not None:
            fraction += total.fraction_of_max
    return fraction
