"""Every input a screen reader reaches has a name: its accessible name or a label whose
buddy it is (issue 14). Walks the main window, the first-start wizard's pages, the export
dialog and the account forms."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tests.gui.window_support import (
    NOW,
    RecordingMessages,
    add_patient,
    add_physician,
    add_session,
    clinician,
    give_focus,
    show_window,
    users_of,
)
from tpi_desk.ui.admin.users_dialog import AddUserDialog
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog
from tpi_desk.ui.first_start_pages import ClinicIdentityPage, FirstAccountsPage
from tpi_desk.ui.login_dialog import LoginDialog
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.session_editor import SessionEditor

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def unnamed_inputs(root: QWidget) -> list[str]:
    """The inputs under ``root`` with neither an accessible name nor a buddy label."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS):
            continue
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), (QComboBox, QAbstractSpinBox)
        ):
            continue  # the editor inside a combo box or spin box: named by its owner
        if widget.accessibleName().strip() or id(widget) in buddies:
            continue
        found.append(
            f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}"
        )
    return found


def test_the_main_window_names_every_input(qtbot: QtBot, context: AppContext) -> None:
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    add_session(context, zoe.id, add_physician(context).id, NOW - timedelta(days=3))
    window = show_window(qtbot, context, RecordingMessages())
    window.open_patient(zoe.id)
    assert unnamed_inputs(window) == []


def test_the_first_start_pages_name_every_input(qtbot: QtBot) -> None:
    for page in (
        ClinicIdentityPage({"ME": "Maine"}, {"11": "Office"}),
        FirstAccountsPage(),
    ):
        qtbot.addWidget(page)
        assert unnamed_inputs(page) == []


def test_the_export_and_account_dialogs_name_every_input(qtbot: QtBot, clinic: Clinic) -> None:
    dialogs: list[QWidget] = [
        ExportDialog(clinic.context, clinic.messages, actor=clinic.billing),
        AddUserDialog(clinic.context, clinic.messages, clinic.admin, users=clinic.users),
        LoginDialog(clinic.users),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert unnamed_inputs(dialog) == [], type(dialog).__name__


def test_the_session_editor_names_every_input(qtbot: QtBot, context: AppContext) -> None:
    editor = new_session_editor(qtbot, context)
    qtbot.mouseClick(editor.form.sites.add_button, Qt.MouseButton.LeftButton)
    second = editor.form.sites.site_editors[-1]
    qtbot.mouseClick(second.add_medication_button, Qt.MouseButton.LeftButton)
    assert second.medication_rows
    assert unnamed_inputs(editor) == []


def test_the_editor_labels_name_their_inputs_for_screen_readers(
    qtbot: QtBot, context: AppContext
) -> None:
    """A buddy label gives its input the label's words (the ``&`` of Alt+letter dropped),
    and a site's fields say which site they belong to."""
    editor = new_session_editor(qtbot, context)
    header = editor.form.header
    assert spoken_name(header.location_name) == "Location"
    assert spoken_name(editor.form.diagnoses.search) == "Diagnoses"
    assert spoken_name(editor.form.outcome.notes) == "Notes"
    # A combo box's spoken name on Linux is its value; its label comes as a relation.
    assert header.provider.accessibleName() == "Provider"
    assert header.place_of_service.accessibleName() == "Place of service"
    assert editor.form.exam.skin_prep.accessibleName() == "Technique"
    qtbot.mouseClick(editor.form.sites.add_button, Qt.MouseButton.LeftButton)
    second = editor.form.sites.site_editors[-1]
    assert second.side.accessibleName() == f"{second.title.text()} side"


def test_alt_and_a_label_letter_puts_the_cursor_in_its_field(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = new_session_editor(qtbot, context)
    header = editor.form.header
    give_focus(qtbot, header.pain_before)
    for letter, field in (
        (Qt.Key.Key_L, header.location_name),
        (Qt.Key.Key_G, editor.form.diagnoses.search),
        (Qt.Key.Key_P, header.provider),
    ):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, letter, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(field.hasFocus)


def new_session_editor(qtbot: QtBot, context: AppContext) -> SessionEditor:
    """A clinician's main window with a new session open for a patient."""
    zoe = add_patient(context, "SYN-1002", "Ødegård", "Liv")
    add_physician(context)
    window = MainWindow(
        context, RecordingMessages(), actor=clinician(context), users=users_of(context)
    )
    qtbot.addWidget(window)
    window.show()
    assert window.open_patient(zoe.id)
    window.new_session()
    editor = window.findChild(SessionEditor)
    assert editor is not None
    return editor


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader announces for ``widget``."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Name)
