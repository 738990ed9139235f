"""Patient insurance (issue 15): its checks name each field, and the session document carries
it as the optional ``patient.insurance`` object (left out when none is on file)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, TypedDict

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.insurance import (
    RELATIONSHIP_WORDS,
    InsuredRelationship,
    PatientInsurance,
)
from tpi_desk.clinical.insurance_checks import insurance_problems
from tpi_desk.clinical.session_document import (
    FORMAT_V2,
    DocumentInvalid,
    from_json,
    parse_session_document,
    to_json,
)

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "session.json"
NORTHWIND = PatientInsurance(
    payer_name="Northwind Health Plan (demo)",
    payer_id="NWHP1",
    member_id="NWH00004127",
    group_number="NW-40117",
    relationship=InsuredRelationship.SELF,
)


class TextChange(TypedDict, total=False):
    """A bad-field case's change to the insurance's text fields, checked as ``replace`` takes it."""

    payer_name: str
    payer_id: str
    member_id: str
    group_number: str


def example_with(insurance: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["patient"]["insurance"] = insurance
    return data


def test_the_relationships_are_the_x12_codes_shown_in_plain_words() -> None:
    # 005010X222A1 individual relationship codes: 18 self, 01 spouse, 19 child, G8 other.
    assert [r.value for r in InsuredRelationship] == ["18", "01", "19", "G8"]
    assert RELATIONSHIP_WORDS[InsuredRelationship.SPOUSE] == "Spouse of the insured"
    assert NORTHWIND.relationship_words == "Self (the patient is the insured)"


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"payer_name": ""}, "payer_name", "is required"),
        ({"payer_name": "Acme*Health"}, "payer_name", "may contain only letters A-Z"),
        ({"payer_id": ""}, "payer_id", "is required"),
        ({"payer_id": "N"}, "payer_id", "must be at least 2 characters"),
        ({"member_id": "NWH 0001"}, "member_id", "may contain only letters, digits and hyphens"),
        ({"member_id": "X" * 41}, "member_id", "must be at most 40 characters"),
        ({"group_number": "NW~40117"}, "group_number", "may contain only letters, digits"),
    ],
)
def test_each_bad_field_is_named(change: TextChange, path: str, message: str) -> None:
    problems = insurance_problems(replace(NORTHWIND, **change))
    assert [p.path for p in problems] == [f"patient.insurance.{path}"]
    assert problems[0].message.startswith(message)
    assert problems[0].label.startswith("Patient, insurance: ")


def test_no_insurance_and_a_good_one_have_no_problem() -> None:
    assert insurance_problems(None) == ()
    assert insurance_problems(NORTHWIND) == ()
    assert insurance_problems(replace(NORTHWIND, group_number="")) == ()


def test_the_document_reads_and_writes_the_insurance(catalog: Catalog) -> None:
    data = example_with(
        {
            "payer_name": "Northwind Health Plan (demo)",
            "payer_id": "NWHP1",
            "member_id": "NWH00004127",
            "group_number": "NW-40117",
            "relationship": "18",
        }
    )
    doc = parse_session_document(json.loads(json.dumps(data)), catalog)
    assert doc.patient.insurance == NORTHWIND
    written = json.loads(to_json(doc))
    assert written["patient"]["insurance"] == data["patient"]["insurance"]
    assert from_json(to_json(doc), catalog) == doc


def test_without_insurance_the_document_is_as_before(catalog: Catalog) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    doc = from_json(text, catalog)
    assert doc.patient.insurance is None
    assert "insurance" not in json.loads(to_json(doc))["patient"]
    assert parse_session_document(example_with(None), catalog).patient.insurance is None


def test_a_format_2_document_may_carry_insurance(catalog: Catalog) -> None:
    data = example_with({"payer_name": "Demo Medicare Part B", "payer_id": "DMCB1",
                         "member_id": "1EG400000007", "relationship": "01"})  # fmt: skip
    data["format"] = FORMAT_V2
    for key in ("procedure_time", "chaperone"):
        data.pop(key, None)
    doc = parse_session_document(data, catalog)
    assert doc.patient.insurance is not None
    assert doc.patient.insurance.relationship is InsuredRelationship.SPOUSE
    assert doc.patient.insurance.group_number == ""


def test_bad_insurance_in_a_document_names_every_field(catalog: Catalog) -> None:
    data = example_with({"payer_name": "", "payer_id": 5, "member_id": "NWH 1",
                         "relationship": "child", "plan": "gold"})  # fmt: skip
    with pytest.raises(DocumentInvalid) as raised:
        parse_session_document(data, catalog)
    found = {problem.path: problem.message for problem in raised.value.problems}
    assert found == {
        "patient.insurance.plan": "is not a field of this format",
        "patient.insurance.payer_id": "must be text",
        "patient.insurance.relationship": "must be one of: 18, 01, 19, G8",
        "patient.insurance.payer_name": "is required",
        "patient.insurance.member_id": "may contain only letters, digits and hyphens",
    }
