"""What a signature covers, as canonical content, and appending it to the signature chain.

Each format is versioned (``tpi-desk/signed-note@3`` ...) and never changes once released:
``tpi-desk verify`` re-serialises old notes with the format they were signed in. Facts about
people (patient, provider, signer) are taken as they were at signing and kept in the stored
content, because a patient's weight or a clinician's name may rightly change later; the
clinical content and every id and time are re-read from the database when verifying.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    ProviderFacts,
    SessionEntry,
    SiteEntry,
)
from tpi_desk.models.procedures import Signature, SignedRecordKind
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.services.integrity.canonical import (
    canonical_json,
    link_hash,
    sha256_bytes,
    sha256_hex,
)
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN, append_link
from tpi_desk.services.integrity.signing_keys import UnlockedKey

# Notes are signed in @3 (session document @3's fields), or in @4 (@3 and the note's
# ultrasound images, by their SHA-256) when they hold images; @1 and @2 notes still verify.
NOTE_FORMAT = "tpi-desk/signed-note@3"
NOTE_FORMAT_V4 = "tpi-desk/signed-note@4"
NOTE_FORMAT_V2 = "tpi-desk/signed-note@2"
NOTE_FORMAT_V1 = "tpi-desk/signed-note@1"
ADDENDUM_FORMAT = "tpi-desk/signed-addendum@1"
COSIGNATURE_FORMAT = "tpi-desk/cosignature@1"
ERROR_MARK_FORMAT = "tpi-desk/entered-in-error@1"
FORMATS = {
    SignedRecordKind.SESSION: NOTE_FORMAT,
    SignedRecordKind.ADDENDUM: ADDENDUM_FORMAT,
    SignedRecordKind.COSIGNATURE: COSIGNATURE_FORMAT,
    SignedRecordKind.ENTERED_IN_ERROR: ERROR_MARK_FORMAT,
}
# Every format ``verify`` reads, by kind (the first is the one written now).
READABLE_FORMATS = {
    **{kind: (written,) for kind, written in FORMATS.items()},
    SignedRecordKind.SESSION: (NOTE_FORMAT, NOTE_FORMAT_V4, NOTE_FORMAT_V2, NOTE_FORMAT_V1),
}
# The formats whose content covers ultrasound images: a note signed in any other holds none.
NOTE_FORMATS_WITH_IMAGES = frozenset({NOTE_FORMAT_V4})


def note_format_for(entry: SessionEntry) -> str:
    """The format a note holding ``entry`` is signed in now: @4 with images, @3 without."""
    return NOTE_FORMAT_V4 if entry.ultrasound_images else NOTE_FORMAT


def patient_part(facts: PatientFacts) -> dict[str, object]:
    """The patient as a signed-note@2 holds them."""
    return {
        "mrn": facts.mrn,
        "family_name": facts.family_name,
        "given_name": facts.given_name,
        "date_of_birth": facts.date_of_birth,
        "sex": facts.sex,
        "weight_kg": facts.weight_kg,
        "allergies": list(facts.allergies),
        "no_known_drug_allergies": facts.no_known_drug_allergies,
        "coverage": facts.coverage,
    }


def person_part(facts: ProviderFacts) -> dict[str, object]:
    """A person as addenda, co-signatures and error marks (all @1) hold them."""
    return {
        "username": facts.username,
        "display_name": facts.display_name,
        "credentials": facts.credentials,
        "npi": facts.npi,
    }


def provider_part(facts: ProviderFacts) -> dict[str, object]:
    """The provider or signer as a signed-note@2 holds them."""
    return {**person_part(facts), "acupuncture_certified": facts.acupuncture_certified}


def entry_part_as_signed(entry: SessionEntry) -> dict[str, object]:
    """The session part of a note holding ``entry``, in the format it is signed in now."""
    return entry_part_v4(entry) if entry.ultrasound_images else entry_part(entry)


def entry_part_v4(entry: SessionEntry) -> dict[str, object]:
    """Every clinical field of a session, in the signed-note@4 shape: @3's, with the
    ultrasound images in order inside ``ultrasound``. Each image is signed by the SHA-256
    of its bytes, computed here (never the stored column), so ``verify`` reading the bytes
    back finds an image that was swapped, however its row was edited."""
    part = entry_part(entry)
    ultrasound = part["ultrasound"]
    assert isinstance(ultrasound, dict)
    ultrasound["images"] = [
        {
            "sha256": sha256_bytes(image.content),
            "media_type": image.image_format,
            "file_name": image.file_name,
            "width": image.width,
            "height": image.height,
        }
        for image in entry.ultrasound_images
    ]
    return part


def entry_part(entry: SessionEntry) -> dict[str, object]:
    """Every clinical field of a session, in the signed-note@3 shape: @2's, then the
    procedure's start and end times and the chaperone (issue 14)."""
    return {
        **entry_part_v2(entry),
        "procedure_time": {"started": entry.procedure_started, "ended": entry.procedure_ended},
        "chaperone": entry.chaperone,
    }


def entry_part_v2(entry: SessionEntry) -> dict[str, object]:
    """Every clinical field of a session, in the signed-note@2 shape (never changes)."""
    first = entry_part_v1(entry)
    del first["consent_obtained"]
    return {
        **first,
        "location": {
            "name": entry.location_name,
            "state": entry.location_state,
            "place_of_service": entry.place_of_service,
        },
        "ultrasound": {
            "guided": entry.ultrasound_guided,
            "image_retained": entry.ultrasound_image_retained,
            "device": entry.ultrasound_device,
            "interpretation": entry.ultrasound_interpretation,
        },
        "consent": {
            "obtained": entry.consent_obtained,
            "type": entry.consent_type,
            "risks_discussed": list(entry.consent_risks),
            "witness": entry.consent_witness,
        },
        "exam_findings": list(entry.exam_findings),
        "function_score": {"scale": entry.function_scale, "value": entry.function_score},
        "prior_relief": {
            "percent": entry.prior_relief_percent,
            "weeks": entry.prior_relief_weeks,
        },
        "skin_prep": entry.skin_prep,
        "aspiration_negative": entry.aspiration_negative,
        "sites": [_site_part(site, with_documentation=True) for site in entry.sites],
        "tolerance": entry.tolerance,
        "observation_minutes": entry.observation_minutes,
        "override_reason": entry.override_reason,
    }


def entry_part_v1(entry: SessionEntry) -> dict[str, object]:
    """Every clinical field of a session, in the signed-note@1 shape (never changes)."""
    offset = entry.performed_at.utcoffset()
    if offset is None:
        raise ValueError("performed_at needs a UTC offset to be signed")
    return {
        "performed_at": entry.performed_at,
        "performed_at_offset_minutes": int(offset.total_seconds() // 60),
        "kind": entry.kind,
        "position": entry.position,
        "ultrasound": {
            "guided": entry.ultrasound_guided,
            "image_retained": entry.ultrasound_image_retained,
            "device": entry.ultrasound_device,
        },
        "consent_obtained": entry.consent_obtained,
        "time_out_performed": entry.time_out_performed,
        "pain_before": entry.pain_before,
        "pain_after": entry.pain_after,
        "diagnoses": list(entry.diagnoses),
        "indication": {
            "conservative_care_tried": list(entry.indication.conservative_care_tried),
            "ongoing_care": list(entry.indication.ongoing_care),
        },
        "sites": [_site_part(site, with_documentation=False) for site in entry.sites],
        "side_effects": list(entry.side_effects),
        "complications": list(entry.complications),
        "notes": entry.notes,
        "instructions": entry.instructions,
        "follow_up": entry.follow_up,
    }


def _site_part(site: SiteEntry, *, with_documentation: bool) -> dict[str, object]:
    """A site; ``with_documentation`` (@2) adds each line's container, waste and NDC."""
    return {
        "muscle": site.muscle_id,
        "side": site.side,
        "points": site.points,
        "needle_gauge": site.needle_gauge,
        "needle_length_mm": site.needle_length_mm,
        "twitch_response": site.twitch_response,
        "medications": [
            _medication_part(line, with_documentation=with_documentation)
            for line in site.medications
        ],
    }


def _medication_part(line: MedicationEntry, *, with_documentation: bool) -> dict[str, object]:
    part: dict[str, object] = {
        "drug": line.drug_id,
        "concentration_mg_per_ml": line.concentration_mg_per_ml,
        "volume_ml": line.volume_ml,
        "lot": line.lot,
        "expires": line.expires,
    }
    if with_documentation:
        part |= {"container": line.container, "discarded_ml": line.discarded_ml, "ndc": line.ndc}
    return part


def note_content(
    *,
    session_id: int,
    patient_id: int,
    patient: Mapping[str, Any],
    provider_id: int,
    provider: Mapping[str, Any],
    entry: SessionEntry,
    signer_id: int,
    signer: Mapping[str, Any],
    signed_at: datetime,
    cosign_required: bool,
    note_format: str = NOTE_FORMAT,
) -> dict[str, object]:
    """A note's signed content in ``note_format`` (``verify`` re-serialises old notes in theirs)."""
    parts = {
        NOTE_FORMAT_V1: entry_part_v1,
        NOTE_FORMAT_V2: entry_part_v2,
        NOTE_FORMAT_V4: entry_part_v4,
    }
    session = parts.get(note_format, entry_part)(entry)
    return {
        "format": note_format,
        "session_id": session_id,
        "patient_id": patient_id,
        "patient": dict(patient),
        "provider_id": provider_id,
        "provider": dict(provider),
        "session": session,
        "signer_id": signer_id,
        "signer": dict(signer),
        "signed_at": signed_at,
        "cosign_required": cosign_required,
    }


def signed_note_content(
    record: SessionRecord, signer: ProviderRecord, *, signed_at: datetime, cosign_required: bool
) -> dict[str, object]:
    """What a signature over the note ``record`` covers (signing, and the demo data)."""
    return note_content(
        session_id=record.id,
        patient_id=record.patient.id,
        patient=patient_part(record.patient.facts),
        provider_id=record.provider.id,
        provider=provider_part(record.provider.facts),
        entry=record.entry,
        signer_id=signer.id,
        signer=provider_part(signer.facts),
        signed_at=signed_at,
        cosign_required=cosign_required,
        note_format=note_format_for(record.entry),
    )


def addendum_content(
    *,
    addendum_id: int,
    session_id: int,
    author_id: int,
    author: Mapping[str, Any],
    text: str,
    created_at: datetime,
    signed_at: datetime,
    note_content_hash: str | None,
) -> dict[str, object]:
    return {
        "format": ADDENDUM_FORMAT,
        "addendum_id": addendum_id,
        "session_id": session_id,
        "author_id": author_id,
        "author": dict(author),
        "text": text,
        "created_at": created_at,
        "signed_at": signed_at,
        "note_content_hash": note_content_hash,
    }


def cosignature_content(
    *,
    cosignature_id: int,
    session_id: int,
    cosigner_id: int,
    cosigner: Mapping[str, Any],
    cosigned_at: datetime,
    note_content_hash: str | None,
) -> dict[str, object]:
    return {
        "format": COSIGNATURE_FORMAT,
        "cosignature_id": cosignature_id,
        "session_id": session_id,
        "cosigner_id": cosigner_id,
        "cosigner": dict(cosigner),
        "cosigned_at": cosigned_at,
        "note_content_hash": note_content_hash,
    }


def error_mark_content(
    *,
    mark_id: int,
    session_id: int,
    marked_by_id: int,
    marked_by: Mapping[str, Any],
    marked_at: datetime,
    reason: str,
    note_content_hash: str | None,
) -> dict[str, object]:
    return {
        "format": ERROR_MARK_FORMAT,
        "mark_id": mark_id,
        "session_id": session_id,
        "marked_by_id": marked_by_id,
        "marked_by": dict(marked_by),
        "marked_at": marked_at,
        "reason": reason,
        "note_content_hash": note_content_hash,
    }


def append_signature(
    db: Session,
    kind: SignedRecordKind,
    *,
    record_id: int,
    session_id: int,
    signer_id: int,
    signed_at: datetime,
    content: Mapping[str, object],
    key: UnlockedKey | None = None,
) -> Signature:
    """Hash ``content`` canonically and append it to the signature chain (same transaction),
    with ``key``'s Ed25519 signature of the link when the signer's key is given."""
    text = canonical_json(content)
    content_hash = sha256_hex(text)
    link = append_link(
        db, SIGNATURE_CHAIN, lambda _sequence, previous: link_hash(previous, content_hash)
    )
    row = Signature(
        sequence=link.sequence,
        record_type=kind,
        record_id=record_id,
        session_id=session_id,
        signer_id=signer_id,
        signed_at=signed_at,
        content=text,
        content_hash=content_hash,
        previous_hash=link.previous_hash,
        chain_hash=link.hash,
    )
    if key is not None:
        row.key_id = key.key_id
        row.signature = key.sign_link(link.sequence, link.previous_hash, content_hash)
    db.add(row)
    db.flush()
    return row
