"""The optional ``patient.insurance`` object of the session document (issue 15).

Written only when the patient has insurance on file, so a document of a patient without
reads and writes exactly as before; read from documents of format @2 and @3.
"""

from __future__ import annotations

from tpi_desk.clinical.document_fields import Fields
from tpi_desk.clinical.insurance import INSURANCE_KEYS, InsuredRelationship, PatientInsurance

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
    )


def insurance_entry(insurance: PatientInsurance | None) -> dict[str, object]:
    """``{"insurance": {...}}`` to add to the patient object, or nothing without insurance."""
    if insurance is None:
        return {}
    return {
        INSURANCE_KEY: {
            "payer_name": insurance.payer_name,
            "payer_id": insurance.payer_id,
            "member_id": insurance.member_id,
            "group_number": insurance.group_number,
            "relationship": insurance.relationship.value,
        }
    }
