"""MedicationAdministration: one per drug per site, part of the session's Procedure.

The drug, its NDC (as recorded, the 11-digit 5-4-2 form of claims), lot and expiry travel on
a contained ``Medication`` (its ``batch``); the dose is in mg (UCUM), with the concentration
and volume it comes from in ``dosage.text``; the site is the Procedure's body site.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tpi_desk.clinical.record import MedicationEntry, SiteEntry
from tpi_desk.reports.fhir_session import SessionIds, body_site, when
from tpi_desk.reports.fhir_vocabulary import (
    INTRAMUSCULAR_ROUTE,
    NDC,
    SNOMED_CT,
    UCUM,
    coding,
    concept,
    reference,
    stable_uuid,
)
from tpi_desk.reports.note_data import NoteData

_CONTAINED_ID = "drug"


def medication_administrations(
    note: NoteData, ids: SessionIds, mrn_system: str
) -> list[dict[str, Any]]:
    """Every drug given at every site of the note, in the note's order."""
    found = []
    for site_number, site in enumerate(note.entry.sites, start=1):
        for drug_number, given in enumerate(site.medications, start=1):
            administration_id = stable_uuid(
                mrn_system, "session", note.session_id, "site", str(site_number),
                "drug", str(drug_number),
            )  # fmt: skip
            found.append(_administration(note, ids, site, given, administration_id))
    return found


def _administration(
    note: NoteData, ids: SessionIds, site: SiteEntry, given: MedicationEntry, own_id: str
) -> dict[str, Any]:
    drug = note.catalog.drugs.get(given.drug_id)
    name = drug.name if drug is not None else given.drug_id
    dose = given.concentration_mg_per_ml * given.volume_ml
    medication: dict[str, Any] = {
        "resourceType": "Medication",
        "id": _CONTAINED_ID,
        "code": concept(name, *([coding(NDC, given.ndc)] if given.ndc else [])),
    }
    batch: dict[str, str] = {}
    if given.lot:
        batch["lotNumber"] = given.lot
    if given.expires is not None:
        batch["expirationDate"] = given.expires.isoformat()
    if batch:
        medication["batch"] = batch
    return {
        "resourceType": "MedicationAdministration",
        "id": own_id,
        "contained": [medication],
        "status": "completed",
        "medicationReference": {"reference": f"#{_CONTAINED_ID}", "display": name},
        "subject": reference(ids.patient),
        "context": reference(ids.encounter),
        "effectiveDateTime": when(note.entry.performed_at),
        "performer": [{"actor": reference(ids.practitioner)}],
        "partOf": [reference(ids.procedure)],
        "dosage": {
            "text": (
                f"{name} {_number(given.concentration_mg_per_ml)} mg/mL, "
                f"{_number(given.volume_ml)} mL ({_number(dose)} mg)"
            ),
            "site": body_site(site, note.catalog),
            "route": concept("Intramuscular", coding(SNOMED_CT, *INTRAMUSCULAR_ROUTE)),
            "dose": {"value": _json_number(dose), "unit": "mg", "system": UCUM, "code": "mg"},
        },
    }


def _number(value: Decimal) -> str:
    """ "2", "0.5", "12.25": the decimal without trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def _json_number(value: Decimal) -> int | float:
    """The dose as a JSON number: whole mg as an integer, else the decimal's float."""
    return int(value) if value == value.to_integral_value() else float(value)
