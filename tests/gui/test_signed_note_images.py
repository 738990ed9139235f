"""The images of a signed note, viewed (issue 15 item 5): a clinician reviewing a signed note,
or about to write an addendum to it, opens each image larger by double-click or by Tab and
Enter, while attach and remove stay out of reach and every other field stays locked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
    sign_with_password,
)
from tests.gui.window_support import give_focus
from tests.image_support import dicom_bytes, png_bytes
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.image_view_dialog import ImageViewDialog
from tpi_desk.ui.session_editor.sign_dialog import SignDialog

# Enough Tab presses to go from the editor's buttons down the form to the thumbnails.
MOST_TABS = 40


def _signed_editor(
    qtbot: QtBot, context: AppContext, tmp_path: Path, messages: ScriptedMessages
) -> SessionEditor:
    """An editor showing a note signed with a PNG still and a DICOM frame attached."""
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    header = editor.form.header
    header.ultrasound_guided.setChecked(True)
    header.ultrasound_device.setText("Linear probe 12 MHz")
    header.ultrasound_interpretation.setText("Needle tip in the upper trapezius; pleura clear.")
    still, frame = tmp_path / "long-axis.png", tmp_path / "IM0001.dcm"
    still.write_bytes(png_bytes(640, 480, seed=4))
    frame.write_bytes(dicom_bytes(patient_name="", patient_id=patient.facts.mrn, width=320))
    strip = header.images
    strip.choose_files = lambda _parent: [str(still), str(frame)]
    strip.attach_button.click()
    qtbot.waitUntil(lambda: strip.thumbnails.count() == 2)
    signer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()
    assert signer.handled and editor.is_read_only()
    return editor


def _reopened(
    qtbot: QtBot,
    context: AppContext,
    signed: SessionEditor,
    messages: ScriptedMessages | None = None,
) -> SessionEditor:
    """The signed note opened again, as a reviewer finds it from the patient page."""
    assert signed.session_id is not None
    editor = make_editor(qtbot, context, messages or ScriptedMessages())
    editor.open_session(signed.session_id)
    assert editor.is_read_only()
    return editor


class _Viewed:
    """Closes each larger view as soon as it shows and notes its caption."""

    def __init__(self) -> None:
        self.captions: list[str] = []

    def __call__(self, dialog: QDialog) -> None:
        assert isinstance(dialog, ImageViewDialog)
        assert dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull()
        self.captions.append(dialog.caption.text())
        dialog.reject()


def test_a_double_click_on_a_signed_notes_thumbnail_shows_that_image_larger(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _reopened(qtbot, context, _signed_editor(qtbot, context, tmp_path, ScriptedMessages()))
    strip = editor.form.header.images
    thumbnails = strip.thumbnails
    assert thumbnails.isEnabled()
    viewed = _Viewed()
    answerer = DialogAnswerer(ImageViewDialog, viewed)
    second = thumbnails.visualItemRect(thumbnails.item(1)).center()

    # What the mouse sends: a press and release, then the double-click.
    qtbot.mouseClick(thumbnails.viewport(), Qt.MouseButton.LeftButton, pos=second)
    qtbot.mouseDClick(thumbnails.viewport(), Qt.MouseButton.LeftButton, pos=second)

    qtbot.waitUntil(lambda: bool(answerer.handled))
    [caption] = viewed.captions
    assert caption.startswith("IM0001.dcm · DICOM, 320 x 48, ")


def test_tab_reaches_a_signed_notes_thumbnails_and_enter_shows_the_image_larger(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _signed_editor(qtbot, context, tmp_path, ScriptedMessages())
    strip = editor.form.header.images
    give_focus(qtbot, editor.header.preview_button)  # where signing leaves the cursor

    for _ in range(MOST_TABS):
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused is strip.thumbnails:
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is strip.thumbnails
    assert strip.thumbnails.accessibleName() == "Ultrasound images"
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Home)  # the first image
    item = strip.thumbnails.currentItem()
    assert item is not None
    assert item.data(Qt.ItemDataRole.AccessibleTextRole).startswith("long-axis.png, PNG, 640 x ")
    viewed = _Viewed()
    answerer = DialogAnswerer(ImageViewDialog, viewed)

    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: bool(answerer.handled))
    assert viewed.captions[0].startswith("long-axis.png · PNG, 640 x 480, ")
    # The next image: the arrow key, then Enter again.
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Right)
    again = DialogAnswerer(ImageViewDialog, viewed)
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(again.handled))
    assert viewed.captions[1].startswith("IM0001.dcm · DICOM, ")


def test_a_signed_notes_view_button_works_and_attach_and_remove_stay_out_of_reach(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    messages = ScriptedMessages()
    signed = _signed_editor(qtbot, context, tmp_path, ScriptedMessages())
    editor = _reopened(qtbot, context, signed, messages)
    header = editor.form.header
    strip = header.images
    assert strip.view_button.isVisibleTo(editor) and strip.view_button.isEnabled()
    assert strip.view_button.accessibleName() == "View the ultrasound image larger"
    assert not strip.attach_button.isVisibleTo(editor) and not strip.attach_button.isEnabled()
    assert not strip.remove_button.isVisibleTo(editor)
    viewed = _Viewed()
    answerer = DialogAnswerer(ImageViewDialog, viewed)

    qtbot.mouseClick(strip.view_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(answerer.handled))
    give_focus(qtbot, strip.thumbnails)
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Delete)
    assert messages.of_kind("confirm") == []  # Delete asks nothing: there is no removing
    assert len(strip.images()) == 2 and not editor.has_unsaved_changes()
    # Files dropped or chosen attach nothing to a signed note.
    assert not strip.attach_files([str(tmp_path / "long-axis.png")])
    assert len(strip.images()) == 2
    # Everything else on the note stays locked.
    locked: list[QWidget] = [
        header.performed_at,
        header.provider,
        header.ultrasound_guided,
        header.ultrasound_interpretation,
        header.pain_before,
        editor.form.consent,
        editor.form.diagnoses,
        editor.form.sites,
        editor.form.outcome,
    ]
    assert [widget for widget in locked if widget.isEnabled()] == []
