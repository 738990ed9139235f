"""Warnings and blocking alerts for a session, one module per kind of check:
``dose_alerts``, ``allergy_alerts``, ``lot_and_date_alerts``, ``site_risk_alerts``,
``payer_alerts``; ``session_alerts`` assembles them; ``kinds`` says what an alert is."""

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity, blocking
from tpi_desk.clinical.alerts.session_alerts import session_alerts

__all__ = ["Alert", "AlertCode", "AlertSeverity", "blocking", "session_alerts"]
