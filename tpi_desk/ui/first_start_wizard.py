"""First start in one flow: the administrator, the clinic's identity, then the first clinician
and billing accounts; the administrator is then signed in without typing the password again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.record import Role
from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.first_admin_dialog import FirstAdminCreator, FirstAdminDialog
from tpi_desk.ui.first_start_pages import ClinicIdentityPage, FirstAccountsPage, NewAccountFields

PAGE_TITLES = (
    "Create the administrator account",
    "The clinic",
    "First accounts",
)
STEP_WORDS = "Step {step} of {count}: "


class FirstStartSetup(FirstAdminCreator, Protocol):
    """What the wizard asks beyond creating the administrator (``PendingUsers`` answers)."""

    def authenticate(self, username: str, password: str) -> Actor: ...

    def documentation_choices(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """The states and the places of service, code -> name."""
        ...

    def set_clinic_setting(self, key: str, value: Any, *, actor: Actor) -> None: ...

    def add_user(
        self,
        username: str,
        display_name: str,
        password: str,
        *,
        role: Role,
        credentials: str,
        npi: str,
        actor: Actor,
    ) -> UserRecord: ...


class FirstStartWizard(FirstAdminDialog):
    """Enter moves on (Next, then Finish); ``actor`` is the administrator, signed in, once
    the first page created the account, even when a later page is skipped with Cancel."""

    def __init__(self, setup: FirstStartSetup, parent: QWidget | None = None) -> None:
        super().__init__(setup, parent)
        self._setup = setup
        self.actor: Actor | None = None
        self.clinic_page: ClinicIdentityPage | None = None
        self.accounts_page = FirstAccountsPage()
        self.title.setWordWrap(True)
        self.added: list[UserRecord] = []
        self._show_step(0)

    def submit(self) -> bool:
        """Page by page: True (the dialog closes) only once the last page is saved."""
        page = self.pages.currentIndex()
        if page == 0:
            if not super().submit():
                return False
            return self._signed_in_admin()
        self.clear_error()
        if page == 1:
            return self._save_clinic()
        return self._add_accounts()

    def _signed_in_admin(self) -> bool:
        try:
            self.actor = self._setup.authenticate(self.username.text(), self.password.text())
            states, places = self._setup.documentation_choices()
        except UserError as error:
            return self.refuse(error.message)
        self.clinic_page = ClinicIdentityPage(states, places)
        self.pages.addWidget(self.clinic_page)
        self.pages.addWidget(self.accounts_page)
        self._show_step(1)
        return False

    def _save_clinic(self) -> bool:
        assert self.clinic_page is not None and self.actor is not None
        try:
            for key, value in self.clinic_page.values().items():
                self._setup.set_clinic_setting(key, value, actor=self.actor)
        except ValidationFailed as error:
            return self.refuse("\n".join(f"{p.label}: {p.message}" for p in error.problems))
        except UserError as error:
            return self.refuse(error.message)
        self._show_step(2)
        return False

    def _add_accounts(self) -> bool:
        page = self.accounts_page
        for fields, role in ((page.clinician, Role.PHYSICIAN), (page.billing, Role.BILLING)):
            if fields.wanted() and not self._add(fields, fields.chosen_role(role)):
                return False
        return True

    def _add(self, fields: NewAccountFields, role: Role) -> bool:
        """Add one account; an account already added (a refusal on the other) is kept."""
        username = fields.username.text().strip()
        if any(user.username == username for user in self.added):
            return True
        assert self.actor is not None
        try:
            self.added.append(
                self._setup.add_user(
                    username,
                    fields.display_name.text(),
                    fields.password.text(),
                    role=role,
                    credentials=fields.credentials.text() if fields.credentials else "",
                    npi=fields.npi.text().strip() if fields.npi else "",
                    actor=self.actor,
                )
            )
        except ValidationFailed as error:
            problems = "\n".join(f"{p.label}: {p.message}" for p in error.problems)
            return self.refuse(f"{username}: {problems}")
        except UserError as error:
            return self.refuse(f"{username}: {error.message}")
        return True

    def _show_step(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        step = STEP_WORDS.format(step=index + 1, count=len(PAGE_TITLES))
        self.title.setText(step + PAGE_TITLES[index])
        self.setWindowTitle(f"Set up TPI Desk — {PAGE_TITLES[index]}")
        last = index == len(PAGE_TITLES) - 1
        self.create_button.setText(
            "Create account" if index == 0 else ("Finish" if last else "Next")
        )
        self.create_button.setDefault(True)  # Enter moves on (a page change can clear it)
        cancel = self.buttons.button(self.buttons.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText("Cancel" if index == 0 else "Skip the rest")
        page = self.pages.currentWidget()
        first = getattr(page, "first_field", None)
        (first() if callable(first) else self.username).setFocus(Qt.FocusReason.OtherFocusReason)
        if index:
            self.adjustSize()

    @classmethod
    def start(cls, setup: FirstStartSetup, parent: QWidget | None = None) -> Actor | None:
        """Run the wizard: the signed-in administrator, or None when no account was made."""
        wizard = cls(setup, parent)
        try:
            wizard.exec()
            return wizard.actor
        finally:
            wizard.deleteLater()
