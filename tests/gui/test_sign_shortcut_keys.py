"""Signing by keyboard (issue 14): Ctrl+Enter from any field of the editor opens the sign
dialog with the cursor in the password; the dialog lists the alerts the editor shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tests.gui.window_support import activate, give_focus
from tpi_desk.clinical.alerts import AlertSeverity
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog


def _fields(editor: SessionEditor) -> list[QWidget]:
    return [
        widget
        for widget in editor.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.isVisibleTo(editor)
        and widget.isEnabled()
        and widget.focusProxy() is None
    ]


def test_ctrl_enter_asks_to_sign_from_every_field_of_the_editor(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    activate(qtbot, editor)
    editor.sign_action.triggered.disconnect(editor.sign)  # count the requests, sign none
    asked: list[bool] = []
    editor.sign_action.triggered.connect(lambda: asked.append(True))
    fields = _fields(editor)
    assert len(fields) > 30
    deaf = []
    tried = 0
    for field in fields:
        field.setFocus(Qt.FocusReason.TabFocusReason)
        if QApplication.focusWidget() is not field:
            continue
        tried += 1
        before = len(asked)
        qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        if len(asked) != before + 1:
            deaf.append(f"{type(field).__name__} {field.accessibleName() or field.objectName()}")
    assert tried > 30
    assert deaf == []


def test_ctrl_enter_opens_the_dialog_with_the_cursor_in_the_password(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    give_focus(qtbot, editor.form.header.pain_after)
    seen: list[bool] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, SignDialog)
        seen.append(dialog.focusWidget() is dialog.password_field.password)
        dialog.reject()

    answerer = DialogAnswerer(SignDialog, look)
    qtbot.keyClick(
        editor.form.header.pain_after, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert answerer.handled and seen == [True]


def test_the_sign_dialog_lists_every_alert_the_editor_shows(
    qtbot: QtBot, context: AppContext
) -> None:
    """Failed before: the dialog counted warnings only ("Alerts (0)" beside the editor's 1)."""
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    editor.refresh_analysis()
    assert editor.analysis is not None
    severities = {alert.severity for alert in editor.analysis.alerts}
    assert AlertSeverity.INFO in severities and AlertSeverity.WARNING in severities
    seen: list[tuple[str, list[str]]] = []

    def look(dialog: QDialog) -> None:
        dialog.reject()
        assert isinstance(dialog, SignDialog)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        headings = [text for text in labels if text.startswith("Alerts")]
        seen.append((" ".join(headings), [a.text() for a in dialog.alert_labels]))

    answerer = DialogAnswerer(SignDialog, look)
    assert not editor.sign()
    assert answerer.handled
    panel = editor.live_panel
    assert seen == [(panel.alerts_heading.text(), panel.alert_texts())]
    assert seen[0][0] == f"Alerts ({len(editor.analysis.alerts)})"
