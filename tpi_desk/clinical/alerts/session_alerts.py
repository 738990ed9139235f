"""Every alert of one session, assembled from the alert modules, blocking first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.alerts.allergy_alerts import allergy_alerts
from tpi_desk.clinical.alerts.dose_alerts import dose_alerts
from tpi_desk.clinical.alerts.kinds import SEVERITY_ORDER, Alert
from tpi_desk.clinical.alerts.lot_and_date_alerts import date_alerts, lot_alerts
from tpi_desk.clinical.alerts.payer_alerts import payer_alerts, ultrasound_alerts
from tpi_desk.clinical.alerts.site_risk_alerts import pneumothorax_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import PriorSession, SessionEntry


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
        *lot_alerts(entry, catalog),
        *allergy_alerts(entry, catalog, allergies),
        *date_alerts(entry, today),
        *dose_alerts(entry, catalog, weight_kg),
        *ultrasound_alerts(entry, catalog),
        *pneumothorax_alerts(entry, catalog),
        *payer_alerts(entry, catalog, history),
    ]
    return tuple(sorted(alerts, key=lambda alert: SEVERITY_ORDER[alert.severity]))
