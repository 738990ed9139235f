"""Warnings and blocking alerts for a session, one module per kind of check:
``dose_alerts``, ``steroid_alerts``, ``concentration_alerts``, ``allergy_alerts``,
``lot_and_date_alerts``, ``site_risk_alerts``, ``payer_alerts``, ``scope_alerts``,
``image_alerts``;
``session_alerts`` assembles them; ``kinds`` says what an alert is and which are hard stops."""

from tpi_desk.clinical.alerts.allergy_alerts import is_no_known_allergy, recorded_allergies
from tpi_desk.clinical.alerts.kinds import (
    HARD_STOPS,
    Alert,
    AlertCode,
    AlertSeverity,
    blocking,
    hard_stops,
    with_override,
)
from tpi_desk.clinical.alerts.session_alerts import session_alerts

__all__ = [
    "HARD_STOPS",
    "Alert",
    "AlertCode",
    "AlertSeverity",
    "blocking",
    "hard_stops",
    "is_no_known_allergy",
    "recorded_allergies",
    "session_alerts",
    "with_override",
]
