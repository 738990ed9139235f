"""A signed note with two ultrasound images in the window of a 1366x768 laptop: the thumbnails
and View are on screen once Tab reaches them, attach and remove are gone, and the picture.

Set TPI_DESK_SCREENSHOTS=DIR to write signed-note-images.png there; otherwise it goes to the
test's temporary folder and is only checked."""

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
    LAPTOP_SCREEN,
    alerts_and_codes_out_of_view,
    new_note_on_laptop,
    visible_in,
    wait_for_alerts_and_codes_in_view,
)
from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    record_two_site_session,
    sign_with_password,
)
from tests.gui.ultrasound_support import has_focus, record_guided_ultrasound
from tests.gui.window_support import (
    activate,
    add_patient,
    add_physician,
)
from tests.image_support import dicom_bytes
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.sign_dialog import SignDialog

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
LARGEST_PNG = 400_000


@OFFSCREEN_POPUP
def test_a_signed_notes_images_show_with_view_on_a_laptop_screen(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the status bar shows the database under ~
    add_physician(context)
    patient = add_patient(context, "SYN-004127", "Abernathy-Ñúñez", "Zoë")
    window, editor = new_note_on_laptop(qtbot, context, patient.id)
    record_two_site_session(editor)
    frame = dicom_bytes(patient_name="", patient_id="SYN-004127", width=800, height=600)
    record_guided_ultrasound(qtbot, editor, tmp_path, frame)
    header = editor.form.header
    images = header.images
    signer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()
    assert signer.handled and editor.is_read_only()
    qtbot.wait(200)

    assert images.thumbnails.isEnabled() and images.view_button.isVisibleTo(editor)
    assert not images.attach_button.isVisibleTo(editor)
    assert not images.remove_button.isVisibleTo(editor)
    viewport = editor.form_scroll.viewport()
    # The signed sites show their drugs' whole names, with lot and expiry on a line under them:
    # the form still fits the column, nothing scrolls sideways (it was 31 px too wide).
    form = editor.form_scroll.widget()
    assert form is not None and form.minimumSizeHint().width() <= viewport.width()
    assert editor.form_scroll.horizontalScrollBar().maximum() == 0
    # Issue 14: the right column needs no scrolling of its own for the alerts and codes, on a
    # signed note too (its banner takes height; its three alerts wrap in the narrow column).
    wait_for_alerts_and_codes_in_view(qtbot, editor)
    assert len(editor.live_panel.alert_labels) == 3
    assert alerts_and_codes_out_of_view(editor) == []
    for field in (images.thumbnails, images.view_button):
        activate(qtbot, window)
        field.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(partial(has_focus, field))
        QApplication.processEvents()
        assert visible_in(field, viewport), field.accessibleName()

    images.thumbnails.setFocus(Qt.FocusReason.TabFocusReason)
    editor.form_scroll.ensureWidgetVisible(header.ultrasound_device, 0, 160)
    qtbot.wait(200)
    path = folder / "signed-note-images.png"
    QApplication.processEvents()
    assert window.grab().save(str(path))
    picture = QImage(str(path))
    assert (picture.width(), picture.height()) == (window.width(), window.height())
    assert window.frameGeometry().height() <= LAPTOP_SCREEN.height()
    assert path.stat().st_size < LARGEST_PNG
