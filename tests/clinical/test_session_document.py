"""Tests for the tpi-desk/session@3 document (@1 and @2 still read): parsing, structural messages,
exact JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.clinical.session_document_support import (
    DRY_NEEDLING_EXAMPLE,
    EXAMPLE,
    EXAMPLES,
    Document,
    _delete,
    _set,
    problem_lines,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    ProcedureKind,
    Side,
)
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    from_json,
    parse_session_document,
    to_json,
)

# --- The examples --------------------------------------------------------------------------


def test_example_parses_with_exact_values(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert doc.patient.given_name == "Zoë"
    assert doc.patient.family_name == "Ñúñez"
    assert doc.patient.weight_kg == Decimal("68.5")
    assert doc.provider.npi == "1234567893"
    assert doc.session.kind is ProcedureKind.TRIGGER_POINT_INJECTION
    assert doc.session.performed_at == datetime(
        2026, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=-5))
    )
    assert doc.session.diagnoses == ("M79.12", "M54.2")
    assert [(s.muscle_id, s.side) for s in doc.session.sites] == [
        ("upper_trapezius", Side.BILATERAL),
        ("levator_scapulae", Side.LEFT),
    ]
    lidocaine, triamcinolone = doc.session.sites[0].medications
    assert lidocaine == MedicationEntry(
        "lidocaine", Decimal("10"), Decimal("4"), "LD4471A", date(2027, 8, 31),
        ndc="00409-4276-01",
    )  # fmt: skip
    assert triamcinolone.drug_id == "triamcinolone_acetonide"
    assert triamcinolone.volume_ml == Decimal("0.5")
    assert doc.session.indication.conservative_care_tried == ("pain_medication", "physical_therapy")


def test_examples_are_written_in_canonical_form(catalog: Catalog) -> None:
    for path in (EXAMPLE, DRY_NEEDLING_EXAMPLE):
        text = path.read_text(encoding="utf-8")
        assert to_json(from_json(text, catalog)) == text, path.name


def test_dry_needling_example_has_sites_without_medications(catalog: Catalog) -> None:
    doc = from_json(DRY_NEEDLING_EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert doc.session.kind is ProcedureKind.DRY_NEEDLING
    assert doc.patient.given_name == "Łukasz"
    assert len(doc.session.sites) == 3
    assert all(site.medications == () for site in doc.session.sites)


def test_documentation_shows_the_example_file() -> None:
    guide = (EXAMPLES.parent / "session-document.md").read_text(encoding="utf-8")
    shown = guide.split("```json\n", 1)[1].split("```", 1)[0]

    assert shown == EXAMPLE.read_text(encoding="utf-8")


# --- One test per kind of structural message -----------------------------------------------


MED = ("sites", 1, "medications", 0)

STRUCTURAL_CASES = [
    ("format missing", _delete(("format",)), "format: is required"),
    (
        "format wrong",
        _set(("format",), "fhir"),
        'format: must be "tpi-desk/session@3" (or "tpi-desk/session@2", "tpi-desk/session@1")',
    ),
    (
        "format newer",
        _set(("format",), "tpi-desk/session@4"),
        "format: is a version this app cannot read; it reads tpi-desk/session@3, "
        "tpi-desk/session@2 and tpi-desk/session@1",
    ),
    ("object key missing", _delete(("patient",)), "patient: is required"),
    ("nested key missing", _delete(("patient", "mrn")), "patient.mrn: is required"),
    ("required null", _set(("kind",), None), "kind: is required"),
    (
        "required blank",
        _set(("provider", "display_name"), "  "),
        "provider.display_name: is required",
    ),
    (
        "medication drug missing",
        _delete((*MED, "drug")),
        "sites[1].medications[0].drug: is required",
    ),
    ("not an object", _set(("patient",), ["Zoë"]), "patient: must be an object"),
    ("site not an object", _set(("sites", 0), "upper_trapezius"), "sites[0]: must be an object"),
    ("not a list", _set(("diagnoses",), "M79.12"), "diagnoses: must be a list"),
    ("not text", _set(("notes",), 42), "notes: must be text"),
    (
        "list item not text",
        _set(("patient", "allergies"), ["latex", 7]),
        "patient.allergies[1]: must be text",
    ),
    (
        "not a boolean",
        _set(("consent", "obtained"), "yes"),
        "consent.obtained: must be true or false",
    ),
    (
        "boolean as number",
        _set(("patient", "weight_kg"), True),
        "patient.weight_kg: must be a number",
    ),
    (
        "text not a number",
        _set((*MED, "volume_ml"), "1.5 mL"),
        "sites[1].medications[0].volume_ml: must be a number",
    ),
    ("not whole", _set(("pain_before",), 6.5), "pain_before: must be a whole number"),
    (
        "text not whole",
        _set(("sites", 0, "points"), "four"),
        "sites[0].points: must be a whole number",
    ),
    (
        "whole too large",
        _set(("sites", 0, "needle_gauge"), 10**12),
        "sites[0].needle_gauge: is too large",
    ),
    (
        "not a date",
        _set(("patient", "date_of_birth"), "22/07/1984"),
        "patient.date_of_birth: must be a date like 2026-03-14",
    ),
    (
        "date not on calendar",
        _set((*MED, "expires"), "2027-02-30"),
        "sites[1].medications[0].expires: is not a date on the calendar",
    ),
    (
        "not a date and time",
        _set(("performed_at",), "yesterday morning"),
        "performed_at: must be a date and time like 2026-03-14T09:30:00-05:00",
    ),
    (
        "date without time",
        _set(("performed_at",), "2026-03-04"),
        "performed_at: must be a date and time like 2026-03-14T09:30:00-05:00",
    ),
    (
        "no offset",
        _set(("performed_at",), "2026-03-04T09:30:00"),
        "performed_at: must include a UTC offset, e.g. 2026-03-14T09:30:00-05:00",
    ),
    (
        "side not allowed",
        _set(("sites", 0, "side"), "both"),
        "sites[0].side: must be one of: left, right, bilateral, midline",
    ),
    (
        "kind not allowed",
        _set(("kind",), "acupuncture"),
        "kind: must be one of: trigger_point_injection, dry_needling",
    ),
    (
        "position not allowed",
        _set(("position",), "standing"),
        "position: must be one of: seated, prone, supine, side_lying_left, side_lying_right",
    ),
    (
        "sex not allowed",
        _set(("patient", "sex"), "F"),
        "patient.sex: must be one of: female, male, other, unknown",
    ),
    (
        "unknown top-level key",
        _set(("paint_before",), 7),
        "paint_before: is not a field of this format",
    ),
    (
        "unknown nested key",
        _set(("ultrasound", "probe"), "linear"),
        "ultrasound.probe: is not a field of this format",
    ),
    (
        "unknown key with spaces",
        _set((*MED, "lot number"), "X1"),
        'sites[1].medications[0]["lot number"]: is not a field of this format',
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [(change, expected) for _, change, expected in STRUCTURAL_CASES],
    ids=[name for name, _, _ in STRUCTURAL_CASES],
)
def test_structural_message(
    change: Callable[[Document], None], expected: str, example: Document, catalog: Catalog
) -> None:
    change(example)
    assert problem_lines(example, catalog) == [expected]


def test_document_that_is_not_an_object(catalog: Catalog) -> None:
    assert problem_lines(["tpi-desk/session@1"], catalog) == ["(document): must be an object"]


def test_problems_carry_a_label_and_a_message(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = "lots"
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)
    (problem,) = caught.value.problems
    assert problem.path == "sites[1].medications[0].volume_ml"
    assert problem.message == "must be a number"
    assert problem.label and problem.label != problem.path
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "sites[1].medications[0].volume_ml: must be a number"


# --- Collecting every problem --------------------------------------------------------------


def test_all_problems_are_reported_together(example: Document, catalog: Catalog) -> None:
    example["patient"]["date_of_birth"] = "1984-7-22"
    example["sites"][0]["twitch_response"] = "yes"
    example["follow_up"] = ["6 weeks"]

    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)
    assert str(caught.value).splitlines() == [
        "patient.date_of_birth: must be a date like 2026-03-14",
        "sites[0].twitch_response: must be true or false",
        "follow_up: must be text",
    ]


def test_validation_problems_use_document_paths(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "sites[1].medications[0].volume_ml: must be greater than 0"
    ]


def test_one_pass_names_structural_and_range_problems_in_the_same_part(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["points"] = "four"
    example["sites"][1]["medications"][0]["volume_ml"] = 0  # a range problem in the same part

    assert problem_lines(example, catalog) == [
        "sites[0].points: must be a whole number",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_a_field_with_a_structural_problem_is_not_reported_twice(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["muscle"] = 42
    example["pain_before"] = "severe"

    assert problem_lines(example, catalog) == [
        "pain_before: must be a whole number",
        "sites[0].muscle: must be text",
    ]


def test_a_part_that_lost_a_list_item_is_not_range_checked(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0] = "upper trapezius"  # later sites would shift their indices
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == ["sites[0]: must be an object"]


def test_other_parts_are_still_validated(example: Document, catalog: Catalog) -> None:
    del example["patient"]["mrn"]
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "patient.mrn: is required",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_unknown_keys_do_not_hide_range_problems(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["dose_mg"] = 15
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "sites[1].medications[0].dose_mg: is not a field of this format",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_misspelt_key_reports_both_the_typo_and_the_missing_field(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["musle"] = example["sites"][0].pop("muscle")

    assert problem_lines(example, catalog) == [
        "sites[0].musle: is not a field of this format",
        "sites[0].muscle: is required",
    ]


def test_validation_problems_are_named_by_document_keys(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["muscle"] = "trapezius"
    example["sites"][1]["medications"][0]["drug"] = "procaine"
    example["ultrasound"] = {"guided": False, "image_retained": True}

    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)

    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "sites[0].muscle",
        "sites[1].medications[0].drug",
        "ultrasound.image_retained",
    ]
    assert "trapezius" in caught.value.problems[0].message
