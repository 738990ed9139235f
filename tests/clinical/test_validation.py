"""Validation: every refused value gets its document path, plain label and exact message."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.validation import (
    describe_site,
    field_label,
    npi_check_digit_valid,
    validate_entry,
    validate_patient,
    validate_provider,
)

TODAY = date(2026, 3, 12)


def problems_of(entry: SessionEntry, catalog: Catalog) -> list[tuple[str, str, str]]:
    return [(p.path, p.label, p.message) for p in validate_entry(entry, catalog)]


def site_with(**changes: Any) -> SiteEntry:
    medication = MedicationEntry("lidocaine", Decimal(10), Decimal(2), "LX-2291", date(2027, 1, 1))
    site = SiteEntry("levator_scapulae", Side.LEFT, medications=(medication,))
    return replace(site, **changes)


def medication_with(**changes: Any) -> MedicationEntry:
    medication = MedicationEntry("lidocaine", Decimal(10), Decimal(2), "LX-2291", date(2027, 1, 1))
    return replace(medication, **changes)


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("sites[1].medications[0].volume_ml", "Site 2, medication 1: volume (mL)"),
        (
            "sites[0].medications[2].concentration_mg_per_ml",
            "Site 1, medication 3: concentration (mg/mL)",
        ),
        ("sites[0].medications", "Site 1: medications"),
        ("sites[3].needle_length_mm", "Site 4: needle length (mm)"),
        ("sites[0].muscle", "Site 1: muscle"),
        ("sites[1].muscle", "Site 2: muscle"),
        ("sites[1].medications[0].drug", "Site 2, medication 1: drug"),
        ("sites[1].medications[0]", "Site 2, medication 1"),
        ("diagnoses[0]", "Diagnosis 1"),
        ("pain_before", "Pain before (0-10)"),
        ("notes", "Notes"),
        ("format", "Document format"),
        ("ultrasound", "Ultrasound"),
        ("ultrasound.guided", "Ultrasound: guidance"),
        ("ultrasound.image_retained", "Ultrasound: image retained"),
        ("ultrasound.device", "Ultrasound: device"),
        ("indication.conservative_care_tried[0]", "Indication: conservative care tried 1"),
        ("indication.conservative_care_tried[1]", "Indication: conservative care tried 2"),
        ("indication.ongoing_care[0]", "Indication: ongoing care 1"),
        ("patient.allergies[0]", "Patient: allergy 1"),
        ("patient.mrn", "Patient: MRN"),
        ("patient.weight_kg", "Patient: weight (kg)"),
        ("provider.npi", "Provider: NPI"),
        ("something_new", "Something new"),
    ],
)
def test_field_label(path: str, label: str) -> None:
    assert field_label(path) == label


def test_describe_site(catalog: Catalog) -> None:
    site = SiteEntry("rhomboid_major", Side.BILATERAL)
    assert describe_site(site, 2, catalog) == "Site 3 (Rhomboid major, bilateral)"
    assert describe_site(SiteEntry("x", Side.LEFT), 0, catalog) == "Site 1 (x, left)"


def test_a_complete_entry_has_no_problems(complete_entry: SessionEntry, catalog: Catalog) -> None:
    assert validate_entry(complete_entry, catalog) == ()


@pytest.mark.parametrize(("field", "value"), [("pain_before", -1), ("pain_after", 11)])
def test_pain_outside_0_to_10(
    complete_entry: SessionEntry, catalog: Catalog, field: str, value: int
) -> None:
    changes: dict[str, Any] = {field: value}
    entry = replace(complete_entry, **changes)
    assert problems_of(entry, catalog) == [(field, field_label(field), "must be between 0 and 10")]


def test_pain_at_the_ends_of_the_scale_is_fine(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    assert validate_entry(replace(complete_entry, pain_before=10, pain_after=0), catalog) == ()


def test_unknown_duplicated_and_unbillable_diagnoses(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(complete_entry, diagnoses=("Z99.99", "M79.18", "M54.5", "M79.18"))
    assert problems_of(entry, catalog) == [
        ("diagnoses[0]", "Diagnosis 1", "Z99.99 is not an ICD-10-CM code"),
        ("diagnoses[2]", "Diagnosis 3", "M54.5 is not billable; choose a more specific code"),
        ("diagnoses[3]", "Diagnosis 4", "M79.18 is already listed as diagnosis 2"),
    ]


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        (
            {"muscle_id": "paraspinals"},
            "sites[0].muscle",
            "'paraspinals' is not a muscle in the catalog",
        ),
        ({"points": 0}, "sites[0].points", "must be between 1 and 50"),
        ({"points": 51}, "sites[0].points", "must be between 1 and 50"),
        ({"needle_gauge": 17}, "sites[0].needle_gauge", "must be between 18 and 34"),
        ({"needle_gauge": 35}, "sites[0].needle_gauge", "must be between 18 and 34"),
        ({"needle_length_mm": Decimal(0)}, "sites[0].needle_length_mm", "must be greater than 0"),
        (
            {"needle_length_mm": Decimal("-3")},
            "sites[0].needle_length_mm",
            "must be greater than 0",
        ),
        (
            {"needle_length_mm": Decimal("150.1")},
            "sites[0].needle_length_mm",
            "must be at most 150",
        ),
    ],
)
def test_site_values(
    complete_entry: SessionEntry,
    catalog: Catalog,
    changes: dict[str, Any],
    path: str,
    message: str,
) -> None:
    entry = replace(complete_entry, sites=(site_with(**changes),))
    assert problems_of(entry, catalog) == [(path, field_label(path), message)]


def test_site_values_at_their_limits_are_fine(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    sites = (
        site_with(points=1, needle_gauge=18, needle_length_mm=Decimal(150)),
        site_with(points=50, needle_gauge=34, needle_length_mm=Decimal("0.1")),
    )
    assert validate_entry(replace(complete_entry, sites=sites), catalog) == ()


def test_dry_needling_sites_refuse_medications(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(
        complete_entry,
        kind=ProcedureKind.DRY_NEEDLING,
        sites=(site_with(medications=(medication_with(volume_ml=Decimal(0)),)),),
    )
    assert validate_entry(entry, catalog) == (
        FieldProblem(
            "sites[0].medications",
            "Site 1: medications",
            "must be empty: dry-needling sites carry no medication",
        ),
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"drug_id": "aspirin"}, "drug", "'aspirin' is not a drug in the catalog"),
        (
            {"concentration_mg_per_ml": Decimal(0)},
            "concentration_mg_per_ml",
            "must be greater than 0",
        ),
        (
            {"concentration_mg_per_ml": Decimal(1001)},
            "concentration_mg_per_ml",
            "must be at most 1000",
        ),
        ({"volume_ml": Decimal(0)}, "volume_ml", "must be greater than 0"),
        ({"volume_ml": Decimal("-1")}, "volume_ml", "must be greater than 0"),
        ({"volume_ml": Decimal("50.01")}, "volume_ml", "must be at most 50"),
        ({"volume_ml": Decimal("NaN")}, "volume_ml", "must be greater than 0"),
        ({"lot": "L" * 41}, "lot", "must be at most 40 characters (it has 41)"),
    ],
)
def test_medication_values(
    complete_entry: SessionEntry,
    catalog: Catalog,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    first = medication_with()
    entry = replace(
        complete_entry,
        sites=(site_with(), site_with(medications=(first, medication_with(**changes)))),
    )
    path = f"sites[1].medications[1].{field}"
    assert problems_of(entry, catalog) == [(path, field_label(path), message)]


def test_volume_label_reads_plainly(complete_entry: SessionEntry, catalog: Catalog) -> None:
    sites = (site_with(), site_with(medications=(medication_with(volume_ml=Decimal(0)),)))
    (problem,) = validate_entry(replace(complete_entry, sites=sites), catalog)
    assert problem.label == "Site 2, medication 1: volume (mL)"
    assert str(problem) == "sites[1].medications[0].volume_ml: must be greater than 0"


def test_image_retained_needs_ultrasound_guidance(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(complete_entry, ultrasound_image_retained=True)
    assert problems_of(entry, catalog) == [
        (
            "ultrasound.image_retained",
            "Ultrasound: image retained",
            "cannot be set without ultrasound guidance",
        )
    ]


@pytest.mark.parametrize(
    ("field", "path", "limit"),
    [
        ("notes", "notes", 20_000),
        ("instructions", "instructions", 5_000),
        ("follow_up", "follow_up", 2_000),
        ("ultrasound_device", "ultrasound.device", 200),
    ],
)
def test_text_length_limits(
    complete_entry: SessionEntry, catalog: Catalog, field: str, path: str, limit: int
) -> None:
    at_limit: dict[str, Any] = {field: "é" * limit}
    over_limit: dict[str, Any] = {field: "é" * (limit + 1)}
    assert validate_entry(replace(complete_entry, **at_limit), catalog) == ()
    entry = replace(complete_entry, **over_limit)
    assert problems_of(entry, catalog) == [
        (path, field_label(path), f"must be at most {limit:,} characters (it has {limit + 1:,})")
    ]


def test_list_items_must_be_filled_and_short(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(
        complete_entry,
        side_effects=("Bruising at the site", " "),
        complications=("x" * 201,),
        indication=Indication(conservative_care_tried=("Physical therapy", ""), ongoing_care=("",)),
    )
    assert problems_of(entry, catalog) == [
        ("side_effects[1]", "Side effect 2", "is required"),
        ("complications[0]", "Complication 1", "must be at most 200 characters (it has 201)"),
        (
            "indication.conservative_care_tried[1]",
            "Indication: conservative care tried 2",
            "is required",
        ),
        ("indication.ongoing_care[0]", "Indication: ongoing care 1", "is required"),
    ]


# --- patient -------------------------------------------------------------------------------


def patient_problems(**changes: Any) -> list[tuple[str, str]]:
    patient = PatientFacts(
        "MRN-000417", "Ødegård", "Łukasz", date(1980, 5, 17), weight_kg=Decimal(80)
    )
    found = validate_patient(replace(patient, **changes), today=TODAY)
    return [(p.path, p.message) for p in found]


def test_a_valid_patient_has_no_problems(patient: PatientFacts) -> None:
    assert validate_patient(patient, today=TODAY) == ()
    assert patient_problems() == []
    assert patient_problems(family_name="Nguyễn", weight_kg=None) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"mrn": ""}, ("patient.mrn", "is required")),
        ({"mrn": "A" * 33}, ("patient.mrn", "must be at most 32 characters (it has 33)")),
        ({"mrn": "MRN 17"}, ("patient.mrn", "may contain only letters, digits and hyphens")),
        ({"mrn": "MRN/17"}, ("patient.mrn", "may contain only letters, digits and hyphens")),
        ({"family_name": "  "}, ("patient.family_name", "is required")),
        ({"given_name": ""}, ("patient.given_name", "is required")),
        (
            {"given_name": "Zoë" * 34},
            ("patient.given_name", "must be at most 100 characters (it has 102)"),
        ),
        (
            {"date_of_birth": date(2026, 3, 13)},
            ("patient.date_of_birth", "cannot be in the future"),
        ),
        (
            {"date_of_birth": date(1899, 12, 31)},
            ("patient.date_of_birth", "must be in 1900 or later"),
        ),
        ({"weight_kg": Decimal("0.4")}, ("patient.weight_kg", "must be between 0.5 and 500")),
        ({"weight_kg": Decimal("500.1")}, ("patient.weight_kg", "must be between 0.5 and 500")),
        ({"allergies": ("Latex", "")}, ("patient.allergies[1]", "is required")),
    ],
)
def test_patient_problems(changes: dict[str, Any], problem: tuple[str, str]) -> None:
    assert patient_problems(**changes) == [problem]


def test_patient_problem_paths_use_the_prefix(patient: PatientFacts) -> None:
    (problem,) = validate_patient(replace(patient, mrn=""), prefix="document.patient", today=TODAY)
    assert (problem.path, problem.label) == ("document.patient.mrn", "Document, patient: MRN")


# --- provider ------------------------------------------------------------------------------

USERNAME_RULE = (
    "must be 2 to 32 letters, digits, dots, hyphens or underscores, starting with a letter"
)

PROVIDER = ProviderFacts("dr.ruiz", "Dr Inés Ruiz", "MD", "1234567893")


@pytest.mark.parametrize("npi", ["1234567893", "1000000004", "2876543218"])
def test_valid_npis(npi: str) -> None:
    assert npi_check_digit_valid(npi)


@pytest.mark.parametrize(
    "npi", ["1234567890", "1234567894", "123456789", "12345678930", "abcdefghij"]
)
def test_invalid_npis(npi: str) -> None:
    assert not npi_check_digit_valid(npi)


def test_a_valid_provider_has_no_problems() -> None:
    assert validate_provider(PROVIDER) == ()
    assert validate_provider(replace(PROVIDER, npi="")) == ()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"username": "1ruiz"},
            ("provider.username", USERNAME_RULE),
        ),
        (
            {"username": "r"},
            (
                "provider.username",
                USERNAME_RULE,
            ),
        ),
        (
            {"username": "dr ruiz"},
            (
                "provider.username",
                USERNAME_RULE,
            ),
        ),
        ({"display_name": ""}, ("provider.display_name", "is required")),
        ({"credentials": " "}, ("provider.credentials", "is required")),
        (
            {"credentials": "M" * 51},
            ("provider.credentials", "must be at most 50 characters (it has 51)"),
        ),
        ({"npi": "12345"}, ("provider.npi", "must be 10 digits")),
        ({"npi": "1234567890"}, ("provider.npi", "has an invalid check digit")),
    ],
)
def test_provider_problems(changes: dict[str, Any], problem: tuple[str, str]) -> None:
    found = validate_provider(replace(PROVIDER, **changes))
    assert [(p.path, p.message) for p in found] == [problem]
    assert found[0].label == field_label(problem[0])


@pytest.mark.parametrize(
    ("site", "message"),
    [
        (site_with(needle_length_mm=Decimal("38.15")), "can have at most 1 decimal place"),
        (
            site_with(medications=(medication_with(volume_ml=Decimal("0.0005")),)),
            "can have at most 3 decimal places",
        ),
        (
            site_with(medications=(medication_with(concentration_mg_per_ml=Decimal("NaN")),)),
            "must be greater than 0",
        ),
    ],
)
def test_values_more_precise_than_stored_are_refused_not_rounded(
    complete_entry: SessionEntry, catalog: Catalog, site: SiteEntry, message: str
) -> None:
    entry = replace(complete_entry, sites=(site,))

    assert [problem[2] for problem in problems_of(entry, catalog)] == [message]


def test_trailing_zeros_do_not_count_as_places(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    site = site_with(
        needle_length_mm=Decimal("38.10"),
        medications=(medication_with(volume_ml=Decimal("1.5000")),),
    )

    assert problems_of(replace(complete_entry, sites=(site,)), catalog) == []
