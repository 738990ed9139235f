"""A 1366x768 laptop's screen for GUI tests, a new note opened on it, and keys pressed where
the cursor is."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from PySide6.QtCore import QKeyCombination, QPoint, QRect
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


def visible_in(widget: QWidget, viewport: QWidget) -> bool:
    """Whether ``widget`` lies wholly inside ``viewport`` (a scroll area's view)."""
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


def alerts_and_codes_out_of_view(editor: SessionEditor) -> list[str]:
    """The alerts and codes parts that are not wholly inside the right column's view."""
    panel = editor.live_panel
    viewport = editor.live_scroll.viewport()
    parts = [panel.alerts_heading, *panel.alert_labels, panel.codes_view, panel.diagnosis_codes]
    return [
        part.text() if hasattr(part, "text") else type(part).__name__
        for part in parts
        if part.isVisible() and not visible_in(part, viewport)
    ]


def wait_for_alerts_and_codes_in_view(qtbot: QtBot, editor: SessionEditor) -> None:
    """Wait until the right column has laid out again (every alert as tall as its wrapped
    text) and, as far as the column allows, the alerts and codes are in view."""
    panel = editor.live_panel
    qtbot.waitUntil(
        lambda: all(
            label.width() < panel.width()  # laid out (a new label starts at 640 x 480)
            and label.height() >= label.heightForWidth(label.width())
            for label in panel.alert_labels
        )
    )
    with suppress(TimeoutError):  # the caller asserts what is out of view, by name
        qtbot.waitUntil(lambda: not alerts_and_codes_out_of_view(editor), timeout=2000)


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
