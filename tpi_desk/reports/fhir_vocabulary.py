"""The code systems, codes and identifiers of the FHIR R4 export, each with its source.

These are the standards' own fixed vocabulary (HL7 FHIR R4, SNOMED CT, LOINC, UCUM, HL7 v2/v3
terminology); the catalog keeps what changes with the clinic's work (muscles' SNOMED CT
concepts, CPT and ICD-10-CM codes).
"""

from __future__ import annotations

import uuid
from typing import Any

from tpi_desk.clinical.record import Side

# Code systems (FHIR R4 "Using codes": http://hl7.org/fhir/R4/terminologies-systems.html).
SNOMED_CT = "http://snomed.info/sct"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
NDC = "http://hl7.org/fhir/sid/ndc"
US_NPI = "http://hl7.org/fhir/sid/us-npi"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

# SNOMED CT laterality qualifiers (DOMAIN.md, FHIR R4; DICOM PS3.16 CID 244 "Laterality"):
# a midline site has none.
LATERALITY: dict[Side, tuple[str, str]] = {
    Side.RIGHT: ("24028007", "Right (qualifier value)"),
    Side.LEFT: ("7771000", "Left (qualifier value)"),
    Side.BILATERAL: ("51440002", "Right and left (qualifier value)"),
}
# The laterality of a body site as HL7's mCODE IG carries it (an extension on the bodySite
# CodeableConcept, value set: the three qualifiers above).
LATERALITY_EXTENSION = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
# Trigger point injection is intramuscular (SNOMED CT 78421000; DICOM PS3.16 "Intramuscular
# route"; FHIR R4 route-codes value set).
INTRAMUSCULAR_ROUTE = ("78421000", "Intramuscular route (qualifier value)")
# LOINC 28570-0 "Procedure note" (the document type of the signed note).
PROCEDURE_NOTE = ("28570-0", "Procedure note")
# The SHA-256 of an Attachment's data, in hexadecimal: R4's Attachment.hash is the SHA-1
# (base64), so the stronger digest the note's manifest uses travels in this extension.
SHA256_EXTENSION = "urn:tpi-desk:fhir:StructureDefinition:attachment-sha256"
# TPI Desk's own session number (DocumentReference, Procedure identifiers).
SESSION_ID_SYSTEM = "urn:tpi-desk:session-id"

# Every id of the bundle is a name-based UUID (RFC 4122 version 5) in this namespace.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tpi-desk:fhir")


def stable_uuid(*parts: str) -> str:
    """The same UUID for the same ``parts`` on every export (no clock, no randomness)."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def reference(resource_id: str, display: str = "") -> dict[str, Any]:
    """A reference to the bundle entry of ``resource_id`` (its fullUrl)."""
    found: dict[str, Any] = {"reference": f"urn:uuid:{resource_id}"}
    if display:
        found["display"] = display
    return found


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(text: str, *codings: dict[str, str]) -> dict[str, Any]:
    """A CodeableConcept of ``codings`` (none: text only)."""
    found: dict[str, Any] = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = text
    return found
