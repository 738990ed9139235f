"""A stored session's note as PDF bytes for the preview, built through the services only."""

from __future__ import annotations

from dataclasses import dataclass

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports.batch_export import note_file_name
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import patient_name
from tpi_desk.reports.note_pdf import render_note_bytes
from tpi_desk.services.audit.events import AuditService
from tpi_desk.services.export.exporting import note_data
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext


@dataclass(frozen=True)
class NotePdf:
    """One rendered note: what it shows (``data``) and the PDF itself (``pdf``)."""

    data: NoteData
    pdf: bytes

    @property
    def session_id(self) -> int:
        return int(self.data.session_id)

    @property
    def file_name(self) -> str:
        """ "2026-03-04_D-104233_Nunez.pdf", as the billing export names it."""
        return note_file_name(self.data)

    @property
    def is_draft(self) -> bool:
        return self.data.status is NoteStatus.DRAFT

    @property
    def title(self) -> str:
        """ "Ñúñez, Zoë · 2026-03-04" for the preview's title bar."""
        day = self.data.entry.performed_at.date().isoformat()
        return f"{patient_name(self.data.patient)} · {day}"


class NotePdfSource:
    """Loads a session (an audited view), analyses it with the patient's history and renders
    the note exactly as the billing export would; records prints and saves in the audit log."""

    def __init__(self, context: AppContext, *, actor: Actor | None = None) -> None:
        self._context = context
        self._actor = actor
        self._audit = AuditService(context.database.session_factory, clock=context.clock)

    @property
    def actor(self) -> Actor | None:
        return self._actor

    def note(self, session_id: int) -> NotePdf:
        """The note of ``session_id``; raises UserError (not found, not allowed, database)."""
        context = self._context
        record = context.sessions.load(session_id, actor=self._actor)
        analysis = context.sessions.analyse(
            record.entry, record.patient.id, session_id=record.id, actor=self._actor
        )
        data = note_data(
            record,
            analysis=analysis,
            catalog=context.catalog,
            clinic=context.exporting.clinic_header(),
            location=context.exporting.clinic_location(),
            generated_at=context.clock(),
        )
        return NotePdf(data, render_note_bytes(data))

    def record_print(self, note: NotePdf) -> None:
        """Write the print (or the save as a PDF) to the audit log; raises UserError when the
        signed-in user may not print notes."""
        self._audit.record_print(self._actor, note.session_id)
