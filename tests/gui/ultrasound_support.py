"""The ultrasound part of a note, filled as a clinician would for the laptop tests: guided,
device and interpretation typed, a still (PNG) and a DICOM frame attached."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.image_support import png_bytes
from tpi_desk.ui.session_editor import SessionEditor


def record_guided_ultrasound(
    qtbot: QtBot, editor: SessionEditor, folder: Path, dicom_frame: bytes
) -> None:
    """Guided, with a device and an interpretation; trapezius-long-axis.png and US0001.dcm
    (``dicom_frame``) written to ``folder`` and attached; returns once both are shown."""
    header = editor.form.header
    header.ultrasound_guided.setChecked(True)
    header.ultrasound_device.setText("Butterfly iQ3, linear")
    header.ultrasound_interpretation.setText("Needle tip in the upper trapezius; pleura clear")
    still = folder / "trapezius-long-axis.png"
    still.write_bytes(png_bytes(640, 480, seed=11))
    frame = folder / "US0001.dcm"
    frame.write_bytes(dicom_frame)
    header.images.choose_files = lambda _parent: [str(still), str(frame)]
    header.images.attach_button.click()
    qtbot.waitUntil(lambda: header.images.thumbnails.count() == 2, timeout=10_000)


def has_focus(widget: QWidget) -> bool:
    """The keyboard focus is on ``widget`` itself."""
    return QApplication.focusWidget() is widget
