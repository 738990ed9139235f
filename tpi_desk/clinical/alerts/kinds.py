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
    PNEUMOTHORAX_RISK_SITE = "pneumothorax_risk_site"
    SESSIONS_IN_12_MONTHS = "sessions_in_12_months"
    SAME_MUSCLE_WITHIN_6_WEEKS = "same_muscle_within_6_weeks"
    MULTIPLE_REGIONS = "multiple_regions"
    DIAGNOSIS_NOT_COVERED = "diagnosis_not_covered"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the clinician should see; only BLOCKING alerts stop signing."""

    code: str
    severity: AlertSeverity
    message: str
    path: str | None = None


SEVERITY_ORDER = {AlertSeverity.BLOCKING: 0, AlertSeverity.WARNING: 1, AlertSeverity.INFO: 2}


def blocking(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    return tuple(alert for alert in alerts if alert.severity is AlertSeverity.BLOCKING)


def drug_name(catalog: Catalog, drug_id: str) -> str:
    drug = catalog.drugs.get(drug_id)
    return drug.name if drug is not None else drug_id


def join_names(names: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
