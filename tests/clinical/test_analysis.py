"""analyse_session: the patient's recorded allergies reach the allergy check."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tpi_desk.clinical.alerts import AlertCode
from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import PatientFacts, SessionEntry

TODAY = date(2026, 3, 12)


def allergy_codes(entry: SessionEntry, catalog: Catalog, patient: PatientFacts | None) -> list[str]:
    analysis = analyse_session(entry, catalog, patient=patient, today=TODAY)
    return [a.code for a in analysis.alerts if a.code == AlertCode.ALLERGY_CONFLICT]


def test_the_patients_allergies_are_checked(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    allergic = replace(patient, allergies=("latex", "Lidocaine"))
    analysis = analyse_session(complete_entry, catalog, patient=allergic, today=TODAY)
    (alert,) = [a for a in analysis.alerts if a.code == AlertCode.ALLERGY_CONFLICT]
    assert alert.message == (
        'Lidocaine conflicts with the recorded allergy "Lidocaine": it contains lidocaine'
    )
    assert alert.path == "sites[0].medications[0].drug"
    # Issue 12: an allergy conflict is a hard stop until an override reason is written.
    assert not analysis.ready_to_sign
    overridden = replace(complete_entry, override_reason="Tolerated lidocaine 2025-11 uneventfully")
    after = analyse_session(overridden, catalog, patient=allergic, today=TODAY)
    (kept,) = [a for a in after.alerts if a.code == AlertCode.ALLERGY_CONFLICT]
    assert kept.overridden and kept.message.endswith(
        "(overridden: Tolerated lidocaine 2025-11 uneventfully)"
    )
    assert after.ready_to_sign


def test_no_allergy_alert_without_allergies_or_without_a_patient(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    assert allergy_codes(complete_entry, catalog, patient) == []
    assert allergy_codes(complete_entry, catalog, None) == []
