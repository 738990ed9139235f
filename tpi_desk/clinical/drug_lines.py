"""HCPCS drug lines of a session: billing units, and JW/JZ for single-dose containers.

Each drug is one line per kind of container. From a single-dose container (the medication's
``container``, or the catalog product's usual one), the line carries JZ when nothing was
discarded; when some was, the administered units go on a line without JW/JZ and the
discarded units on a second line with JW. Units are the mg over the mg of one billing unit,
rounded up; the discarded units are the units of administered plus discarded amount less the
administered units, so the two lines never bill more than the vials held (CMS JW/JZ FAQ; CGS
example: 305 mg given and 95 mg discarded of 10 mg units bill 31 + 9 units). When the
administered units already cover the discarded amount there is no JW line, and JZ applies.
Multi-dose containers carry neither modifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from tpi_desk.clinical.catalog import Catalog, Drug
from tpi_desk.clinical.catalog.coding_rules import ModifierRole
from tpi_desk.clinical.code_lines import HCPCS, CodeLine
from tpi_desk.clinical.dosing import dose_mg, format_number
from tpi_desk.clinical.record import ContainerKind, MedicationEntry, ProcedureKind, SessionEntry
from tpi_desk.clinical.settings import CodingSettings


def hcpcs_units(total_mg: Decimal, unit_mg: Decimal) -> int:
    """Billing units: total mg over the mg of one unit, rounded up (at least 1)."""
    units = (total_mg / unit_mg).to_integral_value(rounding=ROUND_CEILING)
    return max(1, int(units))


def container_of(medication: MedicationEntry, drug: Drug | None) -> ContainerKind:
    """The container the medication was drawn from: as recorded, else the product's usual."""
    if medication.container is not None:
        return medication.container
    if drug is not None and drug.single_dose_container:
        return ContainerKind.SINGLE_DOSE
    return ContainerKind.MULTI_DOSE


@dataclass(slots=True)
class _Amounts:
    given_mg: Decimal = field(default_factory=Decimal)
    discarded_mg: Decimal = field(default_factory=Decimal)


def drug_lines(
    entry: SessionEntry, catalog: Catalog, settings: CodingSettings
) -> tuple[CodeLine, ...]:
    """The session's separately billable drug lines, in the order drugs were first given.

    Only injections bill drugs. A drug without a HCPCS code (lidocaine, saline) has no line;
    local anaesthetics with a code of their own (bupivacaine) have one only when the clinic's
    settings bill them (some payers bundle them into the procedure).
    """
    if entry.kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
        return ()
    amounts: dict[tuple[str, ContainerKind], _Amounts] = {}
    for site in entry.sites:
        for medication in site.medications:
            container = container_of(medication, catalog.drugs.get(medication.drug_id))
            found = amounts.setdefault((medication.drug_id, container), _Amounts())
            concentration = medication.concentration_mg_per_ml
            found.given_mg += dose_mg(concentration, medication.volume_ml)
            if container is ContainerKind.SINGLE_DOSE and medication.discarded_ml:
                found.discarded_mg += dose_mg(concentration, medication.discarded_ml)
    lines: list[CodeLine] = []
    for (drug_id, container), amount in amounts.items():
        drug = catalog.drugs.get(drug_id)
        if drug is None or drug.hcpcs_code is None or drug.hcpcs_unit_mg is None:
            continue
        if drug.is_local_anaesthetic and not settings.bill_local_anesthetic_drugs:
            continue
        if amount.given_mg <= 0:
            continue
        lines.extend(_lines_of(drug, container, amount, catalog))
    return tuple(lines)


def _lines_of(
    drug: Drug, container: ContainerKind, amount: _Amounts, catalog: Catalog
) -> list[CodeLine]:
    assert drug.hcpcs_code is not None and drug.hcpcs_unit_mg is not None
    unit_mg = drug.hcpcs_unit_mg
    descriptor = f"{drug.name}, per {format_number(unit_mg)} mg"
    units = hcpcs_units(amount.given_mg, unit_mg)

    def line(count: int, modifiers: tuple[str, ...], mg: Decimal, text: str) -> CodeLine:
        return CodeLine(HCPCS, drug.hcpcs_code or "", text, count, modifiers, drug.id, mg)

    if container is ContainerKind.MULTI_DOSE:
        return [line(units, (), amount.given_mg, descriptor)]
    rules = catalog.coding_rules
    with_discarded = hcpcs_units(amount.given_mg + amount.discarded_mg, unit_mg)
    discarded_units = with_discarded - units
    if discarded_units <= 0:
        no_waste = rules.modifier(ModifierRole.NO_DRUG_DISCARDED)
        return [line(units, (no_waste,), amount.given_mg, descriptor)]
    waste = rules.modifier(ModifierRole.DRUG_DISCARDED)
    return [
        line(units, (), amount.given_mg, descriptor),
        line(discarded_units, (waste,), amount.discarded_mg, f"{descriptor}, discarded"),
    ]
