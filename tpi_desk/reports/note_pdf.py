"""A procedure note as a PDF: the story of flowables, and rendering it to a file or bytes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from tpi_desk.reports.note_body_map import body_map_section
from tpi_desk.reports.note_coding import coding_section
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_drug_billing import drug_billing_section, override_section
from tpi_desk.reports.note_format import SEPARATOR, patient_name
from tpi_desk.reports.note_header import (
    DEMO_WATERMARK,
    PROCEDURE_TITLES,
    STATUS_MARKS,
    WATERMARKS,
    clinic_header,
    patient_and_session,
)
from tpi_desk.reports.note_pages import (
    NoteEnd,
    NotePageInfo,
    NoteStart,
    build_document,
    note_document,
)
from tpi_desk.reports.note_review import review_box
from tpi_desk.reports.note_sections import (
    aftercare,
    consent_and_technique,
    indication_and_diagnoses,
    outcome,
    procedure_notes,
)
from tpi_desk.reports.note_signature import addenda_section, generated_line, signature_section
from tpi_desk.reports.note_sites import dose_totals_section, sites_section
from tpi_desk.reports.note_styles import note_stylesheet


def build_note_story(data: NoteData, *, bookmark: bool = False) -> list[Flowable]:
    """The note's flowables, framed by its page markers; merge several with join_note_stories.

    ``bookmark`` adds an outline entry for the note (for merged documents).
    """
    styles = note_stylesheet()
    story: list[Flowable] = [NoteStart(note_page_info(data, bookmark=bookmark))]
    story += clinic_header(data, styles)
    story += patient_and_session(data, styles)
    story += review_box(data, styles)
    story += indication_and_diagnoses(data, styles)
    story += consent_and_technique(data, styles)
    story += sites_section(data, styles)
    story += dose_totals_section(data, styles)
    story += drug_billing_section(data, styles)
    story += body_map_section(data, styles)
    story += procedure_notes(data, styles)
    story += outcome(data, styles)
    story += override_section(data, styles)
    story += aftercare(data, styles)
    story += coding_section(data, styles)
    story += signature_section(data, styles)
    story += addenda_section(data, styles)
    story.append(generated_line(data, styles))
    story.append(NoteEnd())
    return story


def note_page_info(data: NoteData, *, bookmark: bool = False) -> NotePageInfo:
    """Footer, running header, status mark and watermark of the note's pages."""
    name = patient_name(data.patient)
    day = data.entry.performed_at.date().isoformat()
    title = PROCEDURE_TITLES[data.entry.kind]
    return NotePageInfo(
        footer=f"{name}{SEPARATOR}MRN {data.patient.mrn}{SEPARATOR}DOS {day}",
        running_title=f"{title} procedure note{SEPARATOR}{name}{SEPARATOR}{day}",
        status_mark=STATUS_MARKS.get(data.status),
        watermark=_watermark(data),
        bookmark=(f"note-{data.session_id}", f"{day} {name}") if bookmark else None,
    )


def _watermark(data: NoteData) -> str | None:
    """The status's watermark, preceded by DEMO on every note of a demo database."""
    status = WATERMARKS.get(data.status)
    if not data.clinic.demo:
        return status
    return f"{DEMO_WATERMARK} {status}" if status else DEMO_WATERMARK


def render_note(data: NoteData, path: Path, *, invariant: bool = False) -> None:
    """Write the note to ``path`` (``invariant``: byte-identical output for identical data)."""
    _render(data, str(path), invariant=invariant)


def render_note_bytes(data: NoteData, *, invariant: bool = False) -> bytes:
    """The note as PDF bytes."""
    buffer = io.BytesIO()
    _render(data, buffer, invariant=invariant)
    return buffer.getvalue()


def _render(data: NoteData, target: Any, *, invariant: bool) -> None:
    name = patient_name(data.patient)
    title = PROCEDURE_TITLES[data.entry.kind]
    document = note_document(
        target,
        title=f"{title} procedure note — {name} — {data.entry.performed_at.date().isoformat()}",
        author=data.clinic.name,
        subject=f"Session {data.session_id}",
        invariant=invariant,
    )
    build_document(document, build_note_story(data))
