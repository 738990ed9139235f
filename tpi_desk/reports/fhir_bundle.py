"""The FHIR R4 export: signed notes as one ``Bundle`` of type ``collection``, streamed.

Per session: the Patient and the Practitioner(s) (once per bundle, however many of their
notes it holds), the Encounter, a Condition per diagnosis, the Procedure, a
MedicationAdministration per drug per site and the DocumentReference holding the signed PDF.
Every id is a UUID derived from the clinic's MRN system and the session id (or MRN, NPI), so
the same notes give the same resources on every export. Each resource is checked against the
R4B model of the ``fhir.resources`` package before it is written; the file is written beside
its target, readable by its owner only, and renamed into place when complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from tpi_desk.clinical.private_files import PRIVATE_FILE_MODE
from tpi_desk.reports.fhir_document import document_reference
from tpi_desk.reports.fhir_medication import medication_administrations
from tpi_desk.reports.fhir_people import (
    patient_id,
    patient_resource,
    practitioner_id,
    practitioner_resource,
)
from tpi_desk.reports.fhir_session import (
    SessionIds,
    condition_resources,
    encounter_resource,
    procedure_resource,
)
from tpi_desk.reports.fhir_vocabulary import stable_uuid
from tpi_desk.reports.note_data import NoteData

Progress = Callable[[int, int | None], None]
CancelCheck = Callable[[], bool]


class FhirExportError(Exception):
    """The bundle cannot be written or a resource is not valid FHIR; ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class FhirNote:
    """One signed note to export: its plain data and its rendered PDF."""

    note: NoteData
    pdf: bytes
    file_name: str


@dataclass(frozen=True, slots=True)
class FhirSummary:
    """What the export wrote (nothing when ``cancelled``)."""

    notes: int
    resources: int
    session_ids: tuple[str, ...]
    cancelled: bool = False


def session_resources(
    item: FhirNote, mrn_system: str, written: set[str] | None = None
) -> list[dict[str, Any]]:
    """The resources of one note, people first; people whose ids are in ``written`` are
    left out (they are in the bundle already) and added to it."""
    note = item.note
    if not note.is_signed:
        raise FhirExportError(f"Session {note.session_id} is not signed; only signed notes go.")
    written = set() if written is None else written
    people: list[dict[str, Any]] = [
        patient_resource(note.patient, mrn_system),
        practitioner_resource(note.provider, mrn_system),
    ]
    supervisor = None
    if note.supervising_provider is not None:
        people.append(practitioner_resource(note.supervising_provider, mrn_system))
        supervisor = practitioner_id(note.supervising_provider, mrn_system)
    ids = SessionIds.of(
        note,
        mrn_system,
        patient=patient_id(note.patient, mrn_system),
        practitioner=practitioner_id(note.provider, mrn_system),
        supervisor=supervisor,
    )
    found = [person for person in people if person["id"] not in written]
    written.update(person["id"] for person in people)
    return [
        *found,
        encounter_resource(note, ids),
        *condition_resources(note, ids),
        procedure_resource(note, ids),
        *medication_administrations(note, ids, mrn_system),
        document_reference(note, ids, mrn_system, item.pdf, item.file_name),
    ]


def bundle_id(mrn_system: str, session_ids: Iterable[str]) -> str:
    """The Bundle's id: the same for the same notes of the same clinic."""
    return stable_uuid(mrn_system, "bundle", *sorted(session_ids))


def check_resource(resource: dict[str, Any]) -> None:
    """Raise FhirExportError unless ``resource`` is valid against its R4B model; the message
    names the note's resource and the first elements at fault."""
    kind = str(resource.get("resourceType"))
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except ValidationError as error:
        faults = "; ".join(
            f"{'.'.join(str(part) for part in fault['loc'])}: {fault['msg']}"
            for fault in error.errors()[:3]
        )
        raise FhirExportError(
            f"The {kind} {resource.get('id')} is not valid FHIR ({faults})."
        ) from error
    except (KeyError, ValueError) as error:
        raise FhirExportError(f"{kind} is not a FHIR R4 resource ({error}).") from error


def write_fhir_bundle(
    notes: Iterable[FhirNote],
    path: Path,
    *,
    mrn_system: str,
    session_ids: Iterable[str],
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    total: int | None = None,
    before_commit: Callable[[tuple[str, ...]], None] | None = None,
) -> FhirSummary:
    """Write ``notes`` (those of ``session_ids``, in order) to ``path`` as one collection
    Bundle; all of it or, on cancel or error, nothing (an existing file stays as it was).

    ``before_commit(session_ids)`` runs once the bundle is complete, before it is renamed
    into place (the export's audit entry); if it raises, nothing is written."""
    ids = tuple(session_ids)
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        handle = _private_text_file(temp)
    except OSError as error:
        raise FhirExportError(f"{path} cannot be written ({error.strerror or error}).") from error
    try:
        with handle:
            summary = _write(handle, notes, mrn_system, ids, progress, cancelled, total)
        if summary.cancelled:
            temp.unlink(missing_ok=True)
            return summary
        if before_commit is not None:
            before_commit(summary.session_ids)
        temp.replace(path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise FhirExportError(f"{path} cannot be written ({error.strerror or error}).") from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return summary


def _write(
    handle: TextIO,
    notes: Iterable[FhirNote],
    mrn_system: str,
    ids: tuple[str, ...],
    progress: Progress | None,
    cancelled: CancelCheck | None,
    total: int | None,
) -> FhirSummary:
    handle.write("{\n")
    handle.write(f'  "resourceType": "Bundle",\n  "id": "{bundle_id(mrn_system, ids)}",\n')
    handle.write('  "type": "collection",\n  "entry": [')
    written: set[str] = set()
    exported: list[str] = []
    count = 0
    for item in _checked(notes, cancelled):
        if item is None:
            return FhirSummary(len(exported), count, (), cancelled=True)
        for resource in session_resources(item, mrn_system, written):
            check_resource(resource)
            entry = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            text = json.dumps(entry, ensure_ascii=False, indent=2)
            handle.write(("\n" if count == 0 else ",\n") + _indented(text, "    "))
            count += 1
        exported.append(item.note.session_id)
        if progress is not None:
            progress(len(exported), total)
    handle.write("\n  ]\n}\n")
    return FhirSummary(len(exported), count, tuple(exported))


def _checked(notes: Iterable[FhirNote], cancelled: CancelCheck | None) -> Iterator[FhirNote | None]:
    """The notes, or a None as soon as ``cancelled()`` says so (checked before each)."""
    iterator = iter(notes)
    while True:
        if cancelled is not None and cancelled():
            yield None
            return
        item = next(iterator, None)
        if item is None:
            return
        yield item


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _private_text_file(path: Path) -> TextIO:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")
