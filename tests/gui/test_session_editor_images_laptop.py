"""Two ultrasound images in the editor on a 1366x768 laptop: the form still fits its width,
every part of the strip is on screen once Tab reaches it, and the picture of it.

Set TPI_DESK_SCREENSHOTS=DIR to write session-editor-images.png there; otherwise it goes to
the test's temporary folder and is only checked."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.laptop_support import (
    new_note_on_laptop,
    visible_in,
)
from tests.gui.ultrasound_support import has_focus, record_guided_ultrasound
from tests.gui.window_support import (
    activate,
    add_patient,
    add_physician,
)
from tests.image_support import dicom_bytes
from tpi_desk.ui.app_context import AppContext

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
LARGEST_PNG = 400_000


@OFFSCREEN_POPUP
def test_two_images_in_the_editor_fit_a_laptop_screen(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the status bar shows the database under ~
    add_physician(context)
    patient = add_patient(context, "SYN-004127", "Abernathy-Ñúñez", "Zoë")
    window, editor = new_note_on_laptop(qtbot, context, patient.id)
    # The frame carries another patient's header: the identity warning shows under it.
    record_guided_ultrasound(qtbot, editor, tmp_path, dicom_bytes(width=800, height=600, seed=5))
    header = editor.form.header
    editor.refresh_analysis()
    qtbot.wait(300)

    assert header.images.thumbnails.count() == 2
    assert header.images.warning.isVisibleTo(editor)
    assert editor.form_scroll.horizontalScrollBar().maximum() == 0
    viewport = editor.form_scroll.viewport()
    images = header.images
    for field in (images.attach_button, images.thumbnails, images.remove_button):
        activate(qtbot, window)
        field.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(partial(has_focus, field))
        QApplication.processEvents()
        assert visible_in(field, viewport), field.accessibleName()

    images.thumbnails.setFocus(Qt.FocusReason.TabFocusReason)
    editor.form_scroll.ensureWidgetVisible(header.ultrasound_device, 0, 160)
    qtbot.wait(200)
    path = folder / "session-editor-images.png"
    QApplication.processEvents()
    assert window.grab().save(str(path))
    picture = QImage(str(path))
    assert (picture.width(), picture.height()) == (window.width(), window.height())
    assert path.stat().st_size < LARGEST_PNG
