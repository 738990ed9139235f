"""A signed note shows the patient as they were at signing: the signature's content holds
the patient part (integrity.patient_part), read back by people_as_signed (issue 12, note
truthfulness)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tpi_desk.clinical.record import Coverage, PatientFacts, ProviderFacts, Sex
from tpi_desk.services.integrity.canonical import canonical_json
from tpi_desk.services.integrity.integrity import patient_part, person_part
from tpi_desk.services.integrity.signed_people import people_as_signed

AT_SIGNING = PatientFacts(
    mrn="D-104233",
    family_name="Ñúñez",
    given_name="Zoë",
    date_of_birth=date(1984, 2, 29),
    sex=Sex.FEMALE,
    weight_kg=Decimal("68.5"),
    allergies=("Sulfa", "Xylocaine"),
)
NOW = PatientFacts(
    mrn="D-104233",
    family_name="Ñúñez-Ortiz",
    given_name="Zoë",
    date_of_birth=date(1984, 2, 29),
    sex=Sex.FEMALE,
    weight_kg=Decimal("74"),
    allergies=(),
    no_known_drug_allergies=True,
    coverage=Coverage.MEDICARE,
)
PROVIDER = ProviderFacts("aokafor", "Amara Okafor", "MD", "1234567893")


def _content(patient: dict[str, object]) -> str:
    return canonical_json(
        {"patient": patient, "provider": person_part(PROVIDER), "signer": person_part(PROVIDER)}
    )


def test_the_signed_patient_is_read_back_as_signed() -> None:
    people = people_as_signed(_content(patient_part(AT_SIGNING)), NOW)
    assert people is not None and people.patient is not None
    signed = people.patient
    assert (signed.family_name, signed.weight_kg, signed.allergies) == (
        "Ñúñez",
        Decimal("68.5"),
        ("Sulfa", "Xylocaine"),
    )
    assert (signed.date_of_birth, signed.sex, signed.mrn) == (
        date(1984, 2, 29),
        Sex.FEMALE,
        "D-104233",
    )


def test_what_an_older_signature_did_not_hold_comes_from_the_patient_now() -> None:
    part = patient_part(AT_SIGNING)
    part.pop("no_known_drug_allergies", None)
    part.pop("coverage", None)
    people = people_as_signed(_content(part), NOW)
    assert people is not None and people.patient is not None
    assert people.patient.coverage is Coverage.MEDICARE
    assert people.patient.no_known_drug_allergies is True
    assert people.patient.weight_kg == Decimal("68.5")


def test_an_unreadable_patient_part_leaves_the_patient_as_they_are() -> None:
    people = people_as_signed(_content({"mrn": 7}), NOW)
    assert people is not None and people.patient is None
    assert people.provider == PROVIDER
