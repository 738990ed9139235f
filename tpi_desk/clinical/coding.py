"""CPT, HCPCS and ICD-10-CM lines derived from a session, from catalog rules not literals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from tpi_desk.clinical.catalog import Catalog, CptCode
from tpi_desk.clinical.dosing import dose_totals, format_number
from tpi_desk.clinical.record import ProcedureKind, SessionEntry, Side
from tpi_desk.clinical.settings import CodingSettings

CPT = "CPT"
HCPCS = "HCPCS"
DEFAULT_CODING_SETTINGS = CodingSettings()


@dataclass(frozen=True, slots=True)
class CodeLine:
    code_system: str
    code: str
    descriptor: str
    units: int
    modifiers: tuple[str, ...] = ()
    drug_id: str | None = None
    dose_mg: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CodingSummary:
    cpt: tuple[CodeLine, ...]
    hcpcs: tuple[CodeLine, ...]
    icd10: tuple[str, ...]
    muscle_count: int

    @property
    def all_lines(self) -> tuple[CodeLine, ...]:
        return self.cpt + self.hcpcs


def counted_muscles(entry: SessionEntry, settings: CodingSettings) -> int:
    """Distinct muscles for the CPT count.

    With sides counted separately, each muscle counts once per side treated: bilateral is
    left plus right, and a midline site counts once, adding nothing to a left or right site of
    the same muscle (a muscle has at most two sides).
    """
    if not settings.count_sides_separately:
        return len({site.muscle_id for site in entry.sites})
    sides: dict[str, set[Side]] = {}
    for site in entry.sites:
        treated = sides.setdefault(site.muscle_id, set())
        if site.side is Side.BILATERAL:
            treated.update((Side.LEFT, Side.RIGHT))
        elif site.side in (Side.LEFT, Side.RIGHT):
            treated.add(site.side)
    return sum(max(1, len(treated)) for treated in sides.values())


def procedure_code(catalog: Catalog, kind: ProcedureKind, muscle_count: int) -> CptCode | None:
    """The catalog's procedure code for ``muscle_count`` distinct muscles (None for zero)."""
    for code in catalog.cpt.values():
        if code.covers(kind, muscle_count):
            return code
    return None


def hcpcs_units(total_mg: Decimal, unit_mg: Decimal) -> int:
    """Billing units: total mg over the mg of one unit, rounded up (at least 1)."""
    units = (total_mg / unit_mg).to_integral_value(rounding=ROUND_CEILING)
    return max(1, int(units))


def _cpt_lines(entry: SessionEntry, catalog: Catalog, muscle_count: int) -> tuple[CodeLine, ...]:
    procedure = procedure_code(catalog, entry.kind, muscle_count)
    if procedure is None:
        return ()
    lines = [CodeLine(CPT, procedure.code, procedure.descriptor, 1)]
    if entry.ultrasound_guided:
        # Guidance is reportable only with the procedure codes the catalog names (20552/20553);
        # with dry needling (20560/20561) it is not reported, so no line is added.
        lines.extend(
            CodeLine(CPT, code.code, code.descriptor, 1)
            for code in catalog.cpt.values()
            if code.ultrasound_guidance and procedure.code in code.reportable_with
        )
    return tuple(lines)


def _hcpcs_lines(entry: SessionEntry, catalog: Catalog) -> tuple[CodeLine, ...]:
    if entry.kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
        return ()
    lines = []
    for total in dose_totals(entry, catalog, weight_kg=None):
        drug = catalog.drugs.get(total.drug_id)
        if drug is None or drug.hcpcs_code is None or drug.hcpcs_unit_mg is None:
            continue
        if total.total_mg <= 0:
            continue
        descriptor = f"{drug.name}, per {format_number(drug.hcpcs_unit_mg)} mg"
        units = hcpcs_units(total.total_mg, drug.hcpcs_unit_mg)
        lines.append(
            CodeLine(HCPCS, drug.hcpcs_code, descriptor, units, (), drug.id, total.total_mg)
        )
    return tuple(lines)


def derive_codes(
    entry: SessionEntry, catalog: Catalog, settings: CodingSettings = DEFAULT_CODING_SETTINGS
) -> CodingSummary:
    """The claim lines for one session: one procedure code, guidance, drug units, diagnoses.

    JW/JZ waste modifiers are not added: the session record does not hold the discarded amount.
    """
    muscle_count = counted_muscles(entry, settings)
    return CodingSummary(
        cpt=_cpt_lines(entry, catalog, muscle_count),
        hcpcs=_hcpcs_lines(entry, catalog),
        icd10=tuple(dict.fromkeys(entry.diagnoses)),
        muscle_count=muscle_count,
    )
