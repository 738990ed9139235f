"""Copies between ORM rows and the clinical records (the only place that knows both shapes)."""

from __future__ import annotations

from typing import Any

from tpi_desk.clinical.insurance import PatientInsurance
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    ProviderFacts,
    SessionEntry,
    SiteEntry,
)
from tpi_desk.clinical.session_shape import MEDICATION_FIELDS, SESSION_FIELDS, SITE_FIELDS
from tpi_desk.clinical.ultrasound_images import UltrasoundImage
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    FindingKind,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    SessionFinding,
    SessionImage,
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
        no_known_drug_allergies=row.no_known_drug_allergies,
        coverage=row.coverage,
        insurance=patient_insurance(row),
    )


def patient_insurance(row: Patient) -> PatientInsurance | None:
    """The patient's insurance, or None when none is on file (no relationship stored)."""
    if row.insurance_relationship is None:
        return None
    return PatientInsurance(
        payer_name=row.insurance_payer_name,
        payer_id=row.insurance_payer_id,
        member_id=row.insurance_member_id,
        group_number=row.insurance_group_number,
        relationship=row.insurance_relationship,
        subscriber=_subscriber(row),
        patient_address=_patient_address(row),
    )


def _subscriber(row: Patient) -> Subscriber | None:
    """The insured person on file (migration 0011), or None (no sex stored)."""
    if row.insurance_subscriber_sex is None:
        return None
    return Subscriber(
        family_name=row.insurance_subscriber_family_name,
        given_name=row.insurance_subscriber_given_name,
        date_of_birth=row.insurance_subscriber_birth_date,
        sex=row.insurance_subscriber_sex,
    )


def _patient_address(row: Patient) -> PostalAddress | None:
    """The patient's address on file with the insurance, or None (no street stored)."""
    if not row.insurance_patient_street:
        return None
    return PostalAddress(
        street=row.insurance_patient_street,
        city=row.insurance_patient_city,
        state=row.insurance_patient_state,
        zip_code=row.insurance_patient_zip,
    )


def insurance_columns(insurance: PatientInsurance | None) -> dict[str, object]:
    """The patient row's insurance columns for ``insurance`` (all empty and no relationship
    for none), by column name: for a row, or for a bulk insert's values."""
    subscriber = insurance.subscriber if insurance else None
    address = insurance.patient_address if insurance else None
    return {
        "insurance_payer_name": insurance.payer_name if insurance else "",
        "insurance_payer_id": insurance.payer_id if insurance else "",
        "insurance_member_id": insurance.member_id if insurance else "",
        "insurance_group_number": insurance.group_number if insurance else "",
        "insurance_relationship": insurance.relationship if insurance else None,
        "insurance_subscriber_family_name": subscriber.family_name if subscriber else "",
        "insurance_subscriber_given_name": subscriber.given_name if subscriber else "",
        "insurance_subscriber_birth_date": subscriber.date_of_birth if subscriber else None,
        "insurance_subscriber_sex": subscriber.sex if subscriber else None,
        "insurance_patient_street": address.street if address else "",
        "insurance_patient_city": address.city if address else "",
        "insurance_patient_state": address.state if address else "",
        "insurance_patient_zip": address.zip_code if address else "",
    }


def apply_patient_insurance(row: Patient, insurance: PatientInsurance | None) -> None:
    """Store ``insurance`` on the row (all empty and no relationship for none)."""
    for column, value in insurance_columns(insurance).items():
        setattr(row, column, value)


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
    row.no_known_drug_allergies = facts.no_known_drug_allergies
    row.coverage = facts.coverage
    apply_patient_insurance(row, facts.insurance)


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
            acupuncture_certified=row.acupuncture_certified,
        ),
    )


# Session fields the ORM keeps differently from the record: the offset-aware instant, the
# child rows (diagnoses, sites, findings, images) and the indication's two lists. Every other field
# of the session, site and medication shapes is a column of the same name, copied as is.
_SESSION_BY_HAND = frozenset(
    {
        "performed_at",
        "diagnoses",
        "sites",
        "indication",
        "side_effects",
        "complications",
        "ultrasound_images",
    }
)
SESSION_COLUMN_FIELDS = tuple(f.name for f in SESSION_FIELDS if f.name not in _SESSION_BY_HAND)
SITE_COLUMN_FIELDS = tuple(f.name for f in SITE_FIELDS if f.name != "medications")
MEDICATION_COLUMN_FIELDS = tuple(f.name for f in MEDICATION_FIELDS)


# Fields holding a tuple of texts, kept in a JSON list column (consent risks, exam findings).
_LIST_FIELDS = frozenset(
    f.name for f in (*SESSION_FIELDS, *SITE_FIELDS, *MEDICATION_FIELDS) if f.value_type is tuple
)


def _columns(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The attributes ``names`` of ``source``, by name (rows and records name them alike); a
    record's tuple of texts is the row's list and back."""
    values = {name: getattr(source, name) for name in names}
    for name in _LIST_FIELDS.intersection(names):
        values[name] = (
            list(values[name]) if isinstance(values[name], tuple) else tuple(values[name])
        )
    return values


def session_entry(row: ProcedureSession) -> SessionEntry:
    """The clinical record of a loaded session (children must be loaded eagerly)."""
    return SessionEntry(
        performed_at=row.local_performed_at,
        diagnoses=tuple(d.code for d in row.diagnoses),
        sites=tuple(_site_entry(site) for site in row.sites),
        indication=Indication(
            conservative_care_tried=tuple(row.conservative_care_tried),
            ongoing_care=tuple(row.ongoing_care),
        ),
        side_effects=row.side_effects,
        complications=row.complications,
        ultrasound_images=tuple(image_entry(image) for image in row.images),
        **_columns(row, SESSION_COLUMN_FIELDS),
    )


def image_entry(row: SessionImage) -> UltrasoundImage:
    """An image row as the record holds it (the stored SHA-256 as stored: ``verify``
    recomputes it from the bytes)."""
    return UltrasoundImage(
        file_name=row.file_name,
        image_format=row.media_type,
        content=row.content,
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        dicom_patient_name=row.dicom_patient_name,
        dicom_patient_id=row.dicom_patient_id,
    )


def _site_entry(site: InjectionSite) -> SiteEntry:
    return SiteEntry(
        medications=tuple(
            MedicationEntry(**_columns(line, MEDICATION_COLUMN_FIELDS)) for line in site.medications
        ),
        **_columns(site, SITE_COLUMN_FIELDS),
    )


def apply_session_entry(row: ProcedureSession, entry: SessionEntry) -> None:
    """Write every field of ``entry`` onto a draft row, replacing its children."""
    row.set_performed_at(entry.performed_at)
    for name, value in _columns(entry, SESSION_COLUMN_FIELDS).items():
        setattr(row, name, value)
    row.conservative_care_tried = list(entry.indication.conservative_care_tried)
    row.ongoing_care = list(entry.indication.ongoing_care)
    replace_children(row, "diagnoses", [SessionDiagnosis(code=code) for code in entry.diagnoses])
    replace_children(row, "sites", [_site_row(site) for site in entry.sites])
    findings = [SessionFinding(kind=FindingKind.SIDE_EFFECT, text=t) for t in entry.side_effects]
    findings += [SessionFinding(kind=FindingKind.COMPLICATION, text=t) for t in entry.complications]
    replace_children(row, "findings", findings)
    apply_images(row, entry.ultrasound_images)


def apply_images(row: ProcedureSession, images: tuple[UltrasoundImage, ...]) -> None:
    """Make the draft's image rows ``images``, in order, matching by SHA-256: an image
    already stored keeps its row (only its position or name may change), so an autosave
    never writes the bytes again; only new images are inserted, dropped ones deleted."""
    stored = list(row.images)
    if [(r.sha256, r.file_name) for r in stored] == [(i.sha256, i.file_name) for i in images]:
        return
    by_hash: dict[str, list[SessionImage]] = {}
    for image_row in stored:
        by_hash.setdefault(image_row.sha256, []).append(image_row)
    wanted: list[SessionImage] = []
    for image in images:
        kept = by_hash.get(image.sha256)
        if kept:
            image_row = kept.pop(0)
            image_row.file_name = image.file_name
        else:
            image_row = _image_row(image)
        wanted.append(image_row)
    for index, image_row in enumerate(wanted):
        image_row.position = index
    row.images[:] = wanted


def _image_row(image: UltrasoundImage) -> SessionImage:
    return SessionImage(
        file_name=image.file_name,
        media_type=image.image_format,
        content=image.content,
        sha256=image.sha256,
        width=image.width,
        height=image.height,
        dicom_patient_name=image.dicom_patient_name,
        dicom_patient_id=image.dicom_patient_id,
    )


def _site_row(site: SiteEntry) -> InjectionSite:
    return InjectionSite(
        medications=[
            MedicationLine(**_columns(med, MEDICATION_COLUMN_FIELDS)) for med in site.medications
        ],
        **_columns(site, SITE_COLUMN_FIELDS),
    )
