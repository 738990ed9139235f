"""One stored note as the preview shows it: the rendered PDF and the facts around it."""

from __future__ import annotations

from dataclasses import dataclass

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_file_names import note_file_name
from tpi_desk.reports.note_format import patient_name
from tpi_desk.reports.note_pdf import render_note_bytes


@dataclass(frozen=True, slots=True)
class NotePdf:
    """One rendered note, rendered exactly as the billing export renders it."""

    session_id: int
    status: NoteStatus
    file_name: str
    """ "2026-03-04_session-101.pdf", as the billing export names it (with the clinic's
    setting ``export.file_names_with_patient``: "2026-03-04_D-104233_Nunez.pdf")."""
    title: str
    """ "Ñúñez, Zoë · 2026-03-04" for the preview's title bar."""
    pdf: bytes

    @property
    def is_draft(self) -> bool:
        return self.status is NoteStatus.DRAFT


def render_note_pdf(data: NoteData, *, file_names_with_patient: bool = False) -> NotePdf:
    """Render ``data`` and describe the result."""
    day = data.entry.performed_at.date().isoformat()
    return NotePdf(
        session_id=int(data.session_id),
        status=data.status,
        file_name=note_file_name(data, with_patient=file_names_with_patient),
        title=f"{patient_name(data.patient)} · {day}",
        pdf=render_note_bytes(data),
    )
