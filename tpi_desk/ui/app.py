"""Starts the Qt application: opens the database, signs a user in, shows the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.models.database import open_database
from tpi_desk.models.engine import is_sqlite
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.paths import data_dir, resource_path
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.users import UserService
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.background import run_in_background, stop_delivering
from tpi_desk.ui.first_admin_dialog import FirstAdminDialog
from tpi_desk.ui.first_run import DEMO_PATIENTS, DEMO_SESSIONS
from tpi_desk.ui.login_dialog import LoginDialog
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.theme import apply_theme

# For bench/startup_bench.py: print a line once the first window is shown (the sign-in
# dialog, or the first-admin dialog on a new database), then quit.
BENCH_EXIT_AFTER_SHOW_ENV = "TPI_DESK_BENCH_EXIT_AFTER_SHOW"
BENCH_SHOWN_LINE = "tpi-desk: main window shown"
# The integrity check starts once the window is up and painted, not competing with start-up.
INTEGRITY_CHECK_DELAY_MS = 500


def run_app(url: str, *, demo: bool = False) -> int:
    """Run the GUI on ``url`` until the user quits; returns the exit status.

    With ``demo`` an empty database first gets synthetic patients and sessions; a database
    that already holds patients is left as it is. Demo clinicians have no password until an
    administrator sets one.

    A new database first asks for the administrator account; then everyone signs in. Signing
    out shows the sign-in dialog again; cancelling it quits.

    SQLite's integrity check reads the whole file (about 2.5 s for a million sessions), so
    it runs in the background once the window is up; a damaged file is then named in a
    message and the app quits, as it would have at start. Nothing else at start reads more
    than one page of any table.
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("TPI Desk")
    apply_theme(app)
    try:
        database = open_database(url, check_integrity=False)
    except DatabaseOpenError as error:
        QMessageBox.critical(None, "TPI Desk cannot open the database", error.message)
        return 1
    try:
        context = AppContext.create(database, load_catalog(resource_path("catalog")), data_dir())
        if demo:
            _add_demo_data_if_empty(context)
        messages = UserMessages()
        users = UserService(database.session_factory)
        if os.environ.get(BENCH_EXIT_AFTER_SHOW_ENV):
            # Fires once the first window (the sign-in or first-admin dialog) is up.
            QTimer.singleShot(0, lambda: _report_shown_and_quit(app))
        if users.needs_first_admin() and FirstAdminDialog.ask(users) is None:
            return 0
        app.setQuitOnLastWindowClosed(False)
        desk = SignedInDesk(context, messages, users, quit_app=app.exit)
        window = desk.sign_in()
        if window is None:
            return 0
        QTimer.singleShot(0, lambda: rotate_backup_in_background(window, url))
        if is_sqlite(database.url):
            QTimer.singleShot(
                INTEGRITY_CHECK_DELAY_MS,
                lambda: check_integrity_in_background(window, messages, url, quit_app=app.exit),
            )
        return app.exec()
    finally:
        stop_delivering()
        database.dispose()


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


def rotate_backup_in_background(window: QWidget, url: str) -> None:
    """Copy the database to the start-up backups off the UI thread; warn (without blocking)
    when that fails."""

    def rotate() -> object:
        from tpi_desk.services.backups import default_backup_folder, rotate_startup_backup

        return rotate_startup_backup(url, default_backup_folder())

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
    window: MainWindow, messages: UserMessages, url: str, *, quit_app: Callable[[int], None]
) -> None:
    """Run SQLite's integrity check off the UI thread; if the file is damaged, say so and
    call ``quit_app(1)``."""

    def check() -> None:
        open_database(url, upgrade=False, check_integrity=True).dispose()

    def checked(outcome: object) -> None:
        if isinstance(outcome, DatabaseOpenError):
            messages.error(window, "TPI Desk cannot use the database", outcome.message)
            quit_app(1)

    run_in_background(window, check, checked)


def _add_demo_data_if_empty(context: AppContext) -> None:
    if context.patients.search("", limit=1):
        print("tpi-desk: --demo ignored: the database already holds patients.", file=sys.stderr)
        return
    from tpi_desk.services.demo_data import generate_demo_data

    generate_demo_data(
        context.database.engine, context.catalog, patients=DEMO_PATIENTS, sessions=DEMO_SESSIONS
    )


def _report_shown_and_quit(app: QApplication) -> None:
    print(BENCH_SHOWN_LINE, flush=True)
    app.exit(0)  # also leaves the dialog's own event loop
