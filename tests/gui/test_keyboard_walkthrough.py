"""Keys only, on a 1366x768 laptop (issue 14): a new patient, a two-site note signed, then
the day's export, the way a clinician who never touches the mouse works.

Set TPI_DESK_SCREENSHOTS=DIR to write session-editor-laptop.png (the note ready to sign, in
the window as the laptop shows it) and sign-dialog.png there; otherwise they go to the
test's temporary folder and are only checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.laptop_support import place_on_laptop, press, press_until, tab_to, type_in
from tests.gui.test_screenshots import NOW, PASSWORD, PROVIDERS, fill_showcase, themed  # noqa: F401
from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    activate,
    make_context,
    users_of,
    when_modal_opens,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.ui.export_dialog import ExportDialog
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.patient_dialog import PatientDialog
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
LARGEST_PNG = 300_000


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (widget.width(), widget.height())
    assert path.stat().st_size < LARGEST_PNG


def _add_patient(qtbot: QtBot, dialog: PatientDialog) -> None:
    """MRN, family and given name, the birth date as digits, Enter."""
    qtbot.waitUntil(dialog.mrn.hasFocus)
    type_in(qtbot, "SYN-7001")
    for field, value in (
        (dialog.family_name, "Quist"),
        (dialog.given_name, "Adela"),
        (dialog.date_of_birth, "03141980"),
    ):
        tab_to(qtbot, field)
        type_in(qtbot, value)
    press(qtbot, "Return")


def _site(qtbot: QtBot, editor: SessionEditor, side_key: str) -> None:
    """Ctrl+Shift+A, the muscle typed ahead and Enter, the side in one key."""
    before = len(editor.form.sites.site_editors)
    press(qtbot, "Ctrl+Shift+A", editor.window())
    qtbot.waitUntil(lambda: len(editor.form.sites.site_editors) == before + 1)
    site = editor.form.sites.site_editors[-1]
    # The window's own cursor; offscreen, a completer's pop-up can take the activation.
    qtbot.waitUntil(lambda: site.window().focusWidget() is site.muscle.line_edit)
    activate(qtbot, site.window())
    qtbot.waitUntil(site.muscle.line_edit.hasFocus)
    type_in(qtbot, "upper trap", editor.window())
    press(qtbot, "Return", editor.window())
    qtbot.waitUntil(lambda: site.window().focusWidget() is site.side)
    activate(qtbot, site.window())
    type_in(qtbot, side_key, editor.window())


@OFFSCREEN_POPUP
def test_a_new_patient_a_two_site_note_signed_and_the_day_exported_with_keys_only(
    qtbot: QtBot,
    themed: None,  # noqa: F811 - the app's theme for the pictures
    catalog: Catalog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the export's default folder lies there
    desk = Desk.open(
        f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        catalog=catalog,
        data_dir=tmp_path / "data",
        clock=lambda: NOW,
    )
    try:
        context = make_context(desk)
        fill_showcase(context, catalog)
        # The showcase's physician (whose password signs; the demo clinicians have none).
        physician = next(
            p for p in context.providers.clinicians() if p.facts.username == PROVIDERS[0].username
        )
        window = MainWindow(
            context, RecordingMessages(), actor=acting_as(physician), users=users_of(context)
        )
        qtbot.addWidget(window)
        place_on_laptop(window)
        window.show()
        qtbot.waitExposed(window)
        activate(qtbot, window)
        qtbot.waitUntil(lambda: window.search_pane.search_box.hasFocus())

        # A new patient: Ctrl+Shift+N, four values, Enter.
        failures = when_modal_opens(PatientDialog, lambda d: _add_patient(qtbot, d))
        press(qtbot, "Ctrl+Shift+N")
        assert failures == []
        qtbot.waitUntil(lambda: window.patient_page.isVisible())
        activate(qtbot, window)

        # The note: Ctrl+N, then labels' Alt+letters, typed values and Tab.
        press(qtbot, "Ctrl+N", window)
        editor = window.findChild(SessionEditor)
        assert editor is not None
        header = editor.form.header
        # The cursor in the first field (the window's own focus: the platform may be
        # slow to give the window back its activation after the dialog).
        qtbot.waitUntil(lambda: window.focusWidget() is header.performed_at)
        activate(qtbot, window)
        qtbot.waitUntil(header.performed_at.hasFocus)
        press_until(qtbot, "Alt+I", window, header.position.hasFocus)  # Position
        type_in(qtbot, "Seated", window)
        press_until(qtbot, "Alt+T", window, header.time_out_performed.isChecked)
        # Pain: each score moves on, to consent obtained.
        press_until(qtbot, "Alt+N", window, header.pain_before.hasFocus)
        type_in(qtbot, "7", window)
        type_in(qtbot, "3", window)
        qtbot.waitUntil(editor.form.consent.obtained.hasFocus)
        press(qtbot, "Space", window)
        press(qtbot, "Alt+G", window)  # diagnoses
        type_in(qtbot, "M79.18", window)
        qtbot.waitUntil(lambda: editor.form.diagnoses.results.rowCount() > 0)
        press(qtbot, "Return", window)
        qtbot.waitUntil(lambda: "M79.18" in editor.form.diagnoses.codes())
        _site(qtbot, editor, "r")
        line = editor.form.sites.site_editors[0].medication_rows[0]
        tab_to(qtbot, line.drug)
        type_in(qtbot, "lidocaine 1", window)
        for field, value in (
            (line.volume, "1"),
            (line.lot, "LT2026A"),
            (line.expires, "2028-06-30"),
        ):
            tab_to(qtbot, field)
            type_in(qtbot, value, window)
        _site(qtbot, editor, "l")  # its medication line comes from the site before
        qtbot.wait(400)  # the live analysis settles
        _save(window, folder / "session-editor-laptop.png")

        # Sign: Ctrl+Enter, the password, Enter.
        def sign(dialog: QDialog) -> None:
            assert isinstance(dialog, SignDialog)
            password = dialog.password_field.password
            qtbot.waitUntil(lambda: dialog.focusWidget() is password)
            assert dialog.ready, [label.text() for label in dialog.checklist_labels]
            _save(dialog, folder / "sign-dialog.png")
            qtbot.keyClicks(password, PASSWORD)
            qtbot.keyClick(password, Qt.Key.Key_Return)

        handled: list[QDialog] = []

        def poll() -> None:
            shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, SignDialog)]
            if shown and shown[0].isVisible() and not handled:
                handled.append(shown[0])
                timer.stop()
                sign(shown[0])

        timer = QTimer()
        timer.timeout.connect(poll)
        timer.start(20)
        press(qtbot, "Ctrl+Return", window)
        assert handled
        qtbot.waitUntil(editor.is_read_only)

        # The day's export: Ctrl+E, Enter.
        activate(qtbot, window)
        press(qtbot, "Ctrl+E")
        qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), ExportDialog))
        export = QApplication.activeWindow()
        assert isinstance(export, ExportDialog)
        press(qtbot, "Return")
        qtbot.waitUntil(lambda: not export.is_running() and bool(export.message_label.text()))
        _save(export, tmp_path / "export-dialog.png")  # names this run's folder: not for docs
        press(qtbot, "Escape")
    finally:
        desk.close()

    # The day's notes, the new patient's signed one among them, in one PDF and the claims CSV.
    assert len(list(tmp_path.rglob("notes_*.pdf"))) == 1
    [claims] = tmp_path.rglob("claims_*.csv")
    assert "SYN-7001" in claims.read_text(encoding="utf-8")
