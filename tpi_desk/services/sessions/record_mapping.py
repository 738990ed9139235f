"""Copies between ORM rows and the clinical records (the only place that knows both shapes)."""

from __future__ import annotations

from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    ProviderFacts,
    SessionEntry,
    SiteEntry,
)
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    FindingKind,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    SessionFinding,
    replace_children,
)
from tpi_desk.services.dto import PatientRecord, ProviderRecord


def patient_facts(row: Patient) -> PatientFacts:
    return PatientFacts(
        mrn=row.mrn,
        family_name=row.family_name,
        given_name=row.given_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        weight_kg=row.weight_kg,
        allergies=tuple(row.allergies),
    )


def patient_record(row: Patient) -> PatientRecord:
    return PatientRecord(id=row.id, version=row.version, facts=patient_facts(row))


def apply_patient_facts(row: Patient, facts: PatientFacts) -> None:
    row.mrn = facts.mrn
    row.family_name = facts.family_name
    row.given_name = facts.given_name
    row.date_of_birth = facts.date_of_birth
    row.sex = facts.sex
    row.weight_kg = facts.weight_kg
    row.allergies = list(facts.allergies)


def provider_record(row: User) -> ProviderRecord:
    return ProviderRecord(
        id=row.id,
        role=row.role,
        active=row.active,
        facts=ProviderFacts(
            username=row.username,
            display_name=row.display_name,
            credentials=row.credentials,
            npi=row.npi,
        ),
    )


def session_entry(row: ProcedureSession) -> SessionEntry:
    """The clinical record of a loaded session (children must be loaded eagerly)."""
    return SessionEntry(
        performed_at=row.local_performed_at,
        kind=row.kind,
        position=row.position,
        ultrasound_guided=row.ultrasound_guided,
        ultrasound_image_retained=row.ultrasound_image_retained,
        ultrasound_device=row.ultrasound_device,
        consent_obtained=row.consent_obtained,
        time_out_performed=row.time_out_performed,
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        diagnoses=tuple(d.code for d in row.diagnoses),
        sites=tuple(_site_entry(site) for site in row.sites),
        indication=Indication(
            conservative_care_tried=tuple(row.conservative_care_tried),
            ongoing_care=tuple(row.ongoing_care),
        ),
        side_effects=row.side_effects,
        complications=row.complications,
        notes=row.notes,
        instructions=row.instructions,
        follow_up=row.follow_up,
    )


def _site_entry(site: InjectionSite) -> SiteEntry:
    return SiteEntry(
        muscle_id=site.muscle_id,
        side=site.side,
        points=site.points,
        needle_gauge=site.needle_gauge,
        needle_length_mm=site.needle_length_mm,
        twitch_response=site.twitch_response,
        medications=tuple(
            MedicationEntry(
                drug_id=line.drug_id,
                concentration_mg_per_ml=line.concentration_mg_per_ml,
                volume_ml=line.volume_ml,
                lot=line.lot,
                expires=line.expires,
            )
            for line in site.medications
        ),
    )


def apply_session_entry(row: ProcedureSession, entry: SessionEntry) -> None:
    """Write every field of ``entry`` onto a draft row, replacing its children."""
    row.set_performed_at(entry.performed_at)
    row.kind = entry.kind
    row.position = entry.position
    row.ultrasound_guided = entry.ultrasound_guided
    row.ultrasound_image_retained = entry.ultrasound_image_retained
    row.ultrasound_device = entry.ultrasound_device
    row.consent_obtained = entry.consent_obtained
    row.time_out_performed = entry.time_out_performed
    row.pain_before = entry.pain_before
    row.pain_after = entry.pain_after
    row.conservative_care_tried = list(entry.indication.conservative_care_tried)
    row.ongoing_care = list(entry.indication.ongoing_care)
    row.notes = entry.notes
    row.instructions = entry.instructions
    row.follow_up = entry.follow_up
    replace_children(row, "diagnoses", [SessionDiagnosis(code=code) for code in entry.diagnoses])
    replace_children(row, "sites", [_site_row(site) for site in entry.sites])
    findings = [SessionFinding(kind=FindingKind.SIDE_EFFECT, text=t) for t in entry.side_effects]
    findings += [SessionFinding(kind=FindingKind.COMPLICATION, text=t) for t in entry.complications]
    replace_children(row, "findings", findings)


def _site_row(site: SiteEntry) -> InjectionSite:
    return InjectionSite(
        muscle_id=site.muscle_id,
        side=site.side,
        points=site.points,
        needle_gauge=site.needle_gauge,
        needle_length_mm=site.needle_length_mm,
        twitch_response=site.twitch_response,
        medications=[
            MedicationLine(
                drug_id=med.drug_id,
                concentration_mg_per_ml=med.concentration_mg_per_ml,
                volume_ml=med.volume_ml,
                lot=med.lot,
                expires=med.expires,
            )
            for med in site.medications
        ],
    )
