"""``tpi-desk gui --smoke-test``: the real app, driven from start to a shown main window.

The installer's check (``.ci/build_app``) needs proof that a frozen build can do what a
clinician does first: open the database, sign in, show the main window with its session
list, and close it. The driver types the operator's name and password (``--user`` and
``--password-file``, checked by the same service as any sign-in) into the sign-in dialog
once it is shown, prints ``SHOWN_LINE`` once the main window has painted, leaves it up for
``SHOWN_MS`` (the start-up backup and integrity check run meanwhile) and closes it as a user
would. Anything else (a refused password, a window that never comes) is a failure, named.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from tpi_desk.ui.login_dialog import LoginDialog

SHOWN_LINE = "tpi-desk: smoke test: main window shown"
CLOSED_LINE = "tpi-desk: smoke test: main window closed"
SHOWN_MS = 2_000
DEADLINE_MS = 120_000


@dataclass(frozen=True, slots=True)
class SmokeSignIn:
    """Who the smoke test signs in as."""

    username: str
    password: str


class SmokeTestDriver(QObject):
    """Signs in on the first sign-in dialog, then closes the main window once it is shown."""

    def __init__(self, app: QApplication, sign_in: SmokeSignIn) -> None:
        super().__init__()
        self._app = app
        self._sign_in = sign_in
        self._entered = False
        self._shown = False
        self.failure: str | None = None
        app.installEventFilter(self)
        QTimer.singleShot(DEADLINE_MS, self._too_late)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, LoginDialog):
            if not self._entered:
                self._entered = True
                QTimer.singleShot(0, lambda: self._enter(watched))
        elif (
            event.type() == QEvent.Type.Paint
            and not self._shown
            and type(watched).__name__ == "MainWindow"
            and isinstance(watched, QWidget)
        ):
            self._shown = True
            print(SHOWN_LINE, flush=True)
            QTimer.singleShot(SHOWN_MS, watched.close)
        return False

    def exit_status(self, app_status: int) -> int:
        """The app's own status once the main window was shown and closed; else 1, said."""
        if self.failure is None and not self._shown:
            self.failure = "the main window was never shown"
        if self.failure is not None:
            print(f"tpi-desk: smoke test failed: {self.failure}", file=sys.stderr, flush=True)
            return 1
        if app_status == 0:
            print(CLOSED_LINE, flush=True)
        return app_status

    def _enter(self, dialog: LoginDialog) -> None:
        dialog.username.setText(self._sign_in.username)
        dialog.password.setText(self._sign_in.password)
        dialog.accept()
        if dialog.actor is None:
            reason = dialog.error_label.text()
            self._fail(f"signing in as {self._sign_in.username} was refused: {reason}")

    def _too_late(self) -> None:
        if not self._shown:
            self._fail(f"the main window was not shown within {DEADLINE_MS // 1000} s")

    def _fail(self, reason: str) -> None:
        self.failure = reason
        self._app.exit(1)  # also leaves a dialog's own event loop
