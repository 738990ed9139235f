"""The insured person of a dependent and the patient's address (issue 15; the address for a
patient who is the insured too): their checks name each field in words, and the session
document carries them inside the optional ``patient.insurance`` object (older documents,
without them, read as before)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tests.clinical.test_patient_insurance import NORTHWIND, example_with
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.insurance import InsuredRelationship
from tpi_desk.clinical.insurance_checks import insurance_problems
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber, SubscriberSex
from tpi_desk.clinical.session_document import DocumentInvalid, parse_session_document, to_json

TODAY = date(2026, 12, 7)
INSURED = Subscriber("Okafor", "Adaeze", date(1961, 8, 14), SubscriberSex.FEMALE)
ADDRESS = PostalAddress("14 Alder Lane", "Portland", "ME", "04101-2201")
CHILD = replace(
    NORTHWIND,
    relationship=InsuredRelationship.CHILD,
    subscriber=INSURED,
    patient_address=ADDRESS,
)
CHILD_IN_DOCUMENT: dict[str, Any] = {
    "payer_name": "Northwind Health Plan (demo)",
    "payer_id": "NWHP1",
    "member_id": "NWH00004127",
    "group_number": "NW-40117",
    "relationship": "19",
    "subscriber": {
        "family_name": "Okafor", "given_name": "Adaeze", "date_of_birth": "1961-08-14",
        "sex": "F",
    },
    "patient_address": {
        "street": "14 Alder Lane", "city": "Portland", "state": "ME", "zip_code": "04101-2201",
    },
}  # fmt: skip


def test_the_sexes_are_the_x12_administrative_codes() -> None:
    assert [sex.value for sex in SubscriberSex] == ["F", "M", "U"]


def test_a_complete_dependent_and_one_without_the_insured_person_yet_have_no_problem() -> None:
    assert insurance_problems(CHILD, today=TODAY) == ()
    unknown_birth = replace(CHILD, subscriber=replace(INSURED, date_of_birth=None))
    assert insurance_problems(unknown_birth, today=TODAY) == ()
    assert insurance_problems(replace(CHILD, subscriber=None, patient_address=None)) == ()


@pytest.mark.parametrize(
    ("changes", "path", "label", "message"),
    [
        ({"subscriber": replace(INSURED, family_name=" ")}, "subscriber.family_name",
         "Patient, insurance, insured person: family name", "is required"),
        ({"subscriber": replace(INSURED, given_name="")}, "subscriber.given_name",
         "Patient, insurance, insured person: given name", "is required"),
        ({"subscriber": replace(INSURED, date_of_birth=date(2027, 1, 1))},
         "subscriber.date_of_birth", "Patient, insurance, insured person: date of birth",
         "cannot be in the future"),
        ({"patient_address": replace(ADDRESS, state="Maine")}, "patient_address.state",
         "Patient, insurance, patient's address: state", "must be the state's two capital"),
        ({"patient_address": replace(ADDRESS, zip_code="4101")}, "patient_address.zip_code",
         "Patient, insurance, patient's address: ZIP code", "must be 5 or 9 digits"),
        ({"patient_address": replace(ADDRESS, city="")}, "patient_address.city",
         "Patient, insurance, patient's address: city", "is required"),
        ({"relationship": InsuredRelationship.SELF, "patient_address": None}, "subscriber",
         "Patient, insurance: insured person", "is kept only for a patient insured through"),
    ],
)  # fmt: skip
def test_each_bad_field_of_a_dependent_is_named_in_words(
    changes: dict[str, object], path: str, label: str, message: str
) -> None:
    # ``changes`` name fields of several types, as `object`: mypy cannot match replace()'s keywords.
    (found,) = insurance_problems(replace(CHILD, **changes), today=TODAY)  # type: ignore[arg-type]
    assert found.path == f"patient.insurance.{path}"
    assert found.label == label
    assert found.message.startswith(message)


SELF = replace(CHILD, relationship=InsuredRelationship.SELF, subscriber=None)
# 005010X222A1 2010BA N3/N4: "Required when the patient is the subscriber", so the address of
# a patient who is the insured is kept and checked like a dependent's.
SELF_ADDRESS_ROWS = [
    ({}, None, ""),
    ({"patient_address": None}, None, ""),
    ({"patient_address": replace(ADDRESS, street="")}, "patient_address.street",
     "Patient, insurance, patient's address: street"),
    ({"patient_address": replace(ADDRESS, state="me")}, "patient_address.state",
     "Patient, insurance, patient's address: state"),
    ({"patient_address": replace(ADDRESS, zip_code="041")}, "patient_address.zip_code",
     "Patient, insurance, patient's address: ZIP code"),
    ({"subscriber": INSURED}, "subscriber", "Patient, insurance: insured person"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "path", "label"), SELF_ADDRESS_ROWS)
def test_a_patient_who_is_the_insured_may_have_an_address_and_each_bad_field_is_named(
    changes: dict[str, object], path: str | None, label: str
) -> None:
    # ``changes`` name fields of several types, as `object`: mypy cannot match replace()'s keywords.
    found = insurance_problems(replace(SELF, **changes), today=TODAY)  # type: ignore[arg-type]
    assert [(p.path, p.label) for p in found] == (
        [] if path is None else [(f"patient.insurance.{path}", label)]
    )


def test_the_document_of_a_patient_who_is_the_insured_keeps_the_address(
    catalog: Catalog,
) -> None:
    in_document = {
        key: value for key, value in CHILD_IN_DOCUMENT.items() if key != "subscriber"
    } | {"relationship": "18"}
    doc = parse_session_document(example_with(in_document), catalog)

    assert doc.patient.insurance == SELF
    assert json.loads(to_json(doc))["patient"]["insurance"] == in_document


def test_the_document_reads_and_writes_the_insured_person(catalog: Catalog) -> None:
    doc = parse_session_document(example_with(CHILD_IN_DOCUMENT), catalog)

    assert doc.patient.insurance == CHILD
    assert json.loads(to_json(doc))["patient"]["insurance"] == CHILD_IN_DOCUMENT


def test_a_document_of_a_dependent_without_the_insured_person_reads_as_before(
    catalog: Catalog,
) -> None:
    older = {key: CHILD_IN_DOCUMENT[key] for key in ("payer_name", "payer_id", "member_id",
                                                    "relationship")}  # fmt: skip
    doc = parse_session_document(example_with(older), catalog)

    assert doc.patient.insurance is not None
    assert (doc.patient.insurance.subscriber, doc.patient.insurance.patient_address) == (None, None)
    assert json.loads(to_json(doc))["patient"]["insurance"] == {**older, "group_number": ""}


def test_a_bad_insured_person_in_a_document_names_every_field(catalog: Catalog) -> None:
    bad = {"family_name": "", "date_of_birth": "14/08/1961", "sex": "female", "ssn": "1"}
    data = example_with({**CHILD_IN_DOCUMENT, "subscriber": bad})
    with pytest.raises(DocumentInvalid) as raised:
        parse_session_document(data, catalog)
    found = {problem.path: problem.message for problem in raised.value.problems}
    prefix = "patient.insurance.subscriber"
    assert found[f"{prefix}.ssn"] == "is not a field of this format"
    assert found[f"{prefix}.sex"] == "must be one of: F, M, U"
    assert found[f"{prefix}.given_name"] == "is required"
    assert f"{prefix}.date_of_birth" in found
