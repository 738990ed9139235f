"""Saving the form as a draft: on request, a moment after typing, and over a conflict."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.errors import UserError
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.banner import Banner, BannerKind
from tpi_desk.ui.session_editor.draft_keeper import DraftKeeper, SaveOutcome
from tpi_desk.ui.session_editor.form_state import FormReading, RawSession, read_form
from tpi_desk.ui.session_editor.session_form import SessionForm


class DraftSaver:
    """Saves the form through the ``DraftKeeper`` and shows why a save did not happen.

    Owns the autosave timer (``timer``; its owner connects ``timeout`` to its autosave);
    ``saved`` is called after each successful save.
    """

    def __init__(
        self,
        parent: QWidget,
        form: SessionForm,
        keeper: DraftKeeper,
        catalog: Catalog,
        messages: UserMessages,
        banner: Banner,
        *,
        autosave_interval_ms: int,
        saved: Callable[[], None],
    ) -> None:
        self._parent = parent
        self._form = form
        self._keeper = keeper
        self._catalog = catalog
        self._messages = messages
        self._banner = banner
        self._saved = saved
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.setInterval(autosave_interval_ms)

    def schedule_autosave(self) -> None:
        """Autosave after the interval, counted from the first change since the last one."""
        if not self.timer.isActive():
            self.timer.start()

    def stop_autosave(self) -> None:
        self.timer.stop()

    def save_now(self) -> bool:
        """Save the form; refuses (and says why) while any field cannot be accepted."""
        raw = self._form.raw()
        reading = read_form(raw, self._catalog)
        if not reading.is_valid:
            lines = "\n".join(f"• {p.label}: {p.message}" for p in reading.problems)
            self._messages.error(
                self._parent,
                "Cannot save yet",
                f"Some fields need attention (nothing typed is lost):\n{lines}",
            )
            self._form.focus_first_invalid()
            return False
        self.timer.stop()
        if self._keeper.session_id is not None and raw == self._keeper.saved_raw:
            self._keeper.forget_copy()
            return True
        return self._save(raw, reading, quiet=False)

    def autosave(self, *, create: bool) -> None:
        """Keep a recovery copy of the raw fields; save the draft too when it is valid.

        A new session becomes a draft in the database only once it has a site or a diagnosis
        (or when ``create``), so that a date typed first leaves no near-empty draft behind.
        """
        raw = self._form.raw()
        if self._keeper.session_id is not None and raw == self._keeper.saved_raw:
            self._keeper.forget_copy()
            return
        if self._keeper.session_id is None and not self._keeper.has_unsaved(raw):
            return  # a new session with nothing typed (only what the editor filled in itself)
        try:
            self._keeper.keep_copy(raw)
        except OSError as error:
            self._banner.show_message(
                BannerKind.WARNING,
                f"Could not keep a recovery copy of this session ({error.strerror or error}).",
            )
        reading = read_form(raw, self._catalog)
        ready = create or self._keeper.session_id is not None or raw.sites or raw.diagnoses
        if reading.is_valid and ready and not self._keeper.database_saving_paused:
            self._save(raw, reading, quiet=True)

    def replace_other_version(self) -> bool:
        """After a conflict: True when the user chose to replace the version saved elsewhere
        with theirs and the editor may now save over it."""
        if not self._messages.confirm(
            self._parent,
            "Keep your version?",
            "This draft was saved elsewhere after you opened it. Replace that version with "
            "what is in this editor? The other changes will be lost.",
            confirm_text="Replace with mine",
        ):
            return False
        try:
            self._keeper.take_latest_version()
        except UserError as error:
            self._messages.error(self._parent, "Could not save the draft", error.message)
            return False
        return True

    def may_close_unsaved(self) -> bool:
        """Whether the user closes the editor although the session could not be saved."""
        return self._messages.confirm(
            self._parent,
            "Close without saving?",
            "Some fields need attention, so this session is not saved yet. What you typed is "
            "kept on this computer and comes back when you open the session again.",
            confirm_text="Close",
        )

    def _save(self, raw: RawSession, reading: FormReading, *, quiet: bool) -> bool:
        result = self._keeper.save(raw, reading)
        if result.outcome is SaveOutcome.SAVED:
            self._saved()
            return True
        if result.outcome is SaveOutcome.CONFLICT:
            self._banner.show_message(BannerKind.ERROR, result.message, "Keep my version…")
            title = "Saved elsewhere"
        elif result.outcome is SaveOutcome.REFUSED:
            self._form.show_problems(result.problems)
            title = "Cannot save yet"
        else:
            self._banner.show_message(BannerKind.ERROR, result.message)
            title = "Could not save the draft"
        if not quiet:
            self._messages.error(self._parent, title, result.message)
        return False
