"""The Users dialog: the account list, adding with field errors, disabling, resetting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import PASSWORD, Clinic
from tests.gui.window_support import activate
from tpi_desk.clinical.record import Role
from tpi_desk.services.errors import LoginFailed
from tpi_desk.ui.admin.edit_user_dialog import EditUserDialog
from tpi_desk.ui.admin.users_dialog import (
    AddUserDialog,
    ResetPasswordDialog,
    UserColumn,
    UsersDialog,
)

NEW_PASSWORD = "quiet lantern 42"


def users_dialog(qtbot: QtBot, clinic: Clinic, *, as_billing: bool = False) -> UsersDialog:
    actor = clinic.billing if as_billing else clinic.admin
    dialog = UsersDialog(clinic.context, clinic.messages, actor, users=clinic.users)
    qtbot.addWidget(dialog)
    return dialog


def cell(dialog: UsersDialog, row: int, column: UserColumn) -> str:
    value = dialog.model.index(row, column).data()
    assert isinstance(value, str)
    return value


def add_dialog(qtbot: QtBot, clinic: Clinic) -> AddUserDialog:
    dialog = AddUserDialog(clinic.context, clinic.messages, clinic.admin, users=clinic.users)
    qtbot.addWidget(dialog)
    return dialog


def test_the_table_lists_every_account_with_its_role_and_state(
    qtbot: QtBot, qtmodeltester: ModelTester, clinic: Clinic
) -> None:
    dialog = users_dialog(qtbot, clinic)
    qtmodeltester.check(dialog.model)
    usernames = [cell(dialog, row, UserColumn.USERNAME) for row in range(dialog.model.rowCount())]
    assert usernames == ["admin.ada", "cokonkwo", "ihartley", "kim.billing", "rvarga"]
    row = usernames.index("rvarga")
    assert [cell(dialog, row, column) for column in UserColumn] == [
        "rvarga", "Réka Varga", "NP", "", "Nurse practitioner / PA", "Yes"
    ]  # fmt: skip
    assert cell(dialog, 0, UserColumn.NAME) == "Ada Ødegård"


def test_passwords_that_differ_are_caught_before_anything_is_saved(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = add_dialog(qtbot, clinic)
    dialog.fields.username.setText("zoe.nunez")
    dialog.fields.display_name.setText("Zoë Ñúñez")
    dialog.fields.role.setCurrentIndex(dialog.fields.role.findData(Role.BILLING.value))
    dialog.password.setText(NEW_PASSWORD)
    dialog.password_again.setText(NEW_PASSWORD + "!")
    assert dialog.save() is False
    assert dialog.errors.text("user.password_again") == "does not match the password"
    assert "zoe.nunez" not in [user.username for user in clinic.users.list_users(clinic.admin)]


def test_the_services_problems_show_under_their_fields_in_plain_words(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = add_dialog(qtbot, clinic)
    dialog.fields.username.setText("")
    dialog.fields.display_name.setText("Dr. Nguyễn Văn An")
    dialog.fields.role.setCurrentIndex(dialog.fields.role.findData(Role.PHYSICIAN.value))
    dialog.fields.credentials.setText("NP")  # not a physician's degree
    dialog.password.setText("short")
    dialog.password_again.setText("short")
    assert dialog.save() is False
    assert dialog.errors.text("user.username") != ""
    assert dialog.errors.text("user.credentials") == "NP is not a physician's (MD or DO)"
    assert dialog.errors.text("user.password") != ""
    assert dialog.added is None
    assert dialog.error_label.isHidden()
    dialog.fields.username.setText("ihartley")  # taken
    dialog.fields.credentials.setText("MD")
    dialog.fields.npi.setText("")
    dialog.password.setText(NEW_PASSWORD)
    dialog.password_again.setText(NEW_PASSWORD)
    assert dialog.save() is False
    assert dialog.errors.text("user.username").startswith("ihartley already exists")
    assert dialog.errors.text("user.credentials") == ""


def test_a_valid_account_is_added_and_can_sign_in(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = add_dialog(qtbot, clinic)
    dialog.fields.username.setText("lodegard")
    dialog.fields.display_name.setText("Liv Ødegård")
    dialog.fields.role.setCurrentIndex(dialog.fields.role.findData(Role.BILLING.value))
    dialog.password.setText(NEW_PASSWORD)
    dialog.password_again.setText(NEW_PASSWORD)
    assert dialog.save() is True
    assert dialog.added is not None and dialog.added.role is Role.BILLING
    assert clinic.users.authenticate("lodegard", NEW_PASSWORD).role is Role.BILLING
    listing = users_dialog(qtbot, clinic)
    assert listing.select("lodegard")
    assert cell(listing, listing.table.currentIndex().row(), UserColumn.NAME) == "Liv Ødegård"


def test_disable_then_enable_an_account(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = users_dialog(qtbot, clinic)
    assert dialog.select("rvarga")
    assert dialog.toggle_button.text() == "&Disable"
    with qtbot.waitSignal(dialog.users_changed):
        assert dialog.toggle_selected()
    row = dialog.table.currentIndex().row()
    assert cell(dialog, row, UserColumn.ACTIVE) == "No"
    assert dialog.toggle_button.text() == "&Enable"
    assert clinic.messages.kinds() == ["confirm"]
    with pytest.raises(LoginFailed):
        clinic.users.authenticate("rvarga", PASSWORD)
    assert dialog.toggle_selected()
    assert cell(dialog, dialog.table.currentIndex().row(), UserColumn.ACTIVE) == "Yes"
    assert clinic.users.authenticate("rvarga", PASSWORD).username == "rvarga"


def test_declining_the_confirmation_keeps_the_account_active(qtbot: QtBot, clinic: Clinic) -> None:
    clinic.messages.answer = False
    dialog = users_dialog(qtbot, clinic)
    dialog.select("ihartley")
    assert dialog.toggle_selected() is False
    assert cell(dialog, dialog.table.currentIndex().row(), UserColumn.ACTIVE) == "Yes"


def test_an_admin_cannot_disable_their_own_account(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = users_dialog(qtbot, clinic)
    dialog.select("admin.ada")
    assert dialog.toggle_selected() is False
    assert clinic.messages.shown[-1] == (
        "error", "Users", "You cannot disable your own account."
    )  # fmt: skip


def test_reset_password_sets_a_new_one(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = ResetPasswordDialog(
        clinic.context, clinic.messages, clinic.admin, "cokonkwo", users=clinic.users
    )
    qtbot.addWidget(dialog)
    dialog.password.setText(NEW_PASSWORD)
    dialog.password_again.setText("something else 9")
    assert dialog.save() is False
    assert dialog.errors.text("user.password_again") == "does not match the password"
    dialog.password_again.setText(NEW_PASSWORD)
    assert dialog.save() is True
    assert clinic.users.authenticate("cokonkwo", NEW_PASSWORD).username == "cokonkwo"
    with pytest.raises(LoginFailed):
        clinic.users.authenticate("cokonkwo", PASSWORD)


def test_billing_staff_see_the_services_refusal_and_no_accounts(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = users_dialog(qtbot, clinic, as_billing=True)
    assert dialog.model.rowCount() == 0
    assert clinic.messages.shown == [
        ("error", "Users", "kim.billing (billing) may not manage user accounts.")
    ]
    adding = AddUserDialog(clinic.context, clinic.messages, clinic.billing, users=clinic.users)
    qtbot.addWidget(adding)
    adding.fields.username.setText("intruder")
    adding.fields.display_name.setText("Intruder")
    adding.fields.role.setCurrentIndex(adding.fields.role.findData(Role.ADMIN.value))
    adding.password.setText(NEW_PASSWORD)
    adding.password_again.setText(NEW_PASSWORD)
    assert adding.save() is False
    assert clinic.messages.shown[-1] == (
        "error", "Add user", "kim.billing (billing) may not manage user accounts."
    )  # fmt: skip


def edit_dialog(qtbot: QtBot, clinic: Clinic, username: str) -> EditUserDialog:
    (user,) = [u for u in clinic.users.list_users(clinic.admin) if u.username == username]
    dialog = EditUserDialog(clinic.users, clinic.messages, clinic.admin, user)
    qtbot.addWidget(dialog)
    return dialog


def test_changing_a_user_shows_their_values_and_saves_the_new_ones(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = edit_dialog(qtbot, clinic, "rvarga")
    fields = dialog.fields
    assert (fields.username.text(), fields.display_name.text(), fields.credentials.text()) == (
        "rvarga",
        "Réka Varga",
        "NP",
    )
    assert fields.username.isReadOnly()
    assert fields.chosen_role() is Role.NURSE_PRACTITIONER

    fields.display_name.setText("Réka Varga-Nagy")
    fields.npi.setText("1234567893")
    assert dialog.save() is True

    assert dialog.changed is not None and dialog.changed.display_name == "Réka Varga-Nagy"
    users = users_dialog(qtbot, clinic)
    row = [cell(users, r, UserColumn.USERNAME) for r in range(users.model.rowCount())].index(
        "rvarga"
    )
    assert cell(users, row, UserColumn.NAME) == "Réka Varga-Nagy"
    assert cell(users, row, UserColumn.NPI) == "1234567893"


def test_a_change_the_service_refuses_shows_under_its_field(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = edit_dialog(qtbot, clinic, "rvarga")
    dialog.fields.role.setCurrentIndex(dialog.fields.role.findData(Role.PHYSICIAN.value))
    assert dialog.save() is False
    assert "not a physician's" in dialog.errors.text("user.credentials")
    assert dialog.changed is None


def test_an_admin_cannot_take_away_their_own_administrator_role(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = edit_dialog(qtbot, clinic, "admin.ada")
    dialog.fields.role.setCurrentIndex(dialog.fields.role.findData(Role.BILLING.value))
    assert dialog.save() is False
    assert clinic.messages.shown[-1] == (
        "error", "Change user", "You cannot remove your own administrator role."
    )  # fmt: skip


def test_the_users_list_opens_the_change_dialog_for_the_selected_account(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = users_dialog(qtbot, clinic)
    assert not dialog.edit_button.isEnabled()
    dialog.select("cokonkwo")
    assert dialog.edit_button.isEnabled()


def test_a_billing_accounts_password_typed_after_the_role_lands_in_the_password(
    qtbot: QtBot, clinic: Clinic
) -> None:
    """Issue 14 defect: for a billing user the Credentials field was enabled and Tab after
    the role sent the password into it, in plain text."""
    dialog = add_dialog(qtbot, clinic)
    dialog.show()
    activate(qtbot, dialog)
    fields = dialog.fields
    fields.username.setFocus()
    qtbot.keyClicks(fields.username, "kit.billing")
    qtbot.keyClick(fields.username, Qt.Key.Key_Tab)
    qtbot.keyClicks(fields.display_name, "Kit Billing")
    qtbot.keyClick(fields.display_name, Qt.Key.Key_Tab)
    assert fields.role.hasFocus()
    qtbot.keyClicks(fields.role, "Billing")
    assert fields.chosen_role() is Role.BILLING
    assert not fields.credentials.isEnabled() and not fields.npi.isEnabled()
    assert not fields.acupuncture_certified.isEnabled()
    qtbot.keyClick(fields.role, Qt.Key.Key_Tab)
    assert dialog.password.hasFocus()
    qtbot.keyClicks(dialog.password, NEW_PASSWORD)
    assert fields.credentials.text() == ""
    qtbot.keyClick(dialog.password, Qt.Key.Key_Tab)
    assert dialog.password_again.hasFocus()
    fields.role.setCurrentIndex(fields.role.findData(Role.PHYSICIAN.value))
    assert fields.credentials.isEnabled() and fields.npi.isEnabled()
