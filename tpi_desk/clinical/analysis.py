"""Everything the clinical core says about one session, computed in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.alerts import Alert, session_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.checklist import Checklist, signing_checklist
from tpi_desk.clinical.coding import CodingSummary, derive_codes
from tpi_desk.clinical.coding_alerts import coding_alerts, with_coding_alerts
from tpi_desk.clinical.dosing import DrugTotal, combined_local_anaesthetic_fraction, dose_totals
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    Coverage,
    PatientFacts,
    PriorSession,
    ProviderFacts,
    SessionEntry,
)
from tpi_desk.clinical.settings import CodingSettings, SafetySettings
from tpi_desk.clinical.validation import validate_entry


@dataclass(frozen=True, slots=True)
class SessionAnalysis:
    """Codes, dose totals, alerts, field problems and the signing checklist of a session."""

    coding: CodingSummary
    dose_totals: tuple[DrugTotal, ...]
    combined_anaesthetic_fraction: Decimal
    alerts: tuple[Alert, ...]
    problems: tuple[FieldProblem, ...]
    checklist: Checklist

    @property
    def ready_to_sign(self) -> bool:
        return self.checklist.ready


def analyse_session(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    patient: PatientFacts | None,
    history: Sequence[PriorSession] = (),
    settings: CodingSettings | None = None,
    today: date,
    provider: ProviderFacts | None = None,
    safety: SafetySettings | None = None,
) -> SessionAnalysis:
    """Run every rule of the clinical core over ``entry`` (pure; call it on each keystroke).

    ``provider`` (the performing clinician) feeds the scope-of-practice checks; ``safety``
    (``ClinicSettings.safety``) the clinic's state and the 90-day steroid limit."""
    weight = patient.weight_kg if patient is not None else None
    if weight is not None and weight <= 0:
        weight = None
    problems = validate_entry(entry, catalog)
    totals = dose_totals(entry, catalog, weight)
    alerts = session_alerts(
        entry,
        catalog,
        weight_kg=weight,
        history=history,
        today=today,
        allergies=patient.allergies if patient is not None else (),
        provider=provider,
        safety=safety,
        patient=patient,
    )
    coverage = patient.coverage if patient is not None else Coverage.UNKNOWN
    alerts = with_coding_alerts(
        alerts, coding_alerts(entry, catalog, coverage=coverage, history=history)
    )
    checklist = signing_checklist(entry, catalog, alerts=alerts, patient=patient, problems=problems)
    return SessionAnalysis(
        coding=derive_codes(
            entry, catalog, settings or CodingSettings(), coverage=coverage, history=history
        ),
        dose_totals=totals,
        combined_anaesthetic_fraction=combined_local_anaesthetic_fraction(totals, catalog),
        alerts=alerts,
        problems=problems,
        checklist=checklist,
    )
