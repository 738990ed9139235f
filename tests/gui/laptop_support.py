"""A 1366x768 laptop's screen for GUI tests, a new note opened on it, and keys pressed where
the cursor is."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, QRect
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, activate, clinician, users_of
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import WINDOW_SIZE, MainWindow
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.window_geometry import GEOMETRY_KEY, place_window
from tpi_desk.ui.workstation import workstation_settings

# The screen less a task bar: the window opens within it, its frame included.
LAPTOP_SCREEN = QRect(0, 0, 1366, 768 - 40)


def place_on_laptop(window: QWidget) -> None:
    """Size and place ``window`` as it opens on the laptop (no remembered geometry)."""
    workstation_settings().remove(GEOMETRY_KEY)
    place_window(window, WINDOW_SIZE, LAPTOP_SCREEN)


def new_note_on_laptop(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> tuple[MainWindow, SessionEditor]:
    """The clinician's main window opened on the laptop, the patient's page open and a new
    note started in it (Ctrl+N)."""
    window = MainWindow(
        context, RecordingMessages(), actor=clinician(context), users=users_of(context)
    )
    qtbot.addWidget(window)
    place_on_laptop(window)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    assert window.frameGeometry().height() <= LAPTOP_SCREEN.height()
    assert window.open_patient(patient_id)
    window.new_session_action.trigger()
    editor = window.findChild(SessionEditor)
    assert editor is not None
    return window, editor


def press(qtbot: QtBot, keys: str, window: QWidget | None = None) -> None:
    """Press one key or shortcut (``"Tab"``, ``"Ctrl+Shift+A"``) where the cursor is, in
    ``window`` when given (activated first: offscreen, a closed pop-up can leave no window
    active, where a screen's window manager gives the activation back)."""
    if window is not None:
        activate(qtbot, window)
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    # PySide6's stubs leave out QKeySequence's indexing (Qt's operator[]: the nth combination).
    combination: QKeyCombination = QKeySequence(keys)[0]  # type: ignore[index]
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())
    QApplication.processEvents()  # the event loop turns between keys, as for a user


def press_until(
    qtbot: QtBot, keys: str, window: QWidget, done: Callable[[], bool], *, tries: int = 3
) -> None:
    """Press ``keys`` in ``window`` until ``done()`` holds (offscreen, a shortcut pressed as
    the platform hands the activation back can be dropped; a user would press it again)."""
    for _ in range(tries):
        press(qtbot, keys, window)
        try:
            qtbot.waitUntil(done, timeout=2000)
        except TimeoutError:
            continue
        return
    raise AssertionError(f"{keys} did not take effect after {tries} presses")


def type_in(qtbot: QtBot, text: str, window: QWidget | None = None) -> None:
    """Type ``text`` where the cursor is (in ``window``, activated first, when given)."""
    if window is not None:
        activate(qtbot, window)
    target = QApplication.focusWidget()
    assert target is not None, "no field has the cursor"
    qtbot.keyClicks(target, text)
    QApplication.processEvents()


def tab_to(qtbot: QtBot, field: QWidget, limit: int = 12) -> None:
    """Press Tab until the cursor is in ``field`` (at most ``limit`` times)."""
    visited = []
    for _ in range(limit):
        if field.hasFocus():
            return
        press(qtbot, "Tab", field.window())
        focused = QApplication.focusWidget()
        visited.append(focused.accessibleName() or type(focused).__name__ if focused else "-")
    assert field.hasFocus(), f"Tab never reached {field.accessibleName()}: {visited}"
