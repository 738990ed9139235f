"""Start the real app and sign in like a user who presses Enter after TYPING_MS; print when.

Usage (from bench/startup_bench.py): python bench/_signed_in_start.py URL USERNAME PASSWORD
TYPING_MS. Prints "sign-in shown T", "enter pressed T" and "main window shown T"
(CLOCK_MONOTONIC seconds), then quits. Everything runs through ``run_app``: the quick look,
the sign-in dialog, the loading behind it, the password check and the main window.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from tpi_desk.ui.app import run_app
from tpi_desk.ui.login_dialog import LoginDialog


class SignInDriver(QObject):
    """Types the credentials into the sign-in dialog once it is shown, after a pause."""

    def __init__(self, username: str, password: str, typing_ms: int) -> None:
        super().__init__()
        self._username = username
        self._password = password
        self._typing_ms = typing_ms
        self._entered = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, LoginDialog):
            if not self._entered:
                self._entered = True
                print("sign-in shown", time.monotonic(), flush=True)
                QTimer.singleShot(self._typing_ms, lambda: self._enter(watched))
        elif event.type() == QEvent.Type.Paint and type(watched).__name__ == "MainWindow":
            print("main window shown", time.monotonic(), flush=True)
            QTimer.singleShot(0, lambda: QApplication.exit(0))
        return False

    def _enter(self, dialog: LoginDialog) -> None:
        dialog.username.setText(self._username)
        dialog.password.setText(self._password)
        print("enter pressed", time.monotonic(), flush=True)
        dialog.accept()


def main() -> int:
    url, username, password, typing_ms = sys.argv[1:5]
    app = QApplication(sys.argv[:1])
    driver = SignInDriver(username, password, int(typing_ms))
    app.installEventFilter(driver)
    return run_app(url)


if __name__ == "__main__":
    sys.exit(main())
