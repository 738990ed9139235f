"""Image files attached in the session editor are read on a worker thread (issue 15 item 5): a
large DICOM file no longer freezes the window, "Reading …" shows meanwhile, problems still
name their file, and what is read for a note that was closed, or replaced by another
patient's, or signed meanwhile never lands on a note it was not meant for."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
)
from tests.gui.window_support import add_patient as add_named_patient
from tests.image_support import dicom_bytes, png_bytes
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.image_reader import courier

# A frame of 4000 x 3000 pixels (12 MB): about a second of decoding on the test machines.
LARGE_FRAME = (4000, 3000)
READ_TIMEOUT_MS = 30_000


def _guided_editor(qtbot: QtBot, context: AppContext, *, register: bool = True) -> SessionEditor:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages(), register=register)
    editor.new_session(patient.id)
    editor.form.header.ultrasound_guided.setChecked(True)
    return editor


def _large_dicom(folder: Path, name: str = "long-clip.dcm") -> str:
    width, height = LARGE_FRAME
    path = folder / name
    path.write_bytes(
        dicom_bytes(patient_name="", patient_id="SYN-004127", width=width, height=height)
    )
    return str(path)


def test_attaching_a_large_dicom_shows_reading_and_the_window_keeps_answering(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    path = _large_dicom(tmp_path)
    strip.choose_files = lambda _parent: [path]
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()

    with qtbot.waitSignal(strip.reading_finished, timeout=READ_TIMEOUT_MS):
        qtbot.mouseClick(strip.attach_button, Qt.MouseButton.LeftButton)
        # Back at once: nothing attached yet, and the strip says what it is doing.
        assert strip.is_reading() and strip.images() == ()
        assert strip.status.isVisibleTo(editor)
        assert strip.status.text() == "Reading image long-clip.dcm…"
        assert not strip.attach_button.isEnabled()  # one reading at a time
        assert editor.form.raw().ultrasound_images == ()

    took = time.perf_counter() - started
    timer.stop()
    # The event loop turned all along: no pause between two ticks near the reading's length
    # (read on the window's thread, one pause would be the whole reading).
    gaps = [later - earlier for earlier, later in zip([started, *ticks], ticks, strict=False)]
    assert len(ticks) >= 3 and max(gaps) < took / 2, (max(gaps), took, len(ticks))
    [image] = strip.images()
    assert (image.file_name, image.width, image.height) == ("long-clip.dcm", *LARGE_FRAME)
    assert not strip.thumbnails.item(0).icon().isNull()
    assert not strip.status.isVisibleTo(editor) and strip.attach_button.isEnabled()
    assert editor.form.header.ultrasound_image_retained.isChecked()


def test_a_damaged_file_read_on_the_worker_is_named_in_plain_words(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    good, cut = tmp_path / "good.png", tmp_path / "cut.png"
    good.write_bytes(png_bytes(seed=2))
    cut.write_bytes(png_bytes(seed=3)[:70])

    with qtbot.waitSignal(strip.reading_finished, timeout=READ_TIMEOUT_MS):
        assert strip.attach_files([str(good), str(cut)])
        assert strip.status.text() == "Reading images good.png, cut.png…"

    assert [image.file_name for image in strip.images()] == ["good.png"]
    assert editor.banner.text().startswith("Not attached: cut.png: the PNG image is damaged")


def test_an_image_still_being_read_never_reaches_another_patients_note(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    other = add_named_patient(context, "SYN-2002", "Okafor", "Chidi")
    assert strip.attach_files([_large_dicom(tmp_path)])

    with qtbot.waitSignal(strip.reader.finished, timeout=READ_TIMEOUT_MS):
        editor.new_session(other.id)  # the clinician moved on before the file was read
        assert not strip.is_reading() and not strip.status.isVisibleTo(editor)

    qtbot.wait(50)  # anything queued after the result has run
    assert strip.images() == () and not strip.isVisibleTo(editor)
    assert editor.form.raw().ultrasound_images == ()
    assert "Not attached" not in editor.banner.text()
    assert not editor.has_unsaved_changes()


def test_an_image_read_after_its_note_was_closed_is_dropped_and_the_draft_kept(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    editor.form.header.ultrasound_interpretation.setText("Needle tip in the trapezius")
    assert strip.attach_files([_large_dicom(tmp_path)])

    with qtbot.waitSignal(strip.reader.finished, timeout=READ_TIMEOUT_MS):
        with qtbot.waitSignal(editor.close_requested):
            editor.request_close()
        assert not strip.is_reading()

    qtbot.wait(50)
    assert strip.images() == () and not editor.has_unsaved_changes()
    assert editor.session_id is not None  # closing saved the draft, typing and all
    stored = context.sessions.load(editor.session_id).entry
    assert stored.ultrasound_images == ()
    assert stored.ultrasound_interpretation == "Needle tip in the trapezius"


def test_signing_waits_until_the_images_are_read(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images

    with qtbot.waitSignal(strip.reading_finished, timeout=READ_TIMEOUT_MS):
        assert strip.attach_files([_large_dicom(tmp_path)])
        assert not editor.sign()  # Ctrl+Enter pressed at once: no sign dialog yet
        assert editor.banner.text() == (
            "The ultrasound images are still being read: sign once they show."
        )
        assert not editor.is_read_only()

    assert [image.file_name for image in strip.images()] == ["long-clip.dcm"]


def test_a_note_signed_while_its_images_are_read_names_them_and_attaches_nothing(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    still = tmp_path / "late.png"
    still.write_bytes(png_bytes())

    with qtbot.waitSignal(strip.reading_finished, timeout=READ_TIMEOUT_MS):
        assert strip.attach_files([str(still)])
        editor.show_read_only(True)  # as signing locks the note

    assert strip.images() == ()
    assert editor.banner.text() == (
        "Not attached: late.png: the note was signed while the images were read"
    )


def test_a_session_marked_not_guided_while_reading_attaches_nothing(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context)
    strip = editor.form.header.images
    still = tmp_path / "early.png"
    still.write_bytes(png_bytes())

    with qtbot.waitSignal(strip.reading_finished, timeout=READ_TIMEOUT_MS):
        assert strip.attach_files([str(still)])
        editor.form.header.ultrasound_guided.setChecked(False)

    assert strip.images() == () and not strip.isVisibleTo(editor)
    assert editor.banner.text() == (
        "Not attached: early.png: the session was marked not ultrasound guided while the "
        "images were read"
    )


def test_an_editor_closed_for_good_while_reading_drops_the_result_safely(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = _guided_editor(qtbot, context, register=False)
    strip = editor.form.header.images
    assert strip.attach_files([_large_dicom(tmp_path)])

    delivered = qtbot.waitSignal(courier().delivered, timeout=READ_TIMEOUT_MS)
    with delivered, qtbot.waitSignal(editor.destroyed):
        editor.close()
        editor.deleteLater()

    qtbot.wait(50)  # the result, queued for a strip that is gone, is dropped without error
