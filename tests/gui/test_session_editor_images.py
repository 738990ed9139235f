"""Ultrasound images in the session editor (issue 15 item 5): attached from files (chosen or
dropped) as thumbnails, carried into the session in order, a damaged file named and left
out, a DICOM image of another patient warned about, removal only after a confirmation, a
larger view on Enter, and a signed note's images shown without attach or remove."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
)
from tests.gui.window_support import give_focus
from tests.image_support import dicom_bytes, png_bytes
from tpi_desk.clinical.ultrasound_images import MAX_IMAGE_BYTES
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.form_state import (
    raw_from_entry,
    raw_from_payload,
    raw_to_payload,
)
from tpi_desk.ui.session_editor.image_files import read_image_files
from tpi_desk.ui.session_editor.image_view_dialog import ImageViewDialog


def _other_patients_dicom() -> bytes:
    """An ultrasound image whose header names someone else (the editor tests' patient is
    SYN-004127, Zoë Ñúñez)."""
    return dicom_bytes(patient_name="RIVERA^ALEX", patient_id="MRN-100001")


def _files(folder: Path, **contents: bytes) -> list[str]:
    """Write each ``name=bytes`` (``_`` in a name for its dot) and return the paths."""
    paths = []
    for name, content in contents.items():
        path = folder / name.replace("_", ".")
        path.write_bytes(content)
        paths.append(str(path))
    return paths


def _guided_editor(qtbot: QtBot, context: AppContext, messages: ScriptedMessages) -> SessionEditor:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    editor.form.header.ultrasound_guided.setChecked(True)
    return editor


def _attach(qtbot: QtBot, editor: SessionEditor, paths: Sequence[str]) -> None:
    """Press "Attach image…", choose ``paths`` in the (stand-in) file chooser, and wait until
    they are read (on a worker thread)."""
    images = editor.form.header.images
    asked: list[QWidget] = []

    def choose(parent: QWidget) -> list[str]:
        asked.append(parent)
        return list(paths)

    images.choose_files = choose
    with qtbot.waitSignal(images.reading_finished, timeout=10_000):
        qtbot.mouseClick(images.attach_button, Qt.MouseButton.LeftButton)
    assert asked == [images]


def test_a_png_and_a_dicom_attached_show_as_thumbnails_and_reach_the_session_in_order(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    header = editor.form.header
    strip = header.images
    assert not strip.isVisibleTo(editor)  # no empty strip before an image is attached
    paths = _files(
        tmp_path,
        needle_png=png_bytes(640, 480),
        trapezius_dcm=dicom_bytes(patient_name="", patient_id="SYN-004127"),
    )

    _attach(qtbot, editor, paths)

    assert [strip.thumbnails.item(i).text() for i in range(2)] == ["needle.png", "trapezius.dcm"]
    first = strip.thumbnails.item(0)
    assert first.data(Qt.ItemDataRole.AccessibleTextRole).startswith("needle.png, PNG, 640 x 480, ")
    assert "640 x 480" in first.toolTip()
    assert not first.icon().isNull() and not strip.thumbnails.item(1).icon().isNull()
    assert strip.thumbnails.isVisibleTo(editor) and not strip.warning.isVisibleTo(editor)
    assert header.ultrasound_image_retained.isChecked()  # an attached image is retained
    assert editor.has_unsaved_changes()
    editor.refresh_analysis()
    assert editor.reading is not None
    entry = editor.reading.entry
    assert [image.file_name for image in entry.ultrasound_images] == [
        "needle.png",
        "trapezius.dcm",
    ]
    assert entry.ultrasound_images[1].dicom_patient_id == "SYN-004127"
    # Back into the form from a stored session, and through the crash-recovery copy.
    raw = raw_from_entry(entry, None, context.catalog)
    assert raw.ultrasound_images == entry.ultrasound_images
    payload = json.loads(json.dumps(raw_to_payload(raw)))
    assert raw_from_payload(payload).ultrasound_images == entry.ultrasound_images

    # Autosave ran (again once the images came): the recovery copy holds both images.
    def kept() -> list[str]:
        drafts = editor.recovered_drafts()
        return [image.sha256 for image in drafts[0].form.ultrasound_images] if drafts else []

    qtbot.waitUntil(lambda: len(kept()) == 2, timeout=5000)
    assert kept() == [image.sha256 for image in entry.ultrasound_images]


def test_a_damaged_file_is_named_in_the_editor_and_nothing_of_it_is_attached(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images
    paths = _files(tmp_path, cut_png=png_bytes(64, 48)[:60], notes_dcm=b"not an image at all")

    _attach(qtbot, editor, [*paths, str(tmp_path / "gone.png")])

    shown = editor.banner.text()
    assert shown.startswith("Not attached:")
    assert "cut.png: the PNG image is damaged" in shown
    assert "notes.dcm: not a PNG, JPEG or DICOM image" in shown
    assert "gone.png: the file cannot be read" in shown
    assert strip.images() == () and not strip.isVisibleTo(editor)
    assert not strip.status.isVisibleTo(editor)  # "Reading …" gone
    assert editor.form.raw().ultrasound_images == ()
    assert not editor.form.header.ultrasound_image_retained.isChecked()


def test_a_file_too_large_is_refused_before_it_is_read_and_an_image_is_kept_once(
    tmp_path: Path,
) -> None:
    huge = tmp_path / "clip.dcm"
    with huge.open("wb") as file:  # sparse: no disk is filled
        file.truncate(MAX_IMAGE_BYTES + 1)
    same = _files(tmp_path, a_png=png_bytes(), b_png=png_bytes())

    read = read_image_files([str(huge), *same], ())

    assert [image.file_name for image in read.images] == ["a.png"]
    assert read.problems == (
        "clip.dcm: the file is larger than 25 MB",
        "b.png: this image is attached already",
    )


def test_a_dicom_image_of_another_patient_is_warned_about_next_to_the_strip(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images

    _attach(qtbot, editor, _files(tmp_path, other_dcm=_other_patients_dicom()))

    assert strip.warning.isVisibleTo(editor)
    warning = strip.warning.text()
    assert "other.dcm" in warning
    assert "patient id 'MRN-100001' is not the MRN 'SYN-004127'" in warning
    assert "family name 'RIVERA' is not 'Ñúñez'" in warning
    assert strip.images()[0].dicom_patient_name == "RIVERA^ALEX"  # attached, but flagged


def test_an_image_is_removed_by_the_delete_key_only_after_a_confirmation(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    messages = ScriptedMessages(answer=False)
    editor = _guided_editor(qtbot, context, messages)
    strip = editor.form.header.images
    paths = _files(tmp_path, first_png=png_bytes(seed=1), second_png=png_bytes(seed=2))
    _attach(qtbot, editor, paths)
    strip.thumbnails.setCurrentRow(0)
    give_focus(qtbot, strip.thumbnails)

    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Delete)

    assert len(messages.of_kind("confirm")) == 1
    assert "first.png" in messages.of_kind("confirm")[0][2]
    assert len(strip.images()) == 2  # the user said no

    messages.answer = True
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Delete)

    assert [image.file_name for image in strip.images()] == ["second.png"]
    assert strip.thumbnails.count() == 1
    assert [image.file_name for image in editor.form.raw().ultrasound_images] == ["second.png"]
    # The Remove button asks too.
    qtbot.mouseClick(strip.remove_button, Qt.MouseButton.LeftButton)
    assert len(messages.of_kind("confirm")) == 3 and strip.images() == ()


def test_enter_on_a_thumbnail_shows_the_image_larger(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images
    _attach(qtbot, editor, _files(tmp_path, view_dcm=dicom_bytes(width=320, height=240)))
    give_focus(qtbot, strip.thumbnails)
    seen: list[tuple[str, int]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, ImageViewDialog)
        pixmap = dialog.picture.pixmap()
        seen.append((dialog.caption.text(), pixmap.width()))
        dialog.reject()

    answerer = DialogAnswerer(ImageViewDialog, look)
    qtbot.keyClick(strip.thumbnails, Qt.Key.Key_Return)

    assert answerer.handled
    [(caption, width)] = seen
    assert caption.startswith("view.dcm · DICOM, 320 x 240, ") and caption.endswith(" KB")
    assert width == 320  # never enlarged past its own pixels


def test_files_dropped_on_the_attach_button_are_attached(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in _files(tmp_path, dropped_png=png_bytes())])
    copy, left, plain = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(4, 4), copy, mime, left, plain)

    QApplication.sendEvent(strip.attach_button, enter)
    with qtbot.waitSignal(strip.reading_finished, timeout=10_000):
        drop = QDropEvent(QPointF(4, 4), copy, mime, left, plain)
        QApplication.sendEvent(strip.attach_button, drop)

    assert enter.isAccepted()
    assert [image.file_name for image in strip.images()] == ["dropped.png"]


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_right_click_on_a_thumbnail_offers_view_and_remove(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images
    _attach(qtbot, editor, _files(tmp_path, a_png=png_bytes(seed=1), b_png=png_bytes(seed=2)))
    strip.thumbnails.setCurrentRow(1)
    first = strip.thumbnails.visualItemRect(strip.thumbnails.item(0)).center()

    strip.thumbnails.customContextMenuRequested.emit(first)

    menu = next(menu for menu in strip.findChildren(QMenu) if menu.isVisible())
    assert [action.text() for action in menu.actions()] == ["View larger", "Remove…"]
    assert strip.thumbnails.currentRow() == 0  # the one clicked is the one acted on
    menu.close()


def test_alt_m_attaches_from_the_keyboard(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    images = editor.form.header.images
    images.choose_files = lambda _parent: _files(tmp_path, keyed_png=png_bytes())
    give_focus(qtbot, editor.form.header.ultrasound_interpretation)

    qtbot.keyClick(
        editor.form.header.ultrasound_interpretation, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier
    )

    qtbot.waitUntil(lambda: len(images.images()) == 1)
    assert images.images()[0].file_name == "keyed.png"


def test_tab_runs_from_the_interpretation_through_the_strip_to_the_time_out(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    header = editor.form.header
    strip = header.images
    _attach(qtbot, editor, _files(tmp_path, tabbed_png=png_bytes()))
    give_focus(qtbot, header.ultrasound_interpretation)
    reached = []

    for _ in range(5):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())

    assert reached == [
        strip.attach_button,
        strip.thumbnails,
        strip.view_button,
        strip.remove_button,
        header.time_out_performed,
    ]


def test_images_attach_to_guided_sessions_only(qtbot: QtBot, context: AppContext) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    button = editor.form.header.images.attach_button
    assert button.isEnabled()
    assert button.accessibleName() == "Attach ultrasound image"

    editor.form.header.ultrasound_guided.setChecked(False)

    assert not button.isEnabled()


def test_a_signed_note_shows_its_thumbnails_without_attach_or_remove(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, ScriptedMessages())
    strip = editor.form.header.images
    paths = _files(tmp_path, one_png=png_bytes(seed=3), two_dcm=_other_patients_dicom())
    _attach(qtbot, editor, paths)

    editor.show_read_only(True)  # as a signed note opens

    assert strip.thumbnails.isVisibleTo(editor) and strip.thumbnails.count() == 2
    assert not strip.attach_button.isVisibleTo(editor)
    assert not strip.remove_button.isVisibleTo(editor)
    assert strip.view_button.isVisibleTo(editor) and strip.view_button.isEnabled()
    assert strip.thumbnails.isEnabled()  # opened larger still (test_signed_note_images)
    assert strip.warning.isVisibleTo(editor)  # the identity warning stays
    assert not strip.remove_current()  # no removal from a signed note, whatever asks
    assert len(strip.images()) == 2
