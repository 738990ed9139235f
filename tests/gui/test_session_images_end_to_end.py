"""Ultrasound images from the editor to the signed note (issue 15 item 5, "Done when: images
attach, print, and are covered by verify"): attached in the editor, saved and signed with
the note, billed as guidance (76942) with the interpretation, shown again when the signed
note is opened, printed on its PDF, and checked by verify, which names a changed image."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
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
from tests.image_support import dicom_bytes, png_bytes
from tpi_desk.desk import Desk
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.sign_dialog import SignDialog


def _image_count(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    count = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        objects = resources.get("/XObject") or {}
        count += sum(1 for name in objects if objects[name].get("/Subtype") == "/Image")
    return count


def _verify_findings(desk: Desk) -> list[str]:
    return [finding.message for finding in desk.verification.verify(record=False).findings]


def test_images_attached_in_the_editor_are_signed_billed_printed_and_verified(
    qtbot: QtBot, context: AppContext, desk: Desk, tmp_path: Path
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    header = editor.form.header
    header.ultrasound_guided.setChecked(True)
    header.ultrasound_device.setText("Linear probe 12 MHz")
    header.ultrasound_interpretation.setText(
        "Needle tip seen in the left levator scapulae; no pleural breach."
    )
    still, frame = tmp_path / "long-axis.png", tmp_path / "IM0001.dcm"
    still.write_bytes(png_bytes())
    # The header names this note's patient by MRN only: nothing to warn about.
    frame.write_bytes(dicom_bytes(patient_name="", patient_id=patient.facts.mrn))
    strip = header.images

    def choose(_parent: QWidget) -> list[str]:
        return [str(still), str(frame)]

    strip.choose_files = choose
    qtbot.mouseClick(strip.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.thumbnails.count() == 2)
    editor.refresh_analysis()
    assert editor.analysis is not None
    assert "76942" in [line.code for line in editor.analysis.coding.all_lines]

    signer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()
    assert signer.handled
    assert editor.session_id is not None
    session_id = editor.session_id

    stored = context.sessions.load(session_id).entry.ultrasound_images
    assert [image.file_name for image in stored] == ["long-axis.png", "IM0001.dcm"]
    assert stored[0].content == still.read_bytes()
    reopened = make_editor(qtbot, context, ScriptedMessages())
    reopened.open_session(session_id)
    assert reopened.form.header.images.thumbnails.count() == 2
    assert not reopened.form.header.images.attach_button.isEnabled()

    note = context.exporting.note_pdf(session_id)
    assert _image_count(note.pdf) == 2
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(note.pdf)).pages)
    assert "long-axis.png" in text and "IM0001.dcm" in text
    assert "no pleural breach" in text

    # (The test desk registers its clinicians' keys without an administrator's signature:
    # verify says so; what matters here is what changes once an image is altered.)
    before = _verify_findings(desk)
    assert not [finding for finding in before if "image" in finding]
    database = sqlite3.connect(str(desk.database.url.database))
    try:
        for trigger in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'session_images'"
        ).fetchall():
            database.execute(f'DROP TRIGGER "{trigger[0]}"')
        database.execute(
            "UPDATE session_images SET content = ? WHERE session_id = ? AND position = 0",
            (png_bytes(seed=8), session_id),
        )
        database.commit()
    finally:
        database.close()
    new = [finding for finding in _verify_findings(desk) if finding not in before]
    assert new and any("image" in finding for finding in new), new
