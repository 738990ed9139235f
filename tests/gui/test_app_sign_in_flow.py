"""`run_app` end to end, in process: the first window comes up while the database loads
behind it, and a database that turns out unusable is named and ends the app."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import tpi_desk.models.engine as engine_module
from tpi_desk.clinical.record import Role
from tpi_desk.models.database import open_database
from tpi_desk.models.first_look import sqlite_file_of
from tpi_desk.services.people.users import UserService
from tpi_desk.services.settings.clinic_settings import ClinicSettingsService
from tpi_desk.ui.app import OPEN_FAILED_TITLE, run_app
from tpi_desk.ui.background import start_delivering
from tpi_desk.ui.first_admin_dialog import FirstAdminDialog
from tpi_desk.ui.first_start_wizard import FirstStartWizard
from tpi_desk.ui.login_dialog import LoginDialog
from tpi_desk.ui.main_window import MainWindow

PASSWORD = "a long passphrase 1"
WATCH_INTERVAL_MS = 20


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Start-up backups go under tmp_path; afterwards the app's quit setting is restored and
    background work delivers again (``run_app`` stops it as the app quits)."""
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "user-data"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits = app.quitOnLastWindowClosed()
    yield
    app.setQuitOnLastWindowClosed(quits)
    start_delivering()


class ScreenWatcher:
    """Polls the top window like a user looking at the screen, and answers it."""

    def __init__(self, answer: Callable[[QWidget], str | None]) -> None:
        self.seen: list[str] = []
        self._answer = answer
        self._timer = QTimer(interval=WATCH_INTERVAL_MS)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        shown = QApplication.activeModalWidget() or _visible_main_window()
        if shown is None:
            return
        seen = self._answer(shown)
        if seen is not None and (not self.seen or self.seen[-1] != seen):
            self.seen.append(seen)

    def stop(self) -> None:
        self._timer.stop()


def _visible_main_window() -> MainWindow | None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return next((w for w in windows if w.isVisible()), None)


def user_at_the_screen(widget: QWidget) -> str | None:
    """Creates the administrator, signs in, then closes the main window it reaches."""
    if isinstance(widget, FirstStartWizard) and widget.pages.currentIndex() > 0:
        return _later_wizard_page(widget)
    if isinstance(widget, FirstAdminDialog):
        widget.username.setText("ihartley")
        widget.display_name.setText("Inès Hartley")
        widget.password.setText(PASSWORD)
        widget.password_again.setText(PASSWORD)
        widget.accept()
        return "create the administrator"
    if isinstance(widget, LoginDialog):
        widget.username.setText("ihartley")
        widget.password.setText(PASSWORD)
        widget.accept()
        return "sign in"
    if isinstance(widget, MainWindow):
        signed_in_as = widget.user_menu.title()
        widget.close()
        return f"main window: {signed_in_as}"
    return None


def _later_wizard_page(wizard: FirstStartWizard) -> str:
    if wizard.clinic_page is not None and wizard.pages.currentWidget() is wizard.clinic_page:
        wizard.clinic_page.name.setText("Harbor Pain Clinic")
        wizard.clinic_page.address.setPlainText("12 Harbor Street\nPortland, ME 04101")
        wizard.clinic_page.npi.setText("1245319599")
        wizard.accept()
        return "the clinic"
    accounts = wizard.accounts_page
    accounts.clinician.display_name.setText("Dr. Maren Lind")
    accounts.clinician.username.setText("mlind")
    assert accounts.clinician.credentials is not None
    accounts.clinician.credentials.setText("MD")
    accounts.clinician.password.setText(PASSWORD)
    accounts.billing.display_name.setText("Billing Office")
    accounts.billing.username.setText("billing")
    accounts.billing.password.setText(PASSWORD)
    wizard.accept()
    return "the first accounts"


def with_an_administrator(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    try:
        UserService(database.session_factory).create_first_admin(
            "ihartley", "Inès Hartley", PASSWORD
        )
    finally:
        database.dispose()


def test_a_new_database_asks_for_the_administrator_then_signs_in(
    qtbot: QtBot, sqlite_url: str
) -> None:
    watcher = ScreenWatcher(user_at_the_screen)
    try:
        status = run_app(sqlite_url)
    finally:
        watcher.stop()

    assert status == 0
    assert watcher.seen[:3] == ["create the administrator", "the clinic", "the first accounts"]
    # The administrator is signed in by the wizard: no second password prompt.
    assert watcher.seen[3].startswith("main window: ") and "Hartley" in watcher.seen[3]
    database = open_database(sqlite_url)
    try:
        users = UserService(database.session_factory)
        assert users.needs_first_admin() is False
        assert users.authenticate("mlind", PASSWORD).role is Role.PHYSICIAN
        assert users.authenticate("billing", PASSWORD).role is Role.BILLING
        clinic = ClinicSettingsService(database.session_factory).load()
        assert clinic.clinic_name == "Harbor Pain Clinic"
        assert clinic.clinic_address_lines == ("12 Harbor Street", "Portland, ME 04101")
        assert clinic.clinic_npi == "1245319599"
        assert clinic.location_for_notes == "Harbor Pain Clinic"
    finally:
        database.dispose()


def test_signing_in_again_goes_straight_to_the_sign_in_window(
    qtbot: QtBot, sqlite_url: str
) -> None:
    with_an_administrator(sqlite_url)
    watcher = ScreenWatcher(user_at_the_screen)
    try:
        status = run_app(sqlite_url)
    finally:
        watcher.stop()

    assert status == 0
    assert watcher.seen[0] == "sign in"
    assert watcher.seen[1].startswith("main window: ")


def test_a_file_another_program_keeps_locked_is_named_after_the_first_window(
    qtbot: QtBot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_an_administrator(sqlite_url)
    path = sqlite_file_of(sqlite_url)
    assert path is not None
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    other_program = sqlite3.connect(path, isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")  # holds the write lock; readers still read
    messages: list[str] = []

    def answer(widget: QWidget) -> str | None:
        if isinstance(widget, LoginDialog):
            return "sign in"  # the user is still typing when the message comes
        if isinstance(widget, QMessageBox):
            messages.append(f"{widget.windowTitle()}: {widget.text()}")
            widget.accept()
            return "message"
        return None

    watcher = ScreenWatcher(answer)
    try:
        status = run_app(sqlite_url)
    finally:
        watcher.stop()
        other_program.rollback()
        other_program.close()

    assert status == 1
    assert watcher.seen == ["sign in", "message"]
    assert messages[0].startswith(f"{OPEN_FAILED_TITLE}: ")
    assert "is in use" in messages[0] and "the file was not changed" in messages[0]
