"""Alerts about where the needle goes: pneumothorax-risk sites."""

from __future__ import annotations

from collections.abc import Iterator

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import SessionEntry


def pneumothorax_alerts(entry: SessionEntry, catalog: Catalog) -> Iterator[Alert]:
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
