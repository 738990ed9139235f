"""Every alert of one session, assembled from the alert modules, blocking first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.alerts.allergy_alerts import allergy_alerts
from tpi_desk.clinical.alerts.concentration_alerts import concentration_alerts
from tpi_desk.clinical.alerts.dose_alerts import dose_alerts
from tpi_desk.clinical.alerts.image_alerts import image_identity_alerts
from tpi_desk.clinical.alerts.kinds import SEVERITY_ORDER, Alert, with_override
from tpi_desk.clinical.alerts.lot_and_date_alerts import date_alerts, lot_alerts
from tpi_desk.clinical.alerts.payer_alerts import payer_alerts, ultrasound_alerts
from tpi_desk.clinical.alerts.scope_alerts import scope_alerts
from tpi_desk.clinical.alerts.site_risk_alerts import pneumothorax_alerts
from tpi_desk.clinical.alerts.steroid_alerts import steroid_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import PatientFacts, PriorSession, ProviderFacts, SessionEntry
from tpi_desk.clinical.settings import SafetySettings


def session_alerts(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    weight_kg: Decimal | None,
    history: Sequence[PriorSession] = (),
    today: date,
    allergies: Sequence[str] = (),
    provider: ProviderFacts | None = None,
    safety: SafetySettings | None = None,
    patient: PatientFacts | None = None,
) -> tuple[Alert, ...]:
    """Every alert for ``entry``, blocking first; never changes or caps a value.

    ``allergies`` are the patient's recorded allergies as free text ("lidocaine",
    "amide local anaesthetics", "Xylocaine"); each drug of the session is checked against
    them. ``provider`` (credentials) and ``safety`` (the clinic's state, the 90-day steroid
    limit) feed the scope and cumulative checks; ``patient`` the check of the patient each
    DICOM image names. A hard stop is blocking until
    ``entry.override_reason`` is written, then an overridden warning.
    """
    safety = safety or SafetySettings()
    alerts = [
        *lot_alerts(entry, catalog),
        *allergy_alerts(entry, catalog, allergies),
        *date_alerts(entry, today),
        *concentration_alerts(entry, catalog),
        *dose_alerts(entry, catalog, weight_kg),
        *steroid_alerts(
            entry,
            catalog,
            history=history,
            limit_90_days_mg=Decimal(safety.steroid_limit_90_days_mg),
        ),
        *ultrasound_alerts(entry, catalog),
        *image_identity_alerts(entry, patient),
        *pneumothorax_alerts(entry, catalog),
        *payer_alerts(entry, catalog, history),
        *scope_alerts(entry, catalog, provider, clinic_state=safety.clinic_state),
    ]
    alerts = list(with_override(alerts, entry.override_reason))
    return tuple(sorted(alerts, key=lambda alert: SEVERITY_ORDER[alert.severity]))
