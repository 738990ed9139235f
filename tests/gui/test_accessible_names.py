"""Every input a screen reader reaches has a name: its accessible name or a label whose
buddy it is (issue 14). Walks the main window, the first-start wizard's pages, the export
dialog and the account forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
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


@pytest.mark.xfail(
    strict=True,
    reason="issue 14, open: about 27 of the editor's inputs (header, exam, consent, outcome "
    "fields, the diagnosis search) have a label beside them but no buddy or accessible name",
)
def test_the_session_editor_names_every_input(qtbot: QtBot, context: AppContext) -> None:
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
    assert unnamed_inputs(editor) == []
