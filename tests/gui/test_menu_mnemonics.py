"""Alt+letter in the main window with a note open: each letter reaches one place. Failed
before: the Tools menu took Alt+T from the editor's "Time-out performed" (the effort bench
timed out), and Review and Reports shared Alt+R."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, activate, add_patient, show_window
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import build_session_editor
from tpi_desk.ui.session_editor import SessionEditor


def _letter(text: str) -> str | None:
    mnemonic = QKeySequence.mnemonic(text).toString()
    return mnemonic.removeprefix("Alt+").upper() or None


def _shown_letters(root: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every visible label with a buddy and every visible button."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if not (labelled or isinstance(widget, QAbstractButton)):
            continue
        assert isinstance(widget, QLabel | QAbstractButton)  # what the test above let through
        text = widget.text()
        letter = _letter(text)
        if letter is not None:
            found.append((letter, text))
    return found


def test_every_alt_letter_of_the_window_with_a_note_open_is_taken_once(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = add_patient(context)
    window = show_window(qtbot, context, RecordingMessages(), build_session_editor)
    activate(qtbot, window)
    window.search_pane.refresh()
    assert window.open_patient(patient.id)
    window.new_session()
    editor = window.findChild(SessionEditor)
    assert editor is not None and editor.isVisible()

    menus = [
        (letter, action.text())
        for action in window.menuBar().actions()
        if action.isVisible() and (letter := _letter(action.text())) is not None
    ]
    taken = menus + _shown_letters(editor)
    counts = Counter(letter for letter, _ in taken)

    assert {"Reports", "Review", "File"} <= {text.replace("&", "") for _, text in menus}
    assert [entry for entry in taken if counts[entry[0]] > 1] == []
