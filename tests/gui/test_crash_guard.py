"""An error nobody caught: the typing is kept, the traceback logged, a plain message shown.

pytest-qt normally catches such errors itself (and fails the test); these tests turn that
off (``qt_no_exception_capture``) so that the app's own hook is the one that sees them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    acting_as,
    add_patient,
    add_physician,
    make_editor,
)
from tpi_desk.paths import DATA_DIR_ENV
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.crash_guard import CRASH_TITLE, CrashGuard, install_crash_guard
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.recovery import RecoveryKeeper

pytestmark = pytest.mark.qt_no_exception_capture
HOUR_MS = 60 * 60 * 1000


class SlipInTheCode(Exception):
    """What an unexpected programming error looks like to the hook."""


def _fail() -> None:
    raise SlipInTheCode("the chart lost its last row")


@pytest.fixture
def crash_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "user-data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    return data_dir / "logs" / "crash.log"


@pytest.fixture
def guarded(qapp: QApplication) -> Iterator[Callable[[UserMessages], CrashGuard]]:
    """Installs the guard with the given messages; takes it out again after the test."""
    guards: list[CrashGuard] = []

    def install(messages: UserMessages) -> CrashGuard:
        guards.append(install_crash_guard(qapp, messages))
        return guards[-1]

    yield install
    for guard in guards:
        guard.uninstall()
        guard.deleteLater()


def test_an_error_in_a_timer_callback_is_logged_and_told_in_plain_words(
    qtbot: QtBot, crash_log: Path, guarded: Callable[[UserMessages], CrashGuard]
) -> None:
    guarded(UserMessages())
    seen: list[tuple[str, str]] = []

    def read_and_close(box: object) -> None:
        assert isinstance(box, QMessageBox)
        seen.append((box.windowTitle(), box.text()))
        box.accept()

    answerer = DialogAnswerer(QMessageBox, read_and_close)
    QTimer.singleShot(0, _fail)
    qtbot.waitUntil(lambda: len(seen) == 1)

    assert answerer.handled
    [(title, text)] = seen
    assert title == CRASH_TITLE
    assert f"Details were saved to {crash_log} for support." in text
    assert "What you typed in an open session was kept" in text
    assert "Traceback" not in text and "SlipInTheCode" not in text and "chart" not in text
    logged = crash_log.read_text(encoding="utf-8")
    assert logged.startswith("Traceback (most recent call last):")
    assert "in _fail" in logged
    assert logged.rstrip().endswith("SlipInTheCode: the chart lost its last row")


def test_an_error_in_a_slot_is_logged_and_the_app_goes_on(
    qtbot: QtBot, crash_log: Path, guarded: Callable[[UserMessages], CrashGuard]
) -> None:
    messages = ScriptedMessages()
    guarded(messages)
    button = QPushButton("Preview PDF")
    qtbot.addWidget(button)
    button.clicked.connect(_fail)

    button.click()
    button.click()

    assert [title for _, title, _ in messages.shown] == [CRASH_TITLE, CRASH_TITLE]
    assert crash_log.read_text(encoding="utf-8").count("SlipInTheCode: the chart") == 2


def test_an_error_that_ends_a_thread_is_told_on_the_ui_thread(
    qtbot: QtBot, crash_log: Path, guarded: Callable[[UserMessages], CrashGuard]
) -> None:
    messages = ScriptedMessages()
    guarded(messages)

    worker = threading.Thread(target=_fail, name="tpi-desk-test-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(messages.shown) == 1)

    assert messages.shown[0][1] == CRASH_TITLE
    assert "SlipInTheCode: the chart lost its last row" in crash_log.read_text(encoding="utf-8")


def test_typing_not_saved_yet_is_written_to_its_recovery_copy_before_anything_else(
    qtbot: QtBot,
    context: AppContext,
    crash_log: Path,
    guarded: Callable[[UserMessages], CrashGuard],
) -> None:
    patient = add_patient(context)
    editor = SessionEditor(
        context,
        ScriptedMessages(),
        actor=acting_as(add_physician(context)),
        autosave_interval_ms=HOUR_MS,  # the crash comes before the pause autosave waits for
    )
    qtbot.addWidget(editor)
    editor.show()
    editor.new_session(patient.id)
    editor.form.header.pain_before.setText("7")
    editor.form.outcome.notes.setPlainText("Typed a second before the crash")
    assert RecoveryKeeper(context.data_dir).all() == []

    class LogWatcher(ScriptedMessages):
        """Notes, when the message is shown, whether the crash log was written yet."""

        def error(self, parent: object, title: str, text: str) -> None:
            copies = RecoveryKeeper(context.data_dir).all()
            self.shown.append(("error", title, f"{len(copies)} copies, log {crash_log.exists()}"))

    messages = LogWatcher()
    guarded(messages)
    QTimer.singleShot(0, _fail)
    qtbot.waitUntil(lambda: len(messages.shown) == 1)

    assert messages.shown == [("error", CRASH_TITLE, "1 copies, log True")]
    [copy] = RecoveryKeeper(context.data_dir).all()
    assert (copy.patient_id, copy.session_id) == (patient.id, None)
    assert copy.form.pain_before == "7"
    assert copy.form.notes == "Typed a second before the crash"


def test_an_editor_with_nothing_typed_writes_no_copy(
    qtbot: QtBot, context: AppContext, guarded: Callable[[UserMessages], CrashGuard]
) -> None:
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    messages = ScriptedMessages()
    guarded(messages)

    QTimer.singleShot(0, _fail)
    qtbot.waitUntil(lambda: len(messages.shown) == 1)

    assert RecoveryKeeper(context.data_dir).all() == []


def test_uninstall_puts_the_previous_hooks_back(
    guarded: Callable[[UserMessages], CrashGuard],
) -> None:
    before = (sys.excepthook, threading.excepthook)
    guard = guarded(ScriptedMessages())
    assert (sys.excepthook, threading.excepthook) != before

    guard.uninstall()

    assert (sys.excepthook, threading.excepthook) == before
