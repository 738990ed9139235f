"""Starts the Qt application: opens the database, signs a user in, shows the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from tpi_desk.desk import DatabaseOpenError, needs_first_admin_at_a_glance
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.background import run_in_background, start_delivering, stop_delivering
from tpi_desk.ui.crash_guard import install_crash_guard
from tpi_desk.ui.desk_loader import LOAD_FAILURES, DeskLoader, PendingUsers
from tpi_desk.ui.first_admin_dialog import FirstAdminDialog
from tpi_desk.ui.first_start_wizard import FirstStartSetup, FirstStartWizard
from tpi_desk.ui.login_dialog import Authenticator, LoginDialog
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.smoke_test import SmokeSignIn, SmokeTestDriver
from tpi_desk.ui.theme import apply_theme

if TYPE_CHECKING:
    from tpi_desk.services.people.users import UserService
    from tpi_desk.services.storage.upkeep import StorageUpkeep
    from tpi_desk.ui.app_context import AppContext
    from tpi_desk.ui.main_window import MainWindow

# For bench/startup_bench.py: print a line once the first window is shown (the sign-in
# dialog, or the first-admin dialog on a new database), then quit.
BENCH_EXIT_AFTER_SHOW_ENV = "TPI_DESK_BENCH_EXIT_AFTER_SHOW"
BENCH_SHOWN_LINE = "tpi-desk: main window shown"
# The integrity check starts once the window is up and painted, not competing with start-up.
INTEGRITY_CHECK_DELAY_MS = 500
OPEN_FAILED_TITLE = "TPI Desk cannot open the database"

Answer = TypeVar("Answer")


def run_app(url: str, *, demo: bool = False, smoke_test: SmokeSignIn | None = None) -> int:
    """Run the GUI on ``url`` until the user quits; returns the exit status.

    With ``demo`` an empty database first gets synthetic patients and sessions; a database
    that already holds patients is left as it is. Demo clinicians have no password until an
    administrator sets one.

    A new database first asks for the administrator account; then everyone signs in. Signing
    out shows the sign-in dialog again; cancelling it quits.

    On a SQLite file that a quick read-only look finds current, that first dialog is shown
    before the database is opened: the database, the services and the main window's code
    load behind it (``DeskLoader``), and a database that turns out unusable is named in a
    message that replaces the dialog. Anything else (a server database, an older or unknown
    file) is opened first, as before.

    SQLite's integrity check reads the whole file (about 2.5 s for a million sessions), so
    it runs in the background once the window is up; a damaged file is then named in a
    message and the app quits, as it would have at start. Nothing else at start reads more
    than one page of any table.

    With ``smoke_test`` the app signs in as given, shows the main window, closes it and
    returns 0, or 1 naming what failed (``tpi-desk gui --smoke-test``, the installer's check).
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("TPI Desk")
    apply_theme(app)
    crash_guard = install_crash_guard(app)
    start_delivering()
    loader = DeskLoader(url, demo=demo)
    driver = SmokeTestDriver(app, smoke_test) if smoke_test is not None else None
    try:
        status = _run_signed_in(app, url, loader)
        return driver.exit_status(status) if driver is not None else status
    except LOAD_FAILURES as error:
        QMessageBox.critical(None, OPEN_FAILED_TITLE, error.message)
        return 1
    finally:
        loader.close()
        stop_delivering()
        crash_guard.uninstall()


def _run_signed_in(app: QApplication, url: str, loader: DeskLoader) -> int:
    messages = UserMessages()
    needs_first_admin = needs_first_admin_at_a_glance(url)
    if needs_first_admin is None:
        needs_first_admin = loader.wait().users.needs_first_admin()
    if os.environ.get(BENCH_EXIT_AFTER_SHOW_ENV):
        # Fires once the first window (the sign-in or first-admin dialog) is up.
        QTimer.singleShot(0, lambda: _report_shown_and_quit(app))
    pending = PendingUsers(loader)
    # The first start's wizard signs the new administrator in: no second password prompt.
    actor = _run_first_start(pending, loader) if needs_first_admin else None
    if needs_first_admin and actor is None:
        return 0
    if actor is None:
        actor = _ask_sign_in(pending, loader)
    if actor is None:
        return 0
    loaded = loader.wait()
    app.setQuitOnLastWindowClosed(False)
    desk = SignedInDesk(loaded.context, messages, loaded.users, quit_app=app.exit)
    window = desk.show_window(actor)
    _start_background_checks(window, messages, loaded.context.upkeep, quit_app=app.exit)
    return app.exec()


def _run_first_start(setup: FirstStartSetup, loader: DeskLoader) -> Actor | None:
    """The wizard; its administrator, signed in, even when later pages were skipped."""
    wizard = FirstStartWizard(setup)
    _run_while_loading(wizard, loader, lambda: None)
    return wizard.actor


def _ask_sign_in(authenticator: Authenticator, loader: DeskLoader) -> Actor | None:
    dialog = LoginDialog(authenticator)
    return _run_while_loading(dialog, loader, lambda: dialog.actor)


def _run_while_loading(
    dialog: FirstAdminDialog | LoginDialog, loader: DeskLoader, answer: Callable[[], Answer]
) -> Answer | None:
    """Show ``dialog`` and, once it is up, load the desk behind it; a failed load closes
    the dialog and is raised here (the caller names it in a message)."""
    QTimer.singleShot(0, loader.start)
    loader.when_failed(dialog, lambda _failure: dialog.reject())
    accepted = dialog.exec() == QDialog.DialogCode.Accepted.value
    dialog.deleteLater()
    failure = loader.failure()
    if failure is not None:
        raise failure
    return answer() if accepted else None


def _start_background_checks(
    window: MainWindow,
    messages: UserMessages,
    upkeep: StorageUpkeep,
    *,
    quit_app: Callable[[int], None],
) -> None:
    QTimer.singleShot(0, lambda: rotate_backup_in_background(window, upkeep))
    if upkeep.checks_integrity:
        QTimer.singleShot(
            INTEGRITY_CHECK_DELAY_MS,
            lambda: check_integrity_in_background(window, messages, upkeep, quit_app=quit_app),
        )


class SignedInDesk:
    """One main window per sign-in: signing out closes it and asks who signs in next."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        users: UserService,
        *,
        quit_app: Callable[[int], None],
        idle_lock_ms: int | None = None,
    ) -> None:
        self._context = context
        self._messages = messages
        self._users = users
        self._quit_app = quit_app
        self._idle_lock_ms = idle_lock_ms
        self.window: MainWindow | None = None

    def sign_in(self, username: str = "") -> MainWindow | None:
        """Ask who signs in and show their window; None (and quit) when they cancel."""
        actor = LoginDialog.ask(self._users, username=username)
        if actor is None:
            return None
        return self.show_window(actor)

    def show_window(self, actor: Actor) -> MainWindow:
        from tpi_desk.ui.main_window import MainWindow

        window = MainWindow(
            self._context,
            self._messages,
            actor=actor,
            users=self._users,
            idle_lock_ms=self._idle_lock_ms,
        )
        window.signed_out.connect(lambda: QTimer.singleShot(0, lambda: self._signed_out(window)))
        window.closed.connect(lambda: self._quit_app(0))
        window.show()
        self.window = window
        return window

    def _signed_out(self, window: MainWindow) -> None:
        window.deleteLater()
        self.window = None
        if self.sign_in() is None:
            self._quit_app(0)


def rotate_backup_in_background(window: QWidget, upkeep: StorageUpkeep) -> None:
    """Copy the database to the start-up backups off the UI thread; warn (without blocking)
    when that fails."""

    def rotate() -> object:
        return upkeep.rotate_startup_backup()

    def rotated(outcome: object) -> None:
        if isinstance(outcome, UserError):
            show_backup_warning(window, outcome.message)

    run_in_background(window, rotate, rotated)


def show_backup_warning(window: QWidget, message: str) -> QMessageBox:
    """A warning the user may leave open while working (not modal)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "The start-up backup was not made",
        f"{message}\n\nTPI Desk works as usual; make a backup soon (tpi-desk backup).",
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def check_integrity_in_background(
    window: MainWindow,
    messages: UserMessages,
    upkeep: StorageUpkeep,
    *,
    quit_app: Callable[[int], None],
) -> None:
    """Run SQLite's integrity check off the UI thread; if the file is damaged, say so and
    call ``quit_app(1)``."""

    def check() -> None:
        upkeep.check_integrity()

    def checked(outcome: object) -> None:
        if isinstance(outcome, DatabaseOpenError):
            messages.error(window, "TPI Desk cannot use the database", outcome.message)
            quit_app(1)

    run_in_background(window, check, checked)


def _report_shown_and_quit(app: QApplication) -> None:
    print(BENCH_SHOWN_LINE, flush=True)
    app.exit(0)  # also leaves the dialog's own event loop
