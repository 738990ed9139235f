"""Patients in the audit chain: each saved patient's content hash, and the check of it.

Every creation or change of a patient is audited with the SHA-256 of the patient's
canonical content in the entry's detail (``content sha256:<hash>``). The audit entry is
itself chained, so ``tpi-desk verify`` can tell a patient row edited outside the app: its
content no longer matches the hash of its newest audited state.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import Patient
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.chain_walk import Finding, id_ranges, numbers

PATIENT_FORMAT = "tpi-desk/patient@1"
CONTENT_MARKER = "content sha256:"
PATIENT_CHAIN = "patients"
BATCH_SIZE = 2_000


def patient_content(row: Patient) -> dict[str, object]:
    """What a patient's hash covers: every fact the user enters (not ids or timestamps).

    The insurance (migration 0008) is covered once the patient has one; a patient without
    keeps the content, and so the hash, audited before insurance was recorded. The same holds
    for a dependent's insured person and for the patient's address (migration 0011; the
    address of a patient who is the insured is kept in the same columns).
    """
    content: dict[str, object] = {
        "format": PATIENT_FORMAT,
        "mrn": row.mrn,
        "family_name": row.family_name,
        "given_name": row.given_name,
        "date_of_birth": row.date_of_birth,
        "sex": row.sex,
        "weight_kg": row.weight_kg,
        "allergies": list(row.allergies or ()),
        "no_known_drug_allergies": bool(row.no_known_drug_allergies),
        "coverage": row.coverage,
    }
    if row.insurance_relationship is not None:
        content["insurance"] = _insurance_content(row)
    return content


def _insurance_content(row: Patient) -> dict[str, object]:
    """The insurance part; the insured person and the patient's address (migration 0011)
    only once on file, so insurance audited before they were kept keeps its hash."""
    insurance: dict[str, object] = {
        "payer_name": row.insurance_payer_name,
        "payer_id": row.insurance_payer_id,
        "member_id": row.insurance_member_id,
        "group_number": row.insurance_group_number,
        "relationship": row.insurance_relationship,
    }
    if row.insurance_subscriber_sex is not None:
        insurance["subscriber"] = {
            "family_name": row.insurance_subscriber_family_name,
            "given_name": row.insurance_subscriber_given_name,
            "date_of_birth": row.insurance_subscriber_birth_date,
            "sex": row.insurance_subscriber_sex,
        }
    if row.insurance_patient_street:
        insurance["patient_address"] = {
            "street": row.insurance_patient_street,
            "city": row.insurance_patient_city,
            "state": row.insurance_patient_state,
            "zip_code": row.insurance_patient_zip,
        }
    return insurance


def patient_hash(row: Patient) -> str:
    return sha256_hex(canonical_json(patient_content(row)))


def patient_detail(row: Patient, note: str = "") -> str:
    """The audit detail of a patient's creation or change: an optional note, then the hash."""
    marker = f"{CONTENT_MARKER}{patient_hash(row)}"
    return f"{note}; {marker}" if note else marker


def audited_hash(detail: str) -> str | None:
    """The content hash an audit detail carries, if any."""
    _, found, rest = detail.rpartition(CONTENT_MARKER)
    return rest[:64] if found and len(rest) >= 64 else None


def check_patients(db: Session) -> list[Finding]:
    """Findings naming every patient whose row differs from its newest audited state.

    Patients saved before their changes were hashed (no hash in any audit entry) are not
    judged; their next change through the app brings them into the chain.
    """
    newest = (
        select(AuditEvent.record_id, func.max(AuditEvent.sequence).label("sequence"))
        .where(
            AuditEvent.record_type == "patient",
            AuditEvent.record_id.is_not(None),
            AuditEvent.detail.contains(CONTENT_MARKER),
        )
        .group_by(AuditEvent.record_id)
        .subquery()
    )
    query = (
        select(Patient, AuditEvent.detail)
        .join(newest, newest.c.record_id == Patient.id)
        .join(AuditEvent, AuditEvent.sequence == newest.c.sequence)
        .order_by(Patient.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    changed: list[int] = []
    for batch in db.execute(query).partitions(BATCH_SIZE):
        for row, detail in batch:
            if audited_hash(detail) != patient_hash(row):
                changed.append(row.id)
    return [
        Finding(
            PATIENT_CHAIN,
            f"patient(s) {numbers(first, last)} differ from their last audited state: "
            "changed outside the app",
        )
        for first, last in id_ranges(changed)
    ]
