"""Marking a signed note entered in error: a reason, the password, the services' refusals."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import PASSWORD, Clinic
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.people.login import MAX_FAILED_LOGINS
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.entered_in_error_dialog import EnteredInErrorDialog

REASON = "Documented for the wrong patient (meant Łukasz Ødegård)."


@pytest.fixture
def signed_note(clinic: Clinic) -> SessionRecord:
    return clinic.sign_note(clinic.physician)


def error_dialog(
    qtbot: QtBot, clinic: Clinic, note: SessionRecord, actor: Actor
) -> EnteredInErrorDialog:
    dialog = EnteredInErrorDialog(
        clinic.context, clinic.messages, actor, note.id, service=clinic.errors
    )
    qtbot.addWidget(dialog)
    return dialog


def status_of(clinic: Clinic, note: SessionRecord) -> NoteStatus:
    return clinic.context.sessions.load(note.id).status


def test_a_reason_is_required(qtbot: QtBot, clinic: Clinic, signed_note: SessionRecord) -> None:
    dialog = error_dialog(qtbot, clinic, signed_note, clinic.physician)
    dialog.reason.setPlainText("   \n ")
    dialog.password_field.password.setText(PASSWORD)
    assert dialog.save() is False
    assert dialog.reason_error.text() == "A reason is required."
    assert status_of(clinic, signed_note) is NoteStatus.SIGNED


def test_a_wrong_password_shows_under_the_password(
    qtbot: QtBot, clinic: Clinic, signed_note: SessionRecord
) -> None:
    dialog = error_dialog(qtbot, clinic, signed_note, clinic.physician)
    dialog.reason.setPlainText(REASON)
    dialog.password_field.password.setText("not my password")
    assert dialog.save() is False
    shown = dialog.password_field.error_label
    assert shown.text() != "" and not shown.isHidden()
    assert dialog.reason_error.isHidden()
    assert status_of(clinic, signed_note) is NoteStatus.SIGNED


def test_the_lockout_a_wrong_password_causes_shows_under_the_password_too(
    qtbot: QtBot, clinic: Clinic, signed_note: SessionRecord
) -> None:
    dialog = error_dialog(qtbot, clinic, signed_note, clinic.physician)
    dialog.reason.setPlainText(REASON)
    for _attempt in range(MAX_FAILED_LOGINS):
        dialog.password_field.password.setText("not my password")
        assert dialog.save() is False

    assert "locked until" in dialog.password_field.error_label.text()
    assert clinic.messages.shown == []  # in the dialog, not a separate message box
    assert status_of(clinic, signed_note) is NoteStatus.SIGNED


def test_the_note_is_marked_and_the_signal_says_which(
    qtbot: QtBot, clinic: Clinic, signed_note: SessionRecord
) -> None:
    dialog = error_dialog(qtbot, clinic, signed_note, clinic.physician)
    dialog.reason.setPlainText(REASON)
    dialog.password_field.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.marked_entered_in_error) as marked:
        assert dialog.save() is True
    assert marked.args == [signed_note.id]
    assert dialog.marked
    assert status_of(clinic, signed_note) is NoteStatus.ENTERED_IN_ERROR
    again = error_dialog(qtbot, clinic, signed_note, clinic.physician)
    again.reason.setPlainText(REASON)
    again.password_field.password.setText(PASSWORD)
    assert again.save() is False
    assert clinic.messages.shown[-1] == (
        "error",
        "Mark note entered in error",
        f"Session #{signed_note.id} is already marked entered in error.",
    )


def test_billing_staff_get_the_services_refusal(
    qtbot: QtBot, clinic: Clinic, signed_note: SessionRecord
) -> None:
    dialog = error_dialog(qtbot, clinic, signed_note, clinic.billing)
    dialog.reason.setPlainText(REASON)
    dialog.password_field.password.setText(PASSWORD)
    with qtbot.assertNotEmitted(dialog.marked_entered_in_error):
        assert dialog.save() is False
    assert clinic.messages.shown == [
        (
            "error",
            "Mark note entered in error",
            "kim.billing (billing) may not sign session notes.",
        )
    ]
    assert status_of(clinic, signed_note) is NoteStatus.SIGNED
