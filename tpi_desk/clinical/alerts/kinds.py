"""What an alert is: its stable code, its severity and its message, and small helpers the
alert modules share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tpi_desk.clinical.catalog import Catalog


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
    IMAGE_PATIENT_MISMATCH = "image_patient_mismatch"
    PNEUMOTHORAX_RISK_SITE = "pneumothorax_risk_site"
    SESSIONS_IN_12_MONTHS = "sessions_in_12_months"
    SAME_MUSCLE_WITHIN_6_WEEKS = "same_muscle_within_6_weeks"
    MULTIPLE_REGIONS = "multiple_regions"
    DIAGNOSIS_NOT_COVERED = "diagnosis_not_covered"
    CONCENTRATION_NOT_MARKETED = "concentration_not_marketed"
    STEROID_OVER_90_DAY_LIMIT = "steroid_over_90_day_limit"
    DRY_NEEDLING_SCOPE = "dry_needling_scope"
    INJECTION_SCOPE = "injection_scope"
    CREDENTIALS_UNKNOWN = "credentials_unknown"
    # Coding warnings (clinical/coding_alerts.py).
    NCCI_SAME_MUSCLE_TPI_AND_DRY_NEEDLING = "ncci_same_muscle_tpi_and_dry_needling"
    ONE_TPI_CODE_PER_DAY = "one_tpi_code_per_day"
    ONE_DRY_NEEDLING_CODE_PER_DAY = "one_dry_needling_code_per_day"
    MEDICARE_DRY_NEEDLING_NOT_COVERED = "medicare_dry_needling_not_covered"
    ULTRASOUND_INTERPRETATION_MISSING = "ultrasound_interpretation_missing"
    POST_COVID_CONDITION_MISSING = "post_covid_condition_missing"


# Hard stops (issue 12): blocking until the clinician types an override reason; with one
# they stay visible as warnings that say they were overridden.
HARD_STOPS = frozenset(
    {
        AlertCode.LOT_EXPIRED,
        AlertCode.ALLERGY_CONFLICT,
        AlertCode.DOSE_OVER_MAXIMUM,
        AlertCode.COMBINED_ANAESTHETIC_OVER_MAXIMUM,
    }
)


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the clinician should see; only BLOCKING alerts stop signing."""

    code: str
    severity: AlertSeverity
    message: str
    path: str | None = None
    # A hard stop the clinician signed past with an override reason (now a warning).
    overridden: bool = False


SEVERITY_ORDER = {AlertSeverity.BLOCKING: 0, AlertSeverity.WARNING: 1, AlertSeverity.INFO: 2}


def blocking(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    return tuple(alert for alert in alerts if alert.severity is AlertSeverity.BLOCKING)


def hard_stops(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """The hard stops among ``alerts``, overridden or not (the sign dialog asks for a reason
    while one of them is blocking)."""
    return tuple(alert for alert in alerts if alert.code in HARD_STOPS)


def with_override(alerts: Sequence[Alert], reason: str) -> tuple[Alert, ...]:
    """``alerts`` with every blocking hard stop made an overridden warning when ``reason``
    is not blank; unchanged otherwise."""
    reason = " ".join(reason.split())
    if not reason:
        return tuple(alerts)
    return tuple(
        Alert(
            alert.code,
            AlertSeverity.WARNING,
            f"{alert.message} (overridden: {reason})",
            alert.path,
            overridden=True,
        )
        if alert.code in HARD_STOPS and alert.severity is AlertSeverity.BLOCKING
        else alert
        for alert in alerts
    )


def drug_name(catalog: Catalog, drug_id: str) -> str:
    drug = catalog.drugs.get(drug_id)
    return drug.name if drug is not None else drug_id


def join_names(names: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
