"""Shared helpers of the alert tests: a medication line, sites, and the alerts of an entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from tpi_desk.clinical.alerts import Alert, session_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import MedicationEntry, PriorSession, SessionEntry, SiteEntry

TODAY = date(2026, 3, 12)
SEVENTY = Decimal(70)


def med(drug_id: str, concentration: str, volume: str, **extra: Any) -> MedicationEntry:
    medication = MedicationEntry(
        drug_id, Decimal(concentration), Decimal(volume), "LX-2291", date(2027, 6, 30)
    )
    return replace(medication, **extra)


def with_sites(entry: SessionEntry, *sites: SiteEntry, **extra: Any) -> SessionEntry:
    return replace(entry, sites=sites, **extra)


def alerts_for(
    entry: SessionEntry,
    catalog: Catalog,
    weight_kg: Decimal | None = SEVENTY,
    history: tuple[PriorSession, ...] = (),
) -> tuple[Alert, ...]:
    return session_alerts(entry, catalog, weight_kg=weight_kg, history=history, today=TODAY)


def only(alerts: tuple[Alert, ...], code: str) -> Alert:
    (alert,) = [a for a in alerts if a.code == code]
    return alert


def codes(alerts: tuple[Alert, ...]) -> list[str]:
    return [a.code for a in alerts]
