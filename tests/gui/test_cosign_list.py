"""Waiting for my co-signature: the list, co-signing with the password, opening, menus."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import PASSWORD, Clinic
from tests.gui.window_support import EditorSpy
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.cosign_list import CosignColumn, CosignDialog, CosignListWidget
from tpi_desk.ui.main_window import MainWindow


@pytest.fixture
def waiting_note(clinic: Clinic) -> SessionRecord:
    """A note Réka Varga, NP, signed while the clinic requires a physician's co-signature."""
    clinic.require_cosign()
    return clinic.sign_note(clinic.nurse_practitioner)


def cosign_list(qtbot: QtBot, clinic: Clinic, actor: Actor) -> CosignListWidget:
    widget = CosignListWidget(clinic.context, clinic.messages, actor, service=clinic.cosign)
    qtbot.addWidget(widget)
    return widget


def test_a_physician_sees_the_note_waiting_for_them(
    qtbot: QtBot, qtmodeltester: ModelTester, clinic: Clinic, waiting_note: SessionRecord
) -> None:
    clinic.sign_note(clinic.physician)  # a physician's own note waits for nobody
    widget = cosign_list(qtbot, clinic, clinic.second_physician)
    with qtbot.waitSignal(widget.pending_count_changed) as counted:
        assert widget.reload()
    assert counted.args == [1]
    qtmodeltester.check(widget.model)
    row = [widget.model.index(0, column).data() for column in CosignColumn]
    assert str(row[0]).startswith("Nov 20, 2026  ")
    assert row[1:] == [
        "Ñúñez, Zoë",
        "Réka Varga",
        "Upper trapezius, Levator scapulae",
    ]
    assert widget.cosign_button.isEnabled() and widget.open_button.isEnabled()
    assert widget.empty_hint.isHidden()


def test_open_asks_for_the_note_and_its_patient(
    qtbot: QtBot, clinic: Clinic, waiting_note: SessionRecord
) -> None:
    widget = cosign_list(qtbot, clinic, clinic.physician)
    widget.reload()
    with qtbot.waitSignal(widget.open_requested) as opened:
        widget.open_button.click()
    assert opened.args == [waiting_note.id, clinic.patient.id]


def test_co_signing_asks_the_password_again(
    qtbot: QtBot, clinic: Clinic, waiting_note: SessionRecord
) -> None:
    widget = cosign_list(qtbot, clinic, clinic.physician)
    widget.reload()
    note = widget.selected_note()
    assert note is not None
    dialog = CosignDialog(clinic.cosign, clinic.messages, clinic.physician, note)
    qtbot.addWidget(dialog)
    dialog.password_field.password.setText("not my password")
    assert dialog.save() is False
    shown = dialog.password_field.error_label
    assert shown.text() != "" and not shown.isHidden()
    assert len(clinic.cosign.pending_for(clinic.physician)) == 1
    dialog.password_field.password.setText(PASSWORD)
    assert dialog.save() is True
    assert clinic.cosign.pending_for(clinic.physician) == []
    assert widget.reload()
    assert widget.model.rowCount() == 0
    assert not widget.empty_hint.isHidden()
    assert not widget.cosign_button.isEnabled()


def test_a_nurse_practitioner_gets_the_services_refusal(
    qtbot: QtBot, clinic: Clinic, waiting_note: SessionRecord
) -> None:
    widget = cosign_list(qtbot, clinic, clinic.nurse_practitioner)
    assert widget.reload() is False
    assert widget.model.rowCount() == 0
    assert clinic.messages.shown == [
        ("error", "Co-signature", "rvarga (nurse practitioner) may not co-sign session notes.")
    ]


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def window_for(qtbot: QtBot, clinic: Clinic, actor: Actor) -> MainWindow:
    window = MainWindow(clinic.context, clinic.messages, actor=actor, editor_factory=EditorSpy())
    qtbot.addWidget(window)
    return window


def test_the_menus_follow_the_role(
    qtbot: QtBot, clinic: Clinic, waiting_note: SessionRecord
) -> None:
    admin_window = window_for(qtbot, clinic, clinic.admin)
    assert "&Admin" in menu_titles(admin_window)
    assert "&Review" not in menu_titles(admin_window)
    assert admin_window.admin_menus.users_action is not None
    physician_window = window_for(qtbot, clinic, clinic.physician)
    assert "&Admin" not in menu_titles(physician_window)
    assert "&Review" in menu_titles(physician_window)
    physician_window.admin_menus.update_cosign_count()
    action = physician_window.admin_menus.cosign_action
    assert action is not None and action.text() == "&Waiting for my co-signature (1)"
    billing_window = window_for(qtbot, clinic, clinic.billing)
    assert "&Admin" not in menu_titles(billing_window)
    assert "&Review" not in menu_titles(billing_window)
