"""The note preview's "Aftercare handout…": the patient's handout of a signed note, in the
language chosen (issue 14), saved as a PDF beside where notes are saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QPushButton, QWidget

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import AftercareHandout, handout_languages
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.note_pdf_source import NotePdfSource

TITLE = "Aftercare handout"


class AftercareHandoutAction:
    """Asks the language and where to save, writes the handout, records it as a print."""

    def __init__(
        self,
        parent: QWidget,
        source: NotePdfSource,
        messages: UserMessages,
        session_id: int,
        ask_save_path: Callable[[Path], Path | None],
        folder: Path,
    ) -> None:
        self._parent = parent
        self._source = source
        self._messages = messages
        self._session_id = session_id
        self._ask_save_path = ask_save_path
        self._folder = folder
        self.button = QPushButton("Aftercare handout…")
        self.button.setToolTip("The patient's aftercare instructions, in English or Spanish")
        self.button.clicked.connect(lambda: self.save())

    def ask_language(self) -> str | None:
        """The language code chosen (None if cancelled); tests replace this."""
        languages = handout_languages()
        names = list(languages.values())
        name, accepted = QInputDialog.getItem(
            self._parent, TITLE, "Language of the handout:", names, 0, False
        )
        if not accepted:
            return None
        return next(code for code, shown in languages.items() if shown == name)

    def save(self) -> Path | None:
        language = self.ask_language()
        if language is None:
            return None
        try:
            handout = self._source.aftercare_handout(self._session_id, language)
        except UserError as error:
            self._messages.error(self._parent, "Cannot make the handout", error.message)
            return None
        path = self._ask_save_path(self._folder / handout.file_name)
        if path is None:
            return None
        return self._write(handout, path if path.suffix else path.with_suffix(".pdf"))

    def _write(self, handout: AftercareHandout, path: Path) -> Path | None:
        try:
            path.write_bytes(handout.pdf)
        except OSError as error:
            reason = (error.strerror or str(error)).rstrip(".").lower()
            self._messages.error(
                self._parent, "Could not save the handout", f"Cannot write {path}: {reason}."
            )
            return None
        try:
            self._source.record_handout(handout)
        except UserError as error:
            path.unlink(missing_ok=True)  # a copy the audit log does not know of must not stay
            self._messages.error(self._parent, "Could not save the handout", error.message)
            return None
        return path
