"""Payer alerts from the Medicare TPI LCDs: ultrasound guidance, sessions per year, the
interval at one muscle, regions per session, covered diagnoses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tpi_desk.clinical import payer_checks
from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import image_retained
from tpi_desk.clinical.record import PriorSession, SessionEntry


def ultrasound_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    rules = catalog.payer_rules
    if not entry.ultrasound_guided or not payer_checks.rules_apply(entry, rules):
        return
    codes = [code.code for code in catalog.cpt.values() if code.ultrasound_guidance]
    guidance = f"Ultrasound guidance ({', '.join(codes)})" if codes else "Ultrasound guidance"
    if not rules.ultrasound_guidance_covered:
        yield Alert(
            AlertCode.ULTRASOUND_NOT_COVERED,
            AlertSeverity.WARNING,
            f"{guidance} is not covered for trigger point injections under the Medicare LCDs "
            f"({', '.join(rules.lcd_ids)})",
            "ultrasound.guided",
        )
    if not image_retained(entry):
        yield Alert(
            AlertCode.ULTRASOUND_IMAGE_NOT_RETAINED,
            AlertSeverity.WARNING,
            f"{guidance} needs a permanent recorded image to be billed; no image is retained",
            "ultrasound.image_retained",
        )


def payer_alerts(
    entry: SessionEntry, catalog: Catalog, history: Sequence[PriorSession]
) -> Iterator[Alert]:
    rules = catalog.payer_rules
    if not payer_checks.rules_apply(entry, rules):
        return
    lcds = ", ".join(rules.lcd_ids)
    count = payer_checks.sessions_in_rolling_year(entry, history, rules)
    if count > rules.max_sessions_rolling_12_months:
        yield Alert(
            AlertCode.SESSIONS_IN_12_MONTHS,
            AlertSeverity.WARNING,
            f"This is session {count} in the last 12 months; payers cover at most "
            f"{rules.max_sessions_rolling_12_months} ({lcds})",
        )
    for repeated in payer_checks.muscles_repeated_too_soon(entry, history, rules):
        name = _muscle_name(catalog, repeated.muscle_id)
        if repeated.side is not None:
            name = f"{name} ({repeated.side.value})"
        yield Alert(
            AlertCode.SAME_MUSCLE_WITHIN_6_WEEKS,
            AlertSeverity.WARNING,
            f"{name} was treated {repeated.days_since} days earlier "
            f"({repeated.previous_date.isoformat()}); payers expect at least "
            f"{rules.min_days_between_same_muscle} days between sessions at the same muscle",
            f"sites[{repeated.site_index}].muscle",
        )
    regions = payer_checks.regions_in_session(entry, catalog)
    if len(regions) > rules.max_regions_per_session:
        names = ", ".join(region.replace("_", " ") for region in regions)
        yield Alert(
            AlertCode.MULTIPLE_REGIONS,
            AlertSeverity.WARNING,
            f"The sites span {len(regions)} anatomical regions ({names}); payers cover "
            f"{_count(rules.max_regions_per_session, 'region')} per session",
            "sites",
        )
    for index, code in payer_checks.uncovered_diagnoses(entry, rules):
        known = catalog.icd10.get(code)
        described = f"{code} ({known.descriptor})" if known is not None else code
        yield Alert(
            AlertCode.DIAGNOSIS_NOT_COVERED,
            AlertSeverity.WARNING,
            f"{described} is not on the covered diagnosis list for trigger point injections "
            f"({lcds})",
            f"diagnoses[{index}]",
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _muscle_name(catalog: Catalog, muscle_id: str) -> str:
    muscle = catalog.muscles.get(muscle_id)
    return muscle.name if muscle is not None else muscle_id
