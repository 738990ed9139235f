"""CPT, HCPCS and ICD-10-CM lines derived from a session, from catalog rules not literals.

The session's own lines (``cpt``, ``hcpcs``) are what the session coded; ``day`` is its share
of the claim for its date of service, where the procedure code is reported once per patient,
date and kind over all the muscles of the day's signed sessions (DOMAIN.md, CPT).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tpi_desk.clinical.catalog import Catalog, CptCode
from tpi_desk.clinical.catalog.coding_rules import ModifierRole
from tpi_desk.clinical.code_lines import CPT as CPT
from tpi_desk.clinical.code_lines import HCPCS as HCPCS
from tpi_desk.clinical.code_lines import CodeLine as CodeLine
from tpi_desk.clinical.drug_lines import drug_lines
from tpi_desk.clinical.drug_lines import hcpcs_units as hcpcs_units
from tpi_desk.clinical.record import (
    Coverage,
    PriorSession,
    ProcedureKind,
    SessionEntry,
    Side,
)
from tpi_desk.clinical.same_day import (
    SiteKey,
    entry_sites,
    reported_before,
    same_day_sessions,
    sides_treated,
)
from tpi_desk.clinical.settings import CodingSettings

DEFAULT_CODING_SETTINGS = CodingSettings()


@dataclass(frozen=True, slots=True)
class DayClaim:
    """The session's lines on the claim of its date of service.

    ``sessions``: the day's sessions of this kind on the claim (this one and the other signed
    ones). ``reports_procedure``: this session carries the day's procedure line (the earliest
    of them does); the others carry only their other lines (guidance, drugs).
    ``muscle_count``: the day's muscles the procedure code is counted over.
    """

    lines: tuple[CodeLine, ...]
    muscle_count: int
    sessions: int = 1
    reports_procedure: bool = True


@dataclass(frozen=True, slots=True)
class CodingSummary:
    cpt: tuple[CodeLine, ...]
    hcpcs: tuple[CodeLine, ...]
    icd10: tuple[str, ...]
    muscle_count: int
    day: DayClaim

    @property
    def all_lines(self) -> tuple[CodeLine, ...]:
        """The session's own lines, CPT first."""
        return self.cpt + self.hcpcs

    @property
    def claim_lines(self) -> tuple[CodeLine, ...]:
        """The lines the billing export reports for this session (once-per-day rule applied)."""
        return self.day.lines


def count_muscles(sites: Iterable[SiteKey], settings: CodingSettings) -> int:
    """Distinct muscles for the CPT count.

    With sides counted separately (the default), each muscle counts once per side treated:
    bilateral is left plus right, and a midline site counts once, adding nothing to a left or
    right site of the same muscle (a muscle has at most two sides). The payer override
    counts each muscle once whatever its sides.
    """
    sites = tuple(sites)
    if not settings.count_sides_separately:
        return len({muscle for muscle, _ in sites})
    sides: dict[str, set[Side]] = {}
    for muscle, side in sites:
        treated = sides.setdefault(muscle, set())
        if side is not Side.MIDLINE:
            treated.update(sides_treated(side))
    return sum(max(1, len(treated)) for treated in sides.values())


def counted_muscles(entry: SessionEntry, settings: CodingSettings) -> int:
    """The session's distinct muscles for the CPT count (see ``count_muscles``)."""
    return count_muscles(((site.muscle_id, site.side) for site in entry.sites), settings)


def procedure_code(catalog: Catalog, kind: ProcedureKind, muscle_count: int) -> CptCode | None:
    """The catalog's procedure code for ``muscle_count`` distinct muscles (None for zero)."""
    for code in catalog.cpt.values():
        if code.covers(kind, muscle_count):
            return code
    return None


def statutorily_excluded(entry: SessionEntry, catalog: Catalog, coverage: Coverage) -> bool:
    """Dry needling for a Medicare patient without a diagnosis the NCD covers (GY)."""
    rule = catalog.coding_rules.medicare_dry_needling
    if rule is None or entry.kind is not ProcedureKind.DRY_NEEDLING:
        return False
    if coverage not in rule.coverages:
        return False
    return not set(entry.diagnoses) & set(rule.covered_diagnoses)


def image_retained(entry: SessionEntry) -> bool:
    """Whether a permanent image of the guidance is kept: an image attached to the session,
    or one the clinician marks as kept elsewhere (on the device, in the PACS)."""
    return bool(entry.ultrasound_images) or entry.ultrasound_image_retained


def guidance_billable(entry: SessionEntry) -> bool:
    """76942 needs the guidance, a permanently retained image and a written interpretation."""
    return (
        entry.ultrasound_guided
        and image_retained(entry)
        and bool(entry.ultrasound_interpretation.strip())
    )


def _procedure_line(
    entry: SessionEntry, catalog: Catalog, muscle_count: int, coverage: Coverage
) -> CodeLine | None:
    procedure = procedure_code(catalog, entry.kind, muscle_count)
    if procedure is None:
        return None
    modifiers: tuple[str, ...] = ()
    if statutorily_excluded(entry, catalog, coverage):
        modifiers = (catalog.coding_rules.modifier(ModifierRole.STATUTORILY_EXCLUDED),)
    return CodeLine(CPT, procedure.code, procedure.descriptor, 1, modifiers)


def _guidance_lines(entry: SessionEntry, catalog: Catalog, procedure: CodeLine) -> list[CodeLine]:
    # Guidance is reportable only with the procedure codes the catalog names (20552/20553);
    # with dry needling (20560/20561) it is not reported, so no line is added.
    if not guidance_billable(entry):
        return []
    return [
        CodeLine(CPT, code.code, code.descriptor, 1)
        for code in catalog.cpt.values()
        if code.ultrasound_guidance and procedure.code in code.reportable_with
    ]


def _day_claim(
    entry: SessionEntry,
    catalog: Catalog,
    settings: CodingSettings,
    coverage: Coverage,
    history: Sequence[PriorSession],
    own: tuple[CodeLine, ...],
) -> DayClaim:
    others = same_day_sessions(entry, history, kind=entry.kind, signed_only=True)
    own_count = counted_muscles(entry, settings)
    if not others:
        return DayClaim(own, own_count)
    day_sites = [*entry_sites(entry), *(site for prior in others for site in prior.sites)]
    day_count = count_muscles(day_sites, settings)
    procedure_codes = {c.code for c in catalog.cpt.values() if c.procedure_kind is entry.kind}
    rest = tuple(line for line in own if line.code not in procedure_codes)
    if any(reported_before(prior, entry) for prior in others):
        return DayClaim(rest, day_count, len(others) + 1, reports_procedure=False)
    day_line = _procedure_line(entry, catalog, day_count, coverage)
    lines = rest if day_line is None else (day_line, *rest)
    return DayClaim(lines, day_count, len(others) + 1)


def derive_codes(
    entry: SessionEntry,
    catalog: Catalog,
    settings: CodingSettings = DEFAULT_CODING_SETTINGS,
    *,
    coverage: Coverage = Coverage.UNKNOWN,
    history: Sequence[PriorSession] = (),
) -> CodingSummary:
    """The claim lines for one session: one procedure code, guidance, drug units, diagnoses.

    ``coverage`` decides Medicare-only modifiers (GY); ``history`` (the patient's other
    sessions, later ones of the same day included) decides the day's claim (``day``).
    """
    muscle_count = counted_muscles(entry, settings)
    procedure = _procedure_line(entry, catalog, muscle_count, coverage)
    cpt = () if procedure is None else (procedure, *_guidance_lines(entry, catalog, procedure))
    hcpcs = drug_lines(entry, catalog, settings)
    return CodingSummary(
        cpt=cpt,
        hcpcs=hcpcs,
        icd10=tuple(dict.fromkeys(entry.diagnoses)),
        muscle_count=muscle_count,
        day=_day_claim(entry, catalog, settings, coverage, history, cpt + hcpcs),
    )
