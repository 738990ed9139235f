"""Coding warnings: same-day conflicts, Medicare dry needling, guidance without its record,
diagnoses that never stand alone. All are warnings: the clinician decides, nothing blocks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tpi_desk.clinical.alerts import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.catalog.coding_rules import ModifierRole
from tpi_desk.clinical.coding import statutorily_excluded
from tpi_desk.clinical.record import Coverage, PriorSession, ProcedureKind, SessionEntry
from tpi_desk.clinical.same_day import on_entry_clock, same_day_sessions, shared_muscle_sides

# The warning for a second session of one kind the same day, by kind.
ONE_CODE_PER_DAY = {
    ProcedureKind.TRIGGER_POINT_INJECTION: AlertCode.ONE_TPI_CODE_PER_DAY,
    ProcedureKind.DRY_NEEDLING: AlertCode.ONE_DRY_NEEDLING_CODE_PER_DAY,
}
_KIND_NAMES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "trigger point injection",
    ProcedureKind.DRY_NEEDLING: "dry-needling",
}
_SEVERITY_RANK = {AlertSeverity.BLOCKING: 0, AlertSeverity.WARNING: 1, AlertSeverity.INFO: 2}


def coding_alerts(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    coverage: Coverage = Coverage.UNKNOWN,
    history: Sequence[PriorSession] = (),
) -> tuple[Alert, ...]:
    """Every coding warning for ``entry``; ``history`` holds the patient's other sessions,
    later ones of the same day included (drafts count: the day is not over)."""
    return (
        *_same_day_alerts(entry, catalog, history),
        *_dry_needling_coverage_alerts(entry, catalog, coverage),
        *_guidance_alerts(entry, catalog),
        *_code_first_alerts(entry, catalog),
    )


def with_coding_alerts(alerts: Sequence[Alert], more: Sequence[Alert]) -> tuple[Alert, ...]:
    """Both lists in one, blocking first (a stable sort keeps each list's order)."""
    return tuple(sorted((*alerts, *more), key=lambda alert: _SEVERITY_RANK[alert.severity]))


def _same_day_alerts(
    entry: SessionEntry, catalog: Catalog, history: Sequence[PriorSession]
) -> Iterator[Alert]:
    day = entry.performed_at.date().isoformat()
    same_kind = same_day_sessions(entry, history, kind=entry.kind)
    if same_kind:
        kind = _KIND_NAMES[entry.kind]
        codes = "/".join(
            code.code for code in catalog.cpt.values() if code.procedure_kind is entry.kind
        )
        times = ", ".join(_time(prior, entry) for prior in same_kind)
        yield Alert(
            ONE_CODE_PER_DAY[entry.kind],
            AlertSeverity.WARNING,
            f"Another {kind} session of this patient on {day} ({times}): {codes} is reported "
            "once per day, counted over all the day's muscles; the billing export reports one "
            "line for the day",
            "performed_at",
        )
    other_kind = [prior for prior in same_day_sessions(entry, history) if prior.kind != entry.kind]
    reported: set[str] = set()
    for index, site in enumerate(entry.sites):
        for prior in other_kind:
            shared = shared_muscle_sides([(site.muscle_id, site.side)], prior.sites)
            if not shared or site.muscle_id in reported:
                continue
            reported.add(site.muscle_id)
            sides = " and ".join(sorted(side.value for _, side in shared))
            muscle = catalog.muscles.get(site.muscle_id)
            name = muscle.name if muscle is not None else site.muscle_id
            yield Alert(
                AlertCode.NCCI_SAME_MUSCLE_TPI_AND_DRY_NEEDLING,
                AlertSeverity.WARNING,
                f"{name} ({sides}) also had {_KIND_NAMES[prior.kind]} on {day} "
                f"({_time(prior, entry)}): trigger point injection and dry "
                "needling of the same muscle on the same day are not both reported (NCCI)",
                f"sites[{index}].muscle",
            )


def _dry_needling_coverage_alerts(
    entry: SessionEntry, catalog: Catalog, coverage: Coverage
) -> Iterator[Alert]:
    if not entry.sites or not statutorily_excluded(entry, catalog, coverage):
        return
    rule = catalog.coding_rules.medicare_dry_needling
    assert rule is not None
    modifier = catalog.coding_rules.modifier(ModifierRole.STATUTORILY_EXCLUDED)
    yield Alert(
        AlertCode.MEDICARE_DRY_NEEDLING_NOT_COVERED,
        AlertSeverity.WARNING,
        f"Medicare covers dry needling only for chronic low back pain (NCD {rule.ncd_id}: "
        f"{', '.join(rule.covered_diagnoses)}); without such a diagnosis it is excluded: "
        f"the claim carries {modifier}, and the patient may be told before (an advance "
        "notice is voluntary)",
        "diagnoses",
    )


def _guidance_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    """Guidance reportable with this procedure but no written interpretation. (A guided
    injection without a retained image is warned about by the session alerts.)"""
    if not entry.ultrasound_guided or entry.ultrasound_interpretation.strip():
        return
    procedures = {c.code for c in catalog.cpt.values() if c.procedure_kind is entry.kind}
    guidance = [
        code.code
        for code in catalog.cpt.values()
        if code.ultrasound_guidance and procedures & set(code.reportable_with)
    ]
    if not guidance:
        return
    yield Alert(
        AlertCode.ULTRASOUND_INTERPRETATION_MISSING,
        AlertSeverity.WARNING,
        f"Ultrasound guidance ({', '.join(guidance)}) is billed only with a written "
        "interpretation (what the image showed, the needle seen entering the target); none "
        "is recorded, so it is not coded",
        "ultrasound.interpretation",
    )


def _code_first_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    needs_another = set(catalog.coding_rules.code_first.codes)
    coded = list(dict.fromkeys(entry.diagnoses))
    if any(code not in needs_another for code in coded):
        return
    for index, code in enumerate(entry.diagnoses):
        if code not in needs_another or code in entry.diagnoses[:index]:
            continue
        known = catalog.icd10.get(code)
        described = f"{code} ({known.descriptor})" if known is not None else code
        yield Alert(
            AlertCode.POST_COVID_CONDITION_MISSING,
            AlertSeverity.WARNING,
            f"{described} does not stand alone: code first the condition it describes "
            "(the myalgia, headache or other condition the patient is treated for)",
            f"diagnoses[{index}]",
        )


def _time(prior: PriorSession, entry: SessionEntry) -> str:
    return on_entry_clock(prior.performed_at, entry).strftime("%H:%M")
