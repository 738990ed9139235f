"""The session editor: every field of a session, live checks, autosave, signing."""

from tpi_desk.ui.session_editor.editor import SessionEditor

__all__ = ["SessionEditor"]
