"""The ready-to-sign checklist: each item opens and closes with the right part of the note."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tpi_desk.clinical.alerts import Alert, AlertSeverity
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.checklist import Checklist, ChecklistItem, signing_checklist
from tpi_desk.clinical.record import PatientFacts, ProcedureKind, SessionEntry, Side, SiteEntry
from tpi_desk.clinical.validation import validate_entry

EXPIRED = Alert("lot_expired", AlertSeverity.BLOCKING, "Lidocaine lot OLD-7 expired", None)
REMINDER = Alert("pneumothorax_risk_site", AlertSeverity.INFO, "Upper trapezius ...", None)


def checklist(
    entry: SessionEntry,
    catalog: Catalog,
    patient: PatientFacts | None,
    alerts: tuple[Alert, ...] = (REMINDER,),
) -> Checklist:
    return signing_checklist(entry, catalog, alerts=alerts, patient=patient)


def test_a_complete_session_is_ready(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    result = checklist(complete_entry, catalog, patient)
    assert result.ready and result.missing == ()
    assert [item.key for item in result.items] == [
        "patient",
        "diagnosis",
        "sites",
        "position",
        "consent",
        "time_out",
        "pain_scores",
        "medications",
        "valid",
        "no_blocking_alerts",
    ]


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"diagnoses": ()}, "At least one diagnosis"),
        ({"sites": ()}, "At least one injection site"),
        ({"position": None}, "Patient position"),
        ({"consent_obtained": False}, "Consent obtained"),
        ({"time_out_performed": False}, "Time-out performed"),
        ({"pain_before": None}, "Pain before and after (0-10)"),
        ({"pain_after": None}, "Pain before and after (0-10)"),
        ({"pain_after": 12}, "All fields valid"),
    ],
)
def test_each_missing_part_opens_one_item(
    complete_entry: SessionEntry,
    catalog: Catalog,
    patient: PatientFacts,
    changes: dict[str, Any],
    label: str,
) -> None:
    result = checklist(replace(complete_entry, **changes), catalog, patient)
    assert not result.ready
    assert result.missing == (label,)


def test_pain_detail_names_what_is_missing(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    entry = replace(complete_entry, pain_before=None, pain_after=None)
    item = checklist(entry, catalog, patient).item("pain_scores")
    assert item == ChecklistItem(
        "pain_scores", "Pain before and after (0-10)", False, "Pain before and after not recorded"
    )


def test_every_injection_site_needs_a_medication_with_lot_and_expiry(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    first, second = complete_entry.sites
    no_lot = replace(first.medications[0], lot=" ", expires=None)
    entry = replace(
        complete_entry,
        sites=(replace(first, medications=(no_lot,)), replace(second, medications=())),
    )
    result = checklist(entry, catalog, patient)
    assert result.missing == ("Medication with lot and expiry at every injection site",)
    assert result.item("medications").detail == (
        "Site 1 (Upper trapezius, left), medication 1: lot number and expiry date; "
        "Site 2 (Levator scapulae, right): no medication"
    )


def test_dry_needling_has_no_medication_item(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    entry = replace(
        complete_entry,
        kind=ProcedureKind.DRY_NEEDLING,
        sites=(SiteEntry("gluteus_medius", Side.LEFT),),
    )
    result = checklist(entry, catalog, patient)
    assert result.ready
    assert "medications" not in [item.key for item in result.items]
    assert result.item("sites").label == "At least one needling site"


def test_medications_on_a_dry_needling_site_make_the_note_invalid(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    entry = replace(complete_entry, kind=ProcedureKind.DRY_NEEDLING)
    result = checklist(entry, catalog, patient)
    assert result.missing == ("All fields valid",)
    assert result.item("valid").detail.startswith(
        "Site 1: medications: must be empty: dry-needling sites carry no medication"
    )


def test_ultrasound_guidance_needs_the_device(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    guided = replace(complete_entry, ultrasound_guided=True)
    assert checklist(guided, catalog, patient).missing == ("Ultrasound device",)
    with_device = replace(guided, ultrasound_device="Sonara L12 linear probe")
    assert checklist(with_device, catalog, patient).ready


def test_a_blocking_alert_stops_signing(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    result = checklist(complete_entry, catalog, patient, alerts=(REMINDER, EXPIRED))
    assert result.missing == ("No blocking alerts",)
    assert result.item("no_blocking_alerts").detail == (
        "Lidocaine lot OLD-7 expired; to sign anyway, write an override reason"
    )


def test_warnings_do_not_stop_signing(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    warning = Alert("dose_over_maximum", AlertSeverity.WARNING, "Lidocaine 1 %: 350 mg ...")
    assert checklist(complete_entry, catalog, patient, alerts=(warning,)).ready


def test_the_patient_must_be_known_and_valid(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    missing = checklist(complete_entry, catalog, None)
    assert missing.missing == ("Patient identified",)
    assert missing.item("patient").detail == "No patient selected"
    unnamed = checklist(complete_entry, catalog, replace(patient, family_name=""))
    assert unnamed.item("patient").detail == "Patient: family name: is required"
    unborn = replace(patient, date_of_birth=date(2999, 1, 1))
    assert checklist(complete_entry, catalog, unborn).missing == ("Patient identified",)


def test_unknown_item_key(complete_entry: SessionEntry, catalog: Catalog) -> None:
    with pytest.raises(KeyError, match="No checklist item 'signature'"):
        checklist(complete_entry, catalog, None).item("signature")


def test_problems_given_by_the_caller_are_the_ones_it_would_find(
    complete_entry: SessionEntry, catalog: Catalog, patient: PatientFacts
) -> None:
    entry = replace(complete_entry, sites=(replace(complete_entry.sites[0], points=0),))
    problems = validate_entry(entry, catalog)
    assert problems  # a value that can never be saved
    found = signing_checklist(entry, catalog, alerts=(), patient=patient)
    given = signing_checklist(entry, catalog, alerts=(), patient=patient, problems=problems)
    assert given == found
    assert not given.ready
