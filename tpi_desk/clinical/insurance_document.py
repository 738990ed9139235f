"""The optional ``patient.insurance`` object of the session document (issue 15).

Written only when the patient has insurance on file, so a document of a patient without
reads and writes exactly as before; read from documents of format @2 and @3. For a patient
insured through someone else it may hold ``subscriber`` (the insured person) and
``patient_address``, each written only when on file: documents written before they were
kept read as before.
"""

from __future__ import annotations

from tpi_desk.clinical.document_fields import Fields
from tpi_desk.clinical.insurance import INSURANCE_KEYS, InsuredRelationship, PatientInsurance
from tpi_desk.clinical.insured_person import (
    ADDRESS_KEYS,
    SUBSCRIBER_KEYS,
    PostalAddress,
    Subscriber,
    SubscriberSex,
)

INSURANCE_KEY = "insurance"


def read_insurance(patient: Fields) -> PatientInsurance | None:
    """The patient's insurance from the document (None when the key is absent or null)."""
    fields = patient.child(INSURANCE_KEY, INSURANCE_KEYS)
    if fields is None:
        return None
    return PatientInsurance(
        payer_name=fields.text("payer_name", required=True),
        payer_id=fields.text("payer_id", required=True),
        member_id=fields.text("member_id", required=True),
        group_number=fields.text("group_number"),
        relationship=fields.choice("relationship", InsuredRelationship, InsuredRelationship.SELF),
        subscriber=_read_subscriber(fields),
        patient_address=_read_address(fields),
    )


def _read_subscriber(insurance: Fields) -> Subscriber | None:
    fields = insurance.child("subscriber", SUBSCRIBER_KEYS)
    if fields is None:
        return None
    return Subscriber(
        family_name=fields.text("family_name", required=True),
        given_name=fields.text("given_name", required=True),
        date_of_birth=fields.day("date_of_birth"),
        sex=fields.choice("sex", SubscriberSex, SubscriberSex.UNKNOWN),
    )


def _read_address(insurance: Fields) -> PostalAddress | None:
    fields = insurance.child("patient_address", ADDRESS_KEYS)
    if fields is None:
        return None
    return PostalAddress(
        street=fields.text("street", required=True),
        city=fields.text("city", required=True),
        state=fields.text("state", required=True),
        zip_code=fields.text("zip_code", required=True),
    )


def insurance_entry(insurance: PatientInsurance | None) -> dict[str, object]:
    """``{"insurance": {...}}`` to add to the patient object, or nothing without insurance."""
    if insurance is None:
        return {}
    entry: dict[str, object] = {
        "payer_name": insurance.payer_name,
        "payer_id": insurance.payer_id,
        "member_id": insurance.member_id,
        "group_number": insurance.group_number,
        "relationship": insurance.relationship.value,
    }
    subscriber, address = insurance.subscriber, insurance.patient_address
    if subscriber is not None:
        entry["subscriber"] = {
            "family_name": subscriber.family_name,
            "given_name": subscriber.given_name,
            "date_of_birth": (
                None if subscriber.date_of_birth is None else subscriber.date_of_birth.isoformat()
            ),
            "sex": subscriber.sex.value,
        }
    if address is not None:
        entry["patient_address"] = {
            "street": address.street,
            "city": address.city,
            "state": address.state,
            "zip_code": address.zip_code,
        }
    return {INSURANCE_KEY: entry}
