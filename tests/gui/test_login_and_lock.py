"""Signing in, the first administrator, lockout, idle lock and unlock, and role-based actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import DialogAnswerer, record_two_site_session
from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    show_window,
    users_of,
    when_modal_opens,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.people.login import MAX_FAILED_LOGINS, SIGN_IN_REFUSED
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app import SignedInDesk, show_backup_warning
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import build_session_editor
from tpi_desk.ui.first_admin_dialog import FirstAdminDialog
from tpi_desk.ui.idle_lock import LockPage
from tpi_desk.ui.login_dialog import LoginDialog
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.patient_dialog import PatientDialog
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog

IDLE_MS = 150
NOT_CORRECT = SIGN_IN_REFUSED


def visible_text(root: QWidget) -> str:
    """Every piece of text a person could read in ``root`` right now."""
    parts = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
    return "\n".join(parts)


def audit_actions(context: AppContext, action: AuditAction) -> list[str]:
    page = context.audit_log.report(None, action=action)
    return [entry.username for entry in page.rows]


def test_the_first_admin_dialog_creates_the_admin_who_then_signs_in(
    qtbot: QtBot, context: AppContext
) -> None:
    users = users_of(context)
    assert users.needs_first_admin()
    dialog = FirstAdminDialog(users)
    qtbot.addWidget(dialog)
    dialog.username.setText("kodegard")
    dialog.display_name.setText("Kari Ødegård")
    dialog.password.setText("mountain river 42")
    dialog.password_again.setText("mountain river 24")
    dialog.accept()
    assert dialog.created is None
    assert dialog.errors["again"].text() == "The two passwords are not the same."
    assert users.needs_first_admin()

    dialog.password.setText("short")
    dialog.password_again.setText("short")
    dialog.accept()
    assert dialog.created is None
    assert dialog.errors["password"].text().startswith("The password must")
    assert not dialog.errors["again"].isVisibleTo(dialog)

    dialog.password.setText("mountain river 42")
    dialog.password_again.setText("mountain river 42")
    dialog.accept()
    assert dialog.created is not None
    assert dialog.created.role is Role.ADMIN
    assert not users.needs_first_admin()

    login = LoginDialog(users)
    qtbot.addWidget(login)
    login.username.setText("kodegard")
    login.password.setText("mountain river 42")
    qtbot.keyClick(login.password, "\r")  # Enter submits
    assert login.actor is not None
    assert (login.actor.username, login.actor.role) == ("kodegard", Role.ADMIN)
    assert login.result() == LoginDialog.DialogCode.Accepted.value


def test_a_failed_sign_in_never_says_which_field_was_wrong(
    qtbot: QtBot, context: AppContext
) -> None:
    add_physician(context)
    login = LoginDialog(users_of(context))
    qtbot.addWidget(login)
    shown = []
    for username, password in (("ihartley", "not the password"), ("nobody-here", PASSWORD)):
        login.username.setText(username)
        login.password.setText(password)
        login.accept()
        shown.append(login.error_label.text())
        assert login.actor is None
        assert login.password.text() == ""
    assert shown == [NOT_CORRECT, NOT_CORRECT]
    assert audit_actions(context, AuditAction.LOGIN_FAILED) == ["nobody-here", "ihartley"]


def test_five_failures_lock_the_account_with_the_same_answer(
    qtbot: QtBot, context: AppContext
) -> None:
    # Issue 13: a locked account answers like a wrong password (no username probing).
    add_physician(context)
    login = LoginDialog(users_of(context), username="ihartley")
    qtbot.addWidget(login)
    for _ in range(MAX_FAILED_LOGINS):
        login.password.setText("guessing again")
        login.accept()
    message = login.error_label.text()
    assert message == NOT_CORRECT
    assert "the clinic admin can lift the lock" in message
    assert audit_actions(context, AuditAction.ACCOUNT_LOCKED) == ["ihartley"]

    login.password.setText(PASSWORD)  # even the right password is refused while locked
    login.accept()
    assert login.actor is None
    assert login.error_label.text() == NOT_CORRECT


def open_editor_window(
    qtbot: QtBot, context: AppContext, *, idle_lock_ms: int = IDLE_MS
) -> MainWindow:
    window = show_window(
        qtbot, context, RecordingMessages(), build_session_editor, idle_lock_ms=idle_lock_ms
    )
    patient = add_patient(context)
    window.search_pane.refresh()
    assert window.open_patient(patient.id)
    window.new_session()
    return window


def test_idle_lock_hides_patient_data_and_the_right_password_restores_the_editor(
    qtbot: QtBot, context: AppContext
) -> None:
    # Long enough for the editor to open before the lock, even on a busy machine (at 150 ms
    # the lock could come first, and a locked window opens no editor).
    window = open_editor_window(qtbot, context, idle_lock_ms=3000)
    editor = window.findChild(SessionEditor)
    assert isinstance(editor, SessionEditor)
    assert "Ñúñez" in visible_text(window)
    editor.form.outcome.notes.setPlainText("Tolerated well; Zoë asked about heat packs.")

    qtbot.waitUntil(window.is_locked, timeout=10_000)
    assert isinstance(window.centralWidget(), LockPage)
    text = visible_text(window)
    for private in ("Ñúñez", "Zoë", "SYN-1001", "heat packs"):
        assert private not in text
    assert window.windowTitle() == "TPI Desk — locked"
    assert "Dr. Imogen Hartley" in text
    assert not window.new_patient_action.isEnabled()

    lock_page = window.lock_page
    assert lock_page is not None
    lock_page.password.setText("wrong password")
    lock_page.unlock_button.click()
    assert window.is_locked()
    assert (
        lock_page.error_label.text() == "The password is not correct; could not unlock the screen."
    )

    lock_page.password.setText(PASSWORD)
    qtbot.keyClick(lock_page.password, "\r")
    assert not window.is_locked()
    assert window.windowTitle() == "TPI Desk"
    assert window.pages.currentWidget() is editor
    assert editor.isVisible()
    assert editor.form.outcome.notes.toPlainText() == "Tolerated well; Zoë asked about heat packs."
    assert audit_actions(context, AuditAction.LOCK) == ["ihartley"]
    assert audit_actions(context, AuditAction.UNLOCK) == ["ihartley"]


def test_ctrl_l_locks_at_once_and_input_keeps_the_window_unlocked(
    qtbot: QtBot, context: AppContext
) -> None:
    # The 400 ms countdown starts once the window is up (showing it on a busy machine can
    # take longer than that, and the window then locked before the first key press).
    window = show_window(qtbot, context, RecordingMessages(), idle_lock_ms=60_000)
    window.idle_watcher.timer.setInterval(400)
    window.idle_watcher.start()
    for _ in range(4):  # activity restarts the countdown
        qtbot.wait(150)
        qtbot.keyClick(window.search_pane.search_box, "a")
    assert not window.is_locked()
    qtbot.keyClick(window.search_pane.search_box, "l", Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()


def test_signing_asks_for_the_password_and_keeps_the_dialog_open_when_wrong(
    qtbot: QtBot, context: AppContext
) -> None:
    window = open_editor_window(qtbot, context, idle_lock_ms=60_000)
    editor = window.findChild(SessionEditor)
    assert isinstance(editor, SessionEditor)
    record_two_site_session(editor)
    refusals: list[str] = []

    def type_wrong_then_right(dialog: object) -> None:
        assert isinstance(dialog, SignDialog)
        dialog.password_field.password.setText("not my password")
        dialog.sign_button.click()
        assert dialog.isVisible()
        refusals.append(dialog.password_field.error_label.text())
        dialog.password_field.password.setText(PASSWORD)
        dialog.sign_button.click()

    answerer = DialogAnswerer(SignDialog, type_wrong_then_right)
    assert editor.sign()
    assert answerer.handled
    assert refusals == ["The password is not correct; could not sign the note."]
    assert editor.session_id is not None
    record = context.sessions.load(editor.session_id, actor=window.actor)
    assert record.status is NoteStatus.SIGNED
    assert record.signed_by == "Dr. Imogen Hartley"


def billing_clerk(context: AppContext) -> Actor:
    record = users_of(context).add_user(
        "bclerk", "Bea Ødegård", PASSWORD, role=Role.BILLING, actor=None
    )
    return Actor(record.id, record.username, record.role)


def test_billing_staff_are_not_offered_new_sessions_or_patients(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = add_patient(context)
    window = show_window(qtbot, context, RecordingMessages(), actor=billing_clerk(context))
    assert window.open_patient(patient.id)
    assert not window.new_session_action.isVisible()
    assert not window.new_session_action.isEnabled()
    assert not window.new_patient_action.isVisible()
    assert not window.patient_page.banner.new_session_button.isVisible()
    assert not window.search_pane.new_button.isVisible()
    assert window.patient_page.isVisible()  # reading is still allowed


def test_a_physician_is_offered_new_sessions(qtbot: QtBot, context: AppContext) -> None:
    patient = add_patient(context)
    window = show_window(qtbot, context, RecordingMessages())
    assert window.open_patient(patient.id)
    assert window.new_session_action.isEnabled()
    assert window.patient_page.banner.new_session_button.isVisible()


def test_the_editor_defaults_the_provider_to_the_signed_in_clinician(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = add_patient(context)
    hartley = add_physician(context)
    other = context.providers.clinicians()
    from tests.gui.test_session_editor_support import add_physician as add_editor_physician

    nguyen = add_editor_physician(context, "lnguyen")
    assert [p.id for p in context.providers.clinicians()] != [p.id for p in other]
    editor = SessionEditor(context, RecordingMessages(), actor=acting_as(nguyen))
    qtbot.addWidget(editor)
    editor.new_session(patient.id)
    assert editor.form.header.provider_id() == nguyen.id
    assert editor.form.header.provider_id() != hartley.id


def test_sign_out_records_the_logout_and_hides_the_window(
    qtbot: QtBot, context: AppContext
) -> None:
    window = show_window(qtbot, context, RecordingMessages())
    with qtbot.waitSignal(window.signed_out):
        window.user_menu.sign_out_action.trigger()
    assert not window.isVisible()
    assert audit_actions(context, AuditAction.LOGOUT) == ["ihartley"]


def test_locking_closes_a_dialog_left_open(qtbot: QtBot, context: AppContext) -> None:
    # The short idle time starts just before the dialog opens: started with the window, it
    # could run out while a busy machine still showed the window, locking it before the
    # dialog opened, and then nothing would ever close the dialog (the test hung).
    window = show_window(qtbot, context, RecordingMessages(), idle_lock_ms=60_000)
    window.idle_watcher.timer.setInterval(IDLE_MS)
    window.idle_watcher.start()
    opened: list[str] = []
    failures = when_modal_opens(PatientDialog, lambda dialog: opened.append(dialog.windowTitle()))
    window.new_patient()  # returns once the idle lock closed the dialog
    assert failures == []
    assert opened
    assert window.is_locked()
    assert not any(
        isinstance(widget, PatientDialog) and widget.isVisible()
        for widget in QApplication.topLevelWidgets()
    )


def test_the_desk_signs_in_then_signs_in_again_after_sign_out(
    qtbot: QtBot, context: AppContext
) -> None:
    add_physician(context)
    exits: list[int] = []
    desk = SignedInDesk(
        context, RecordingMessages(), users_of(context), quit_app=exits.append, idle_lock_ms=60_000
    )

    def sign_in(dialog: LoginDialog) -> None:
        dialog.username.setText("ihartley")
        dialog.password.setText(PASSWORD)
        dialog.sign_in_button.click()

    failures = when_modal_opens(LoginDialog, sign_in)
    window = desk.sign_in()
    assert failures == []
    assert window is not None  # the desk deletes it after the sign-out
    assert window.actor is not None and window.actor.username == "ihartley"
    assert window.isVisible()

    cancelled = when_modal_opens(LoginDialog, lambda dialog: dialog.reject())
    window.sign_out()
    qtbot.waitUntil(lambda: exits == [0], timeout=5000)
    assert cancelled == []
    assert desk.window is None


def test_a_failed_start_up_backup_is_a_warning_that_does_not_block(
    qtbot: QtBot, context: AppContext
) -> None:
    window = show_window(qtbot, context, RecordingMessages())
    box = show_backup_warning(window, "The disk is full.")
    assert box.isVisible()
    assert not box.isModal()
    assert "The disk is full." in box.text()
    assert window.isEnabled()
    box.close()
