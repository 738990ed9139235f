"""Alerts about dates: an expired lot, a session dated in the future."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity, drug_name
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import medications
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.clinical.validation import describe_site


def lot_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
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
            f"{drug_name(catalog, medication.drug_id)} {lot} expired on "
            f"{medication.expires.isoformat()}, before the session date "
            f"{session_date.isoformat()}",
            f"sites[{site_index}].medications[{medication_index}].expires",
        )


def date_alerts(entry: SessionEntry, today: date) -> Iterator[Alert]:
    session_date = entry.performed_at.date()
    if session_date > today:
        yield Alert(
            AlertCode.PERFORMED_IN_FUTURE,
            AlertSeverity.WARNING,
            f"The session date {session_date.isoformat()} is after today ({today.isoformat()})",
            "performed_at",
        )
