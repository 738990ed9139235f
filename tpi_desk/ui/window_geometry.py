"""The main window's size and place: never larger than the screen's available area (a
1366x768 laptop included), remembered on this computer between sessions."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from tpi_desk.ui.workstation import workstation_settings

GEOMETRY_KEY = "main_window/geometry"
# Room for the window manager's frame and title bar before the window is shown (and its
# frame known): the frame must fit too, or the bottom edge is off-screen.
FRAME_ALLOWANCE = (16, 40)


def available_area(window: QWidget) -> QRect | None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def place_window(window: QWidget, preferred: tuple[int, int], area: QRect | None = None) -> None:
    """The remembered geometry if there is one, else ``preferred``; either way within the
    screen's available area (the frame's title bar included), so no edge is off-screen."""
    stored = workstation_settings().value(GEOMETRY_KEY)
    if isinstance(stored, QByteArray) and not stored.isEmpty():
        window.restoreGeometry(stored)
    else:
        window.resize(*preferred)
    area = area or available_area(window)
    if area is None:
        return
    extra = window.frameGeometry().size() - window.geometry().size()
    extra_width = max(extra.width(), FRAME_ALLOWANCE[0])
    extra_height = max(extra.height(), FRAME_ALLOWANCE[1])
    width = min(window.width(), area.width() - extra_width)
    height = min(window.height(), area.height() - extra_height)
    window.resize(width, height)
    left = area.left() + max((area.width() - width - extra_width) // 2, 0)
    top = area.top() + max((area.height() - height - extra_height) // 2, 0)
    position = window.pos()
    outside = (
        position.x() < area.left()
        or position.y() < area.top()
        or position.x() + width + extra_width > area.right() + 1
        or position.y() + height + extra_height > area.bottom() + 1
    )
    if outside or not window.isVisible():
        window.move(left, top)


def remember_window(window: QWidget) -> None:
    """Keep the window's geometry for the next start on this computer."""
    settings = workstation_settings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.sync()
