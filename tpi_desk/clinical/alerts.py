"""Warnings and blocking alerts for a session: doses, lots, allergies, ultrasound, payers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tpi_desk.clinical import payer_checks
from tpi_desk.clinical.catalog import Catalog, Drug, Excipient
from tpi_desk.clinical.dosing import (
    DrugTotal,
    combined_local_anaesthetic_fraction,
    dose_mg,
    dose_totals,
    format_number,
    format_strength,
    medications,
)
from tpi_desk.clinical.record import PriorSession, SessionEntry
from tpi_desk.clinical.text_folding import fold
from tpi_desk.clinical.validation import describe_site


class AlertSeverity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    BLOCKING = "blocking"


class AlertCode(StrEnum):
    """Stable machine ids of alerts (stored, exported, tested); messages may change."""

    LOT_EXPIRED = "lot_expired"
    ALLERGY_CONFLICT = "allergy_conflict"
    PERFORMED_IN_FUTURE = "performed_in_future"
    DOSE_OVER_MAXIMUM = "dose_over_maximum"
    STEROID_OVER_MAXIMUM = "steroid_over_maximum"
    STEROID_OVER_SITE_MAXIMUM = "steroid_over_site_maximum"
    COMBINED_ANAESTHETIC_OVER_MAXIMUM = "combined_anaesthetic_over_maximum"
    WEIGHT_MISSING = "weight_missing"
    ULTRASOUND_NOT_COVERED = "ultrasound_not_covered"
    ULTRASOUND_IMAGE_NOT_RETAINED = "ultrasound_image_not_retained"
    PNEUMOTHORAX_RISK_SITE = "pneumothorax_risk_site"
    SESSIONS_IN_12_MONTHS = "sessions_in_12_months"
    SAME_MUSCLE_WITHIN_6_WEEKS = "same_muscle_within_6_weeks"
    MULTIPLE_REGIONS = "multiple_regions"
    DIAGNOSIS_NOT_COVERED = "diagnosis_not_covered"
    # Coding warnings (clinical/coding_alerts.py).
    NCCI_SAME_MUSCLE_TPI_AND_DRY_NEEDLING = "ncci_same_muscle_tpi_and_dry_needling"
    ONE_TPI_CODE_PER_DAY = "one_tpi_code_per_day"
    ONE_DRY_NEEDLING_CODE_PER_DAY = "one_dry_needling_code_per_day"
    MEDICARE_DRY_NEEDLING_NOT_COVERED = "medicare_dry_needling_not_covered"
    ULTRASOUND_INTERPRETATION_MISSING = "ultrasound_interpretation_missing"
    POST_COVID_CONDITION_MISSING = "post_covid_condition_missing"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the clinician should see; only BLOCKING alerts stop signing."""

    code: str
    severity: AlertSeverity
    message: str
    path: str | None = None


_SEVERITY_ORDER = {AlertSeverity.BLOCKING: 0, AlertSeverity.WARNING: 1, AlertSeverity.INFO: 2}

# Words of drug names that name a salt, a diluent or a link, never an allergen on their own.
_NOT_ALLERGEN_WORDS = frozenset(
    {"with", "and", "sodium", "chloride", "phosphate", "acetate", "acetonide", "hydrochloride"}
)
_ANAESTHETIC_WORDS = frozenset({"anaesthetic", "anesthetic"})
# Local anaesthetic allergy classes, known even when the catalog has no drug of one of them,
# so that "ester local anaesthetics" is never read as every local anaesthetic.
_ANAESTHETIC_ALLERGY_CLASSES = frozenset({"amide", "ester"})
_CORTICOSTEROID_WORDS = frozenset({"corticosteroid", "steroid"})
_WORD = re.compile(r"[a-z0-9]+")


def session_alerts(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    weight_kg: Decimal | None,
    history: Sequence[PriorSession] = (),
    today: date,
    allergies: Sequence[str] = (),
) -> tuple[Alert, ...]:
    """Every alert for ``entry``, blocking first; never changes or caps a value.

    ``allergies`` are the patient's recorded allergies as free text ("lidocaine",
    "amide local anaesthetics"); each drug of the session is checked against them.
    """
    alerts = [
        *_lot_alerts(entry, catalog),
        *_allergy_alerts(entry, catalog, allergies),
        *_date_alerts(entry, today),
        *_dose_alerts(entry, catalog, weight_kg),
        *_ultrasound_alerts(entry, catalog),
        *_pneumothorax_alerts(entry, catalog),
        *_payer_alerts(entry, catalog, history),
    ]
    return tuple(sorted(alerts, key=lambda alert: _SEVERITY_ORDER[alert.severity]))


def blocking(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    return tuple(alert for alert in alerts if alert.severity is AlertSeverity.BLOCKING)


def _drug_name(catalog: Catalog, drug_id: str) -> str:
    drug = catalog.drugs.get(drug_id)
    return drug.name if drug is not None else drug_id


def _lot_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    session_date = entry.performed_at.date()
    for site_index, medication_index, medication in medications(entry):
        if medication.expires is None or medication.expires >= session_date:
            continue
        site = describe_site(entry.sites[site_index], site_index, catalog)
        lot = f"lot {medication.lot}" if medication.lot else "the lot"
        yield Alert(
            AlertCode.LOT_EXPIRED,
            AlertSeverity.BLOCKING,
            f"{site}, medication {medication_index + 1}: "
            f"{_drug_name(catalog, medication.drug_id)} {lot} expired on "
            f"{medication.expires.isoformat()}, before the session date "
            f"{session_date.isoformat()}",
            f"sites[{site_index}].medications[{medication_index}].expires",
        )


def _allergy_alerts(
    entry: SessionEntry, catalog: Catalog, allergies: Sequence[str]
) -> Iterator[Alert]:
    """One warning per drug and conflicting allergy, at the drug's first medication line."""
    allergy_words = [(allergy, _words_of(allergy)) for allergy in allergies]
    classes = _ANAESTHETIC_ALLERGY_CLASSES | {
        _allergy_class(drug) for drug in catalog.drugs.values() if drug.allergy_class
    }
    seen: set[str] = set()
    for site_index, medication_index, medication in medications(entry):
        if medication.drug_id in seen:
            continue
        seen.add(medication.drug_id)
        drug = catalog.drugs.get(medication.drug_id)
        for allergy, words in allergy_words:
            reason = _allergy_reason(medication.drug_id, drug, words, classes)
            if reason is None and drug is not None:
                reason = _excipient_reason(drug, words, catalog.excipients)
            if reason is None:
                continue
            yield Alert(
                AlertCode.ALLERGY_CONFLICT,
                AlertSeverity.WARNING,
                f"{_drug_name(catalog, medication.drug_id)} conflicts with the recorded "
                f'allergy "{allergy}": {reason}',
                f"sites[{site_index}].medications[{medication_index}].drug",
            )


def _allergy_reason(
    drug_id: str, drug: Drug | None, allergy: frozenset[str], classes: frozenset[str]
) -> str | None:
    """Why a drug conflicts with an allergy's (folded, singular) words, or None."""
    shared = [word for word in _allergen_words(drug_id, drug) if word in allergy]
    if shared:
        return f"it contains {_join(shared)}"
    if drug is None:
        return None
    named_classes = allergy & classes
    if named_classes:
        if _allergy_class(drug) in named_classes:
            return f"it is in the {drug.allergy_class} class"
        return None
    if drug.is_local_anaesthetic and "local" in allergy and allergy & _ANAESTHETIC_WORDS:
        return "it is a local anaesthetic"
    if drug.is_corticosteroid and allergy & _CORTICOSTEROID_WORDS:
        return "it is a corticosteroid"
    return None


def _excipient_reason(
    drug: Drug, allergy: frozenset[str], excipients: Mapping[str, Excipient]
) -> str | None:
    """Why the drug's usual vial conflicts with an allergy to one of its excipients, or None."""
    for name in drug.excipients:
        excipient = excipients.get(name)
        terms = excipient.allergy_terms if excipient is not None else ()
        if any(frozenset(_word_list(term)) <= allergy for term in terms):
            return f"its usual vial contains {name}; check the label of the vial used"
    return None


def _allergy_class(drug: Drug) -> str:
    return _singular(fold(drug.allergy_class or ""))


def _allergen_words(drug_id: str, drug: Drug | None) -> list[str]:
    """The words of a drug's name and id that can name an allergen, in order, each once."""
    names = f"{drug.name} {drug_id}" if drug is not None else drug_id
    words = dict.fromkeys(_word_list(names.replace("_", " ")))
    return [
        word
        for word in words
        if word.isalpha() and len(word) > 3 and word not in _NOT_ALLERGEN_WORDS
    ]


def _words_of(text: str) -> frozenset[str]:
    """The accent- and case-folded words of ``text``, plurals made singular ("amides")."""
    return frozenset(_word_list(text))


def _word_list(text: str) -> list[str]:
    return [_singular(word) for word in _WORD.findall(fold(text))]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _date_alerts(entry: SessionEntry, today: date) -> Iterator[Alert]:
    session_date = entry.performed_at.date()
    if session_date > today:
        yield Alert(
            AlertCode.PERFORMED_IN_FUTURE,
            AlertSeverity.WARNING,
            f"The session date {session_date.isoformat()} is after today ({today.isoformat()})",
            "performed_at",
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
        AlertSeverity.WARNING,
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


def _dose_alerts(
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
            AlertSeverity.WARNING,
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
            f"Patient weight not recorded: {_join(per_kg_drugs)} checked against the absolute "
            "maximum only, not the per-kg maximum",
            "patient.weight_kg",
        )


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _ultrasound_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
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
    if not entry.ultrasound_image_retained:
        yield Alert(
            AlertCode.ULTRASOUND_IMAGE_NOT_RETAINED,
            AlertSeverity.WARNING,
            f"{guidance} needs a permanent recorded image to be billed; no image is retained",
            "ultrasound.image_retained",
        )


def _pneumothorax_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
    seen: set[str] = set()
    for site_index, site in enumerate(entry.sites):
        muscle = catalog.muscles.get(site.muscle_id)
        if muscle is None or not muscle.pneumothorax_risk or muscle.id in seen:
            continue
        seen.add(muscle.id)
        yield Alert(
            AlertCode.PNEUMOTHORAX_RISK_SITE,
            AlertSeverity.INFO,
            f"{muscle.name} is a pneumothorax-risk site: include pneumothorax in the consent "
            "and tell the patient to seek care for shortness of breath or chest pain",
            f"sites[{site_index}].muscle",
        )


def _payer_alerts(
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
