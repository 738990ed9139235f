"""One path convention: every problem and alert path is a key path of the session document."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from tests.image_support import dicom_bytes
from tpi_desk.clinical.alerts import AlertCode, session_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding_alerts import coding_alerts
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import (
    Coverage,
    Indication,
    MedicationEntry,
    PatientFacts,
    PriorSession,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.session_document import SessionDocument, session_document_to_dict
from tpi_desk.clinical.validation import (
    TEXT_LIMITS,
    validate_entry,
    validate_patient,
    validate_provider,
)

TODAY = date(2026, 3, 12)
PERFORMED_AT = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)  # after TODAY: a future session
GOOD_LOT = date(2027, 6, 30)

PATIENT = PatientFacts(
    mrn="SYN 17",  # a space is not allowed
    family_name="",
    given_name="Zoë",
    date_of_birth=date(2999, 1, 1),
    weight_kg=None,
    allergies=("Lidocaine", " "),
)
PROVIDER = ProviderFacts("1ruiz", "", "M" * 51, "1234567890")


def _med(drug_id: str, mg_per_ml: str, ml: str, **extra: object) -> MedicationEntry:
    lot = str(extra.get("lot", "LX-2291"))
    expires = extra.get("expires", GOOD_LOT)
    assert expires is None or isinstance(expires, date)
    return MedicationEntry(drug_id, Decimal(mg_per_ml), Decimal(ml), lot, expires)


def _key_paths(value: object, prefix: str = "") -> set[str]:
    """Every key and list item of a canonical document, written as problem paths."""
    paths: set[str] = set()
    children: list[tuple[str, object]] = []
    if isinstance(value, dict):
        children = [(f"{prefix}.{key}" if prefix else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        children = [(f"{prefix}[{index}]", item) for index, item in enumerate(value)]
    for path, item in children:
        paths.add(path)
        paths |= _key_paths(item, path)
    return paths


def _broken_injection() -> SessionEntry:
    """A trigger point injection that breaks every validation rule and raises every alert."""
    return SessionEntry(
        performed_at=PERFORMED_AT,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        ultrasound_guided=True,
        ultrasound_image_retained=False,
        ultrasound_device="x" * 201,
        ultrasound_interpretation="x" * 2_001,
        location_name="x" * 201,
        location_state="XX",
        place_of_service="99",
        consent_witness="x" * 101,
        chaperone="x" * 101,
        procedure_started=time(10, 15),
        procedure_ended=time(10, 5),
        consent_risks=("bleeding_bruising", "death"),
        exam_findings=("tender",),
        function_scale="pdi",
        function_score=Decimal(71),
        prior_relief_percent=101,
        prior_relief_weeks=105,
        skin_prep="betadine",
        observation_minutes=241,
        override_reason="x" * 2_001,
        pain_before=-1,
        pain_after=11,
        diagnoses=("Z99.99", "M54.5", "M54.2", "M54.2"),
        sites=(
            SiteEntry(
                "paraspinals",
                Side.LEFT,
                points=0,
                needle_gauge=17,
                needle_length_mm=Decimal(0),
                medications=(
                    _med("procaine", "0", "0", lot="L" * 41),
                    _med("lidocaine", "10", "40", expires=date(2026, 1, 31)),
                    _med("bupivacaine", "5", "30"),
                ),
            ),
            SiteEntry(
                "anterior_scalene",
                Side.RIGHT,
                medications=(_med("triamcinolone_acetonide", "40", "1.5"),),
            ),
            SiteEntry(
                "quadratus_lumborum",
                Side.LEFT,
                medications=(
                    _med("triamcinolone_acetonide", "40", "1"),
                    # Issue 12: 100 mg/mL is not a marketed strength (4 and 10 are).
                    _med("dexamethasone_sodium_phosphate", "100", "0.1"),
                ),
            ),
        ),
        indication=Indication(conservative_care_tried=("",), ongoing_care=(" ",)),
        side_effects=("",),
        complications=("x" * 201,),
        notes="x" * 20_001,
        instructions="x" * 5_001,
        follow_up="x" * 2_001,
    )


def _broken_variants() -> list[SessionEntry]:
    injection = _broken_injection()
    image_without_guidance = SessionEntry(
        performed_at=PERFORMED_AT,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        ultrasound_image_retained=True,
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
    )
    needling_with_medication = SessionEntry(
        performed_at=PERFORMED_AT,
        kind=ProcedureKind.DRY_NEEDLING,
        diagnoses=("U09.9",),  # alone: post_covid_condition_missing; Medicare: not covered
        sites=(
            SiteEntry("gluteus_medius", Side.LEFT, medications=(_med("lidocaine", "10", "1"),)),
        ),
    )
    guidance_without_interpretation = SessionEntry(
        performed_at=PERFORMED_AT,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        ultrasound_guided=True,
        ultrasound_image_retained=True,
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
    )
    # Issue 15: a DICOM image whose header names another patient than PATIENT.
    image_of_another_patient = SessionEntry(
        performed_at=PERFORMED_AT,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        ultrasound_guided=True,
        ultrasound_images=(read_ultrasound_image("probe.dcm", dicom_bytes()),),
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
    )
    return [
        injection,
        image_without_guidance,
        needling_with_medication,
        guidance_without_interpretation,
        image_of_another_patient,
    ]


def _history() -> tuple[PriorSession, ...]:
    earlier = tuple(
        PriorSession(
            PERFORMED_AT - timedelta(days=days),
            ProcedureKind.TRIGGER_POINT_INJECTION,
            frozenset({"anterior_scalene"}),
            drug_doses_mg=(("triamcinolone_acetonide", Decimal(200)),),
        )
        for days in (10, 100, 200)
    )
    # Later the same day: an injection and a needling of the left upper trapezius.
    same_day = tuple(
        PriorSession(
            PERFORMED_AT + timedelta(hours=hours),
            kind,
            frozenset({"upper_trapezius"}),
            sites=frozenset({("upper_trapezius", Side.LEFT)}),
        )
        for hours, kind in (
            (1, ProcedureKind.TRIGGER_POINT_INJECTION),
            (2, ProcedureKind.DRY_NEEDLING),
        )
    )
    return earlier + same_day


def _emitted_paths(entry: SessionEntry, catalog: Catalog) -> tuple[set[str], set[str]]:
    """(paths, alert codes) of everything the validators and alerts say about ``entry``."""
    alerts = session_alerts(
        entry,
        catalog,
        weight_kg=PATIENT.weight_kg,
        history=_history(),
        today=TODAY,
        allergies=PATIENT.allergies,
        provider=PROVIDER,
        patient=PATIENT,
    ) + coding_alerts(entry, catalog, coverage=Coverage.MEDICARE, history=_history())
    problems = (
        *validate_entry(entry, catalog),
        *validate_patient(PATIENT, today=TODAY),
        *validate_provider(PROVIDER),
    )
    paths = {p.path for p in problems} | {a.path for a in alerts if a.path is not None}
    return paths, {a.code for a in alerts}


@pytest.mark.parametrize(
    "entry", _broken_variants(), ids=["injection", "image", "needling", "guidance", "dicom"]
)
def test_every_emitted_path_is_a_key_path_of_the_document(
    entry: SessionEntry, catalog: Catalog
) -> None:
    document = session_document_to_dict(SessionDocument(PATIENT, PROVIDER, entry))
    paths, _ = _emitted_paths(entry, catalog)

    assert paths
    assert sorted(paths - _key_paths(document)) == []


def test_the_broken_entries_exercise_every_rule(catalog: Catalog) -> None:
    """Guards the test above: each alert code and each renamed field is really emitted."""
    paths: set[str] = set()
    alert_codes: set[str] = set()
    for entry in _broken_variants():
        entry_paths, entry_codes = _emitted_paths(entry, catalog)
        paths |= entry_paths
        alert_codes |= entry_codes

    assert alert_codes == set(AlertCode)
    assert {
        "sites[0].muscle",
        "sites[1].muscle",
        "sites[0].medications[0].drug",
        "sites[0].medications[1].drug",
        "sites[0].medications[1].expires",
        "sites[0].medications",
        "ultrasound.guided",
        "ultrasound.image_retained",
        "ultrasound.device",
        "indication.conservative_care_tried[0]",
        "indication.ongoing_care[0]",
        "patient.weight_kg",
        "patient.allergies[1]",
        "provider.npi",
        "performed_at",
        "diagnoses[3]",
        "location.state",
        "location.place_of_service",
        "consent.risks_discussed[1]",
        "exam_findings[0]",
        "function_score.value",
        "prior_relief.percent",
        "prior_relief.weeks",
        "skin_prep",
        "observation_minutes",
        *TEXT_LIMITS,
    } <= paths
