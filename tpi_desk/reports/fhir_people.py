"""The people of a FHIR export: the patient (by MRN) and the practitioners (by NPI)."""

from __future__ import annotations

from typing import Any

from tpi_desk.clinical.record import PatientFacts, ProviderFacts, Sex
from tpi_desk.reports.fhir_vocabulary import IDENTIFIER_TYPE, US_NPI, coding, stable_uuid

_GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.OTHER: "other", Sex.UNKNOWN: "unknown"}


def patient_id(patient: PatientFacts, mrn_system: str) -> str:
    """The Patient's id: one per MRN of the clinic, whichever notes name it."""
    return stable_uuid(mrn_system, "patient", patient.mrn)


def practitioner_id(provider: ProviderFacts, mrn_system: str) -> str:
    """The Practitioner's id: by NPI, else by user name, else by the name on the note."""
    key = provider.npi or provider.username or provider.display_name
    return stable_uuid(mrn_system, "practitioner", key)


def patient_resource(patient: PatientFacts, mrn_system: str) -> dict[str, Any]:
    """Patient: the MRN under the clinic's system, name, sex and date of birth."""
    mrn_type = coding(IDENTIFIER_TYPE, "MR", "Medical record number")
    return {
        "resourceType": "Patient",
        "id": patient_id(patient, mrn_system),
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [mrn_type], "text": "MRN"},
                "system": mrn_system,
                "value": patient.mrn,
            }
        ],
        "name": [_human_name(patient)],
        "gender": _GENDER[patient.sex],
        "birthDate": patient.date_of_birth.isoformat(),
    }


def _human_name(patient: PatientFacts) -> dict[str, Any]:
    """The official name; a part left empty is left out (FHIR strings are never empty)."""
    family, given = patient.family_name.strip(), patient.given_name.strip()
    name: dict[str, Any] = {"use": "official", "text": f"{given} {family}".strip() or "(none)"}
    if family:
        name["family"] = family
    if given:
        name["given"] = [given]
    return name


def practitioner_resource(provider: ProviderFacts, mrn_system: str) -> dict[str, Any]:
    """Practitioner: the name as notes print it, the NPI when known, the credentials."""
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": practitioner_id(provider, mrn_system),
        "name": [{"use": "official", "text": provider.display_name or provider.username}],
    }
    if provider.npi:
        resource["identifier"] = [{"system": US_NPI, "value": provider.npi}]
    if provider.credentials:
        resource["qualification"] = [{"code": {"text": provider.credentials}}]
    return resource
