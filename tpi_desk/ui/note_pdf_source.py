"""A stored session's note as PDF bytes for the preview, for the signed-in user."""

from __future__ import annotations

from tpi_desk.services.export.exporting import AftercareHandout
from tpi_desk.services.export.note_pdf import NotePdf
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext


class NotePdfSource:
    """The export service's note PDFs as one user asks for them: loading a note is an
    audited view; prints and saves are recorded in the audit log."""

    def __init__(self, context: AppContext, *, actor: Actor | None = None) -> None:
        self._context = context
        self._actor = actor

    @property
    def actor(self) -> Actor | None:
        return self._actor

    def note(self, session_id: int) -> NotePdf:
        """The note of ``session_id``; raises UserError (not found, not allowed, database)."""
        return self._context.exporting.note_pdf(session_id, actor=self._actor)

    def record_print(self, note: NotePdf) -> None:
        """Write the print (or the save as a PDF) to the audit log; raises UserError when the
        signed-in user may not print notes."""
        self._context.exporting.record_print(note, actor=self._actor)

    def aftercare_handout(self, session_id: int, language: str) -> AftercareHandout:
        """The patient's aftercare handout of the signed note ``session_id`` (issue 14)."""
        return self._context.exporting.aftercare_handout(session_id, language, actor=self._actor)

    def record_handout(self, handout: AftercareHandout) -> None:
        """Write the handout's save to the audit log, as a print of its note."""
        self._context.exporting.record_session_print(handout.session_id, actor=self._actor)
