"""One session's clinical resources: Encounter, a Condition per diagnosis, the Procedure.

Each takes the printed note's plain data (``NoteData``) and the ids of the people it points
at; body sites are SNOMED CT coded where the catalog has a verified concept for the muscle,
with the side as a laterality qualifier, and by name otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind, SessionEntry, SiteEntry
from tpi_desk.reports.fhir_vocabulary import (
    ACT_CODE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CPT,
    ICD_10_CM,
    LATERALITY,
    LATERALITY_EXTENSION,
    SESSION_ID_SYSTEM,
    SNOMED_CT,
    coding,
    concept,
    reference,
    stable_uuid,
)
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import pick_list_label

_KIND_TEXT = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "Trigger point injection",
    ProcedureKind.DRY_NEEDLING: "Dry needling (needle insertion without injection)",
}


@dataclass(frozen=True, slots=True)
class SessionIds:
    """The ids of one session's resources and of the people they point at."""

    patient: str
    practitioner: str
    encounter: str
    procedure: str
    conditions: tuple[str, ...]
    supervisor: str | None = None

    @classmethod
    def of(
        cls,
        note: NoteData,
        mrn_system: str,
        *,
        patient: str,
        practitioner: str,
        supervisor: str | None,
    ) -> SessionIds:
        def made(*parts: str) -> str:
            return stable_uuid(mrn_system, "session", note.session_id, *parts)

        return cls(
            patient=patient,
            practitioner=practitioner,
            encounter=made("encounter"),
            procedure=made("procedure"),
            conditions=tuple(made("condition", code) for code in note.entry.diagnoses),
            supervisor=supervisor,
        )


def when(moment: datetime) -> str:
    """A FHIR dateTime to the second, with the session clock's UTC offset."""
    return moment.isoformat(timespec="seconds")


def procedure_period(entry: SessionEntry) -> tuple[datetime, datetime] | None:
    """Start and end of the procedure on the session's date and clock, when both recorded
    (an end before the start is past midnight)."""
    started, ended = entry.procedure_started, entry.procedure_ended
    if started is None or ended is None:
        return None
    day, clock = entry.performed_at.date(), entry.performed_at.tzinfo
    start = datetime.combine(day, started, tzinfo=clock)
    end = datetime.combine(day, ended, tzinfo=clock)
    return start, end if end >= start else end + timedelta(days=1)


def encounter_resource(note: NoteData, ids: SessionIds) -> dict[str, Any]:
    """Encounter: the ambulatory visit of the session, with its diagnoses ranked."""
    period = procedure_period(note.entry)
    start, end = period if period is not None else (note.entry.performed_at, None)
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": ids.encounter,
        "identifier": [{"system": SESSION_ID_SYSTEM, "value": note.session_id}],
        "status": "finished",
        "class": coding(ACT_CODE, "AMB", "ambulatory"),
        "subject": reference(ids.patient),
        "participant": [{"individual": reference(ids.practitioner)}],
        "period": {"start": when(start)} | ({"end": when(end)} if end is not None else {}),
    }
    if ids.conditions:
        resource["diagnosis"] = [
            {"condition": reference(condition), "rank": rank}
            for rank, condition in enumerate(ids.conditions, start=1)
        ]
    return resource


def condition_resources(note: NoteData, ids: SessionIds) -> list[dict[str, Any]]:
    """A Condition per diagnosis of the note, ICD-10-CM coded, in the note's order."""
    found = []
    for code, condition_id in zip(note.entry.diagnoses, ids.conditions, strict=True):
        known = note.catalog.diagnosis(code)
        display = known.descriptor if known is not None else ""
        found.append(
            {
                "resourceType": "Condition",
                "id": condition_id,
                "clinicalStatus": concept("", coding(CONDITION_CLINICAL, "active", "Active")),
                "verificationStatus": concept(
                    "", coding(CONDITION_VERIFICATION, "confirmed", "Confirmed")
                ),
                "category": [
                    concept(
                        "", coding(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")
                    )
                ],
                "code": concept(display or code, coding(ICD_10_CM, code, display)),
                "subject": reference(ids.patient),
                "encounter": reference(ids.encounter),
                "recordedDate": when(note.entry.performed_at),
            }
        )
    return found


def body_site(site: SiteEntry, catalog: Catalog) -> dict[str, Any]:
    """The site as a CodeableConcept: the muscle's SNOMED CT concept when the catalog has
    one (its name otherwise) and the side as an mCODE laterality qualifier."""
    muscle = catalog.muscles.get(site.muscle_id)
    name = muscle.name if muscle is not None else site.muscle_id
    codings = []
    if muscle is not None and muscle.snomed:
        codings.append(coding(SNOMED_CT, muscle.snomed, muscle.snomed_term))
    site_concept = concept(f"{name}, {site.side.value}", *codings)
    laterality = LATERALITY.get(site.side)
    if laterality is not None:
        qualifier = concept("", coding(SNOMED_CT, *laterality))
        site_concept["extension"] = [
            {"url": LATERALITY_EXTENSION, "valueCodeableConcept": qualifier}
        ]
    return site_concept


def procedure_resource(note: NoteData, ids: SessionIds) -> dict[str, Any]:
    """Procedure: the session's CPT procedure code, when and by whom, why (the diagnoses),
    where (a body site per site), and how it went."""
    entry, catalog = note.entry, note.catalog
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": ids.procedure,
        "identifier": [{"system": SESSION_ID_SYSTEM, "value": note.session_id}],
        "status": "completed",
        "code": _procedure_code(note),
        "subject": reference(ids.patient),
        "encounter": reference(ids.encounter),
    }
    period = procedure_period(entry)
    if period is None:
        resource["performedDateTime"] = when(entry.performed_at)
    else:
        resource["performedPeriod"] = {"start": when(period[0]), "end": when(period[1])}
    resource["performer"] = [
        {"function": {"text": "Performing clinician"}, "actor": reference(ids.practitioner)}
    ]
    if ids.supervisor is not None:
        resource["performer"].append(
            {"function": {"text": "Supervising physician"}, "actor": reference(ids.supervisor)}
        )
    if ids.conditions:
        resource["reasonReference"] = [reference(condition) for condition in ids.conditions]
    if entry.sites:
        resource["bodySite"] = [body_site(site, catalog) for site in entry.sites]
    outcome = _outcome_text(note)
    if outcome:
        resource["outcome"] = {"text": outcome}
    if entry.complications:
        resource["complication"] = [
            {"text": pick_list_label(catalog.complications, item)} for item in entry.complications
        ]
    if entry.follow_up.strip():
        resource["followUp"] = [{"text": entry.follow_up.strip()}]
    notes = [text.strip() for text in (entry.notes, entry.instructions) if text.strip()]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def _procedure_code(note: NoteData) -> dict[str, Any]:
    """The CPT procedure code the note derives (20552, 20553, 20560 or 20561)."""
    lines = [
        line
        for line in note.analysis.coding.cpt
        if line.code in note.catalog.cpt and note.catalog.cpt[line.code].procedure_kind
    ]
    codings = [coding(CPT, line.code, line.descriptor) for line in lines[:1]]
    return concept(_KIND_TEXT[note.entry.kind], *codings)


def _outcome_text(note: NoteData) -> str:
    """ "Pain 7/10 before, 2/10 after; tolerated well" (what was recorded)."""
    entry = note.entry
    parts = []
    if entry.pain_before is not None and entry.pain_after is not None:
        parts.append(f"Pain {entry.pain_before}/10 before, {entry.pain_after}/10 after")
    if entry.tolerance is not None:
        labels = note.catalog.documentation.tolerance_labels
        parts.append(f"Tolerance: {labels.get(entry.tolerance, entry.tolerance.value)}")
    return "; ".join(parts)
