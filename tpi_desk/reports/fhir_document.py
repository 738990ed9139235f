"""DocumentReference: the signed note's PDF, base64, with its SHA-1 and SHA-256.

R4 defines ``Attachment.hash`` as the base64 of the data's SHA-1; that is what ``hash``
carries. The SHA-256 (the digest TPI Desk's export manifests use) travels beside it, in
hexadecimal, in the attachment's extension ``SHA256_EXTENSION``.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from tpi_desk.reports.fhir_session import SessionIds, when
from tpi_desk.reports.fhir_vocabulary import (
    LOINC,
    PROCEDURE_NOTE,
    SESSION_ID_SYSTEM,
    SHA256_EXTENSION,
    coding,
    concept,
    reference,
    stable_uuid,
)
from tpi_desk.reports.note_data import NoteData


def document_reference(
    note: NoteData, ids: SessionIds, mrn_system: str, pdf: bytes, file_name: str
) -> dict[str, Any]:
    """The signed note as a current, final document of the session's encounter."""
    signed_at = note.signature.signed_at if note.signature is not None else note.generated_at
    attachment: dict[str, Any] = {
        "extension": [{"url": SHA256_EXTENSION, "valueString": hashlib.sha256(pdf).hexdigest()}],
        "contentType": "application/pdf",
        "data": base64.b64encode(pdf).decode("ascii"),
        "size": len(pdf),
        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
        "title": file_name,
        "creation": when(note.generated_at),
    }
    return {
        "resourceType": "DocumentReference",
        "id": stable_uuid(mrn_system, "session", note.session_id, "document"),
        "identifier": [{"system": SESSION_ID_SYSTEM, "value": note.session_id}],
        "status": "current",
        "docStatus": "final",
        "type": concept(PROCEDURE_NOTE[1], coding(LOINC, *PROCEDURE_NOTE)),
        "subject": reference(ids.patient),
        "date": _instant(signed_at),
        "author": [reference(ids.practitioner)],
        "authenticator": reference(ids.supervisor or ids.practitioner),
        "description": "Signed procedure note",
        "content": [{"attachment": attachment}],
        "context": {"encounter": [reference(ids.encounter)]},
    }


def _instant(moment: datetime) -> str:
    """A FHIR instant: to the second, always with its UTC offset."""
    return moment.isoformat(timespec="seconds")
