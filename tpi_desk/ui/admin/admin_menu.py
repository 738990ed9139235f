"""The main window's Admin menu (administrators) and co-signature entry (physicians)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from tpi_desk.clinical.record import Role
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

COSIGN_TEXT = "&Waiting for my co-signature"


class AdminMenus:
    """Builds the menus for ``actor``'s role and opens the screens they name."""

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        messages: UserMessages,
        actor: Actor | None,
        open_session: Callable[[int, int], None],
    ) -> None:
        self._window = window
        self._context = context
        self._messages = messages
        self._actor = actor
        self._open_session = open_session
        self.users_action: QAction | None = None
        self.settings_action: QAction | None = None
        self.audit_action: QAction | None = None
        self.cosign_action: QAction | None = None
        if actor is not None and actor.role is Role.ADMIN:
            self._add_admin_menu(actor)
        if actor is not None and actor.role is Role.PHYSICIAN:
            self._add_cosign_menu()

    def _add_admin_menu(self, actor: Actor) -> None:
        menu = self._window.menuBar().addMenu("&Admin")
        self.users_action = menu.addAction("&Users…")
        self.settings_action = menu.addAction("&Clinic settings…")
        self.billing_action = menu.addAction("&Billing identity…")
        menu.addSeparator()
        self.audit_action = menu.addAction("&Audit report…")
        self.users_action.triggered.connect(lambda: self.show_users(actor))
        self.settings_action.triggered.connect(lambda: self.show_settings(actor))
        self.billing_action.triggered.connect(lambda: self.show_billing_identity(actor))
        self.audit_action.triggered.connect(lambda: self.show_audit_report(actor))

    def _add_cosign_menu(self) -> None:
        menu = self._window.menuBar().addMenu("&Review")
        self.cosign_action = menu.addAction(COSIGN_TEXT)
        self.cosign_action.triggered.connect(self.show_cosign_list)
        menu.aboutToShow.connect(self.update_cosign_count)

    def show_users(self, actor: Actor) -> None:
        from tpi_desk.ui.admin.users_dialog import UsersDialog

        UsersDialog(self._context, self._messages, actor, self._window).exec()

    def show_settings(self, actor: Actor) -> None:
        from tpi_desk.ui.admin.clinic_settings_dialog import ClinicSettingsDialog

        ClinicSettingsDialog(self._context, self._messages, actor, self._window).ask()

    def show_billing_identity(self, actor: Actor) -> None:
        from tpi_desk.ui.admin.billing_identity_dialog import BillingIdentityDialog

        BillingIdentityDialog(self._context, self._messages, actor, self._window).ask()

    def show_audit_report(self, actor: Actor) -> None:
        from tpi_desk.ui.admin.audit_report_dialog import AuditReportDialog

        AuditReportDialog(self._context, self._messages, actor, self._window).ask()

    def show_cosign_list(self) -> None:
        from tpi_desk.ui.cosign_list import CosignListDialog

        if self._actor is None:
            return
        dialog = CosignListDialog(self._context, self._messages, self._actor, self._window)
        dialog.list.open_requested.connect(self._open_session)
        dialog.list.open_requested.connect(dialog.accept)
        dialog.list.pending_count_changed.connect(self._show_count)
        dialog.ask()

    def update_cosign_count(self) -> None:
        """Show how many notes wait ("Waiting for my co-signature (3)")."""
        from tpi_desk.ui.cosign_list import cosign_service

        try:
            count = len(cosign_service(self._context).pending_for(self._actor))
        except UserError:
            return
        self._show_count(count)

    def _show_count(self, count: int) -> None:
        if self.cosign_action is not None:
            self.cosign_action.setText(f"{COSIGN_TEXT} ({count})" if count else COSIGN_TEXT)
