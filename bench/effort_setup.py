"""The effort benchmark's setup, driven like the tasks: a new database's first start creates
the administrator, who signs in and adds a physician and a billing account (Admin > Users).

Counted as ``setup_actions`` (issue 14's target: <= 30).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from effort_driver import Driver, Step, need, top_dialog
from effort_tasks import Account, focus_field, sign_in, tab_to, window
from PySide6.QtWidgets import QMenu

from tpi_desk.ui.admin.users_dialog import AddUserDialog, UsersDialog
from tpi_desk.ui.first_admin_dialog import FirstAdminDialog

PASSWORD = "a long passphrase 1"


@dataclass(frozen=True)
class NewAccount:
    account: Account
    name: str
    role: str  # as the role list shows it
    credentials: str = ""
    npi: str = ""


ADMIN = NewAccount(Account("admin", PASSWORD), "Clinic Administrator", "Administrator")
PHYSICIAN = NewAccount(
    Account("dr.lind", PASSWORD), "Dr. Maren Lind", "Physician", "MD", "1234567893"
)
BILLING = NewAccount(Account("billing", PASSWORD), "Billing Office", "Billing")


def first_start(d: Driver) -> Iterator[Step]:
    """The first administrator, signing in, then the physician and the billing account."""
    yield d.until(lambda: top_dialog(FirstAdminDialog) is not None, "the first-start dialog")
    dialog = need(top_dialog(FirstAdminDialog), "the first-start dialog")
    yield from focus_field(d, dialog.username)
    yield d.type_value(ADMIN.account.username)
    for field, value in (
        (dialog.display_name, ADMIN.name),
        (dialog.password, ADMIN.account.password),
        (dialog.password_again, ADMIN.account.password),
    ):
        yield from tab_to(d, field)
        yield d.type_value(value)
    yield d.key("Enter")
    yield d.until(lambda: top_dialog(FirstAdminDialog) is None, "the administrator created")
    yield from sign_in(d, ADMIN.account)
    yield from _open_users(d)
    for new in (PHYSICIAN, BILLING):
        yield from _add_user(d, new)
    yield d.key("Escape")  # closes the users dialog
    yield d.until(lambda: top_dialog(UsersDialog) is None, "the users dialog closed")


def _open_users(d: Driver) -> Iterator[Step]:
    """Admin (in the menu bar), then Users…: the menu has no shortcut."""
    bar = window().menuBar()
    menus = [a.menu() for a in bar.actions() if a.text().replace("&", "") == "Admin"]
    admin = need(next((m for m in menus if isinstance(m, QMenu)), None), "the Admin menu")
    users = need(window().admin_menus.users_action, "Admin > Users…")
    yield d.click(
        lambda: bar, at=lambda _: bar.actionGeometry(admin.menuAction()).center(), label="Admin"
    )
    yield d.until(admin.isVisible, "the Admin menu")
    yield d.click(lambda: admin, at=lambda _: admin.actionGeometry(users).center(), label="Users…")
    yield d.until(lambda: top_dialog(UsersDialog) is not None, "the users dialog")


def _add_user(d: Driver, new: NewAccount) -> Iterator[Step]:
    users = need(top_dialog(UsersDialog), "the users dialog")
    yield d.click(lambda: users.add_button, label="Add user…")
    yield d.until(lambda: top_dialog(AddUserDialog) is not None, "the add-user dialog")
    dialog = need(top_dialog(AddUserDialog), "the add-user dialog")
    fields = dialog.fields
    yield from focus_field(d, fields.username)
    yield d.type_value(new.account.username)
    yield from tab_to(d, fields.display_name)
    yield d.type_value(new.name)
    yield from tab_to(d, fields.role)
    yield d.type_value(new.role)  # the list finds the role by its first letters
    for field, value in (
        (fields.credentials, new.credentials),
        (fields.npi, new.npi),
        (dialog.password, new.account.password),
        (dialog.password_again, new.account.password),
    ):
        if value:
            yield from tab_to(d, field)
            yield d.type_value(value)
    yield d.key("Enter")
    yield d.until(lambda: top_dialog(AddUserDialog) is None, f"{new.account.username} added")
