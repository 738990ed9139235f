"""An error nobody caught: keep what was typed, log the traceback, tell the user in plain words.

Qt calls ``sys.excepthook`` for an exception raised in a slot, a timer callback or an
overridden event handler, then carries on; Python calls ``threading.excepthook`` for one that
ends a thread. The crash guard takes both. On the UI thread it first asks every open widget
that holds typing (a session editor) to write its recovery copy, then appends the traceback
to the crash log (the file the command line writes too), then shows a message without the
traceback that says where the details are. An error from another thread is handed to the UI
thread first (a queued signal), since only that thread may touch widgets.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication

from tpi_desk.crash_log import write_crash_report
from tpi_desk.ui.messages import UserMessages

CRASH_TITLE = "TPI Desk hit an internal error"
log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
ThreadExceptHook = Callable[[threading.ExceptHookArgs], object]


@runtime_checkable
class KeepsTypingOnCrash(Protocol):
    """A widget holding typing that a crash must not lose (the session editor)."""

    def keep_typing_on_crash(self) -> None: ...


def crash_message(report: str) -> str:
    """What the user reads: what happened to their typing, and where the details went."""
    return (
        "Something went wrong inside TPI Desk. What you typed in an open session was kept "
        f"and comes back when you open it again.\n\nDetails were saved to {report} for "
        "support. If TPI Desk does not work as expected now, close it and open it again."
    )


def keep_everyones_typing() -> int:
    """Ask every open widget that holds typing to write its recovery copy; how many did."""
    kept = 0
    for widget in QApplication.allWidgets():
        if not isinstance(widget, KeepsTypingOnCrash):
            continue
        try:
            widget.keep_typing_on_crash()
            kept += 1
        except Exception:
            log.exception("A recovery copy could not be written after a crash")
    return kept


class CrashGuard(QObject):
    """Installed once per application; ``uninstall()`` puts the previous hooks back."""

    _crashed = Signal(object)

    def __init__(self, messages: UserMessages, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages = messages
        self._handling = False
        self._previous_hook: ExceptHook | None = None
        self._previous_thread_hook: ThreadExceptHook | None = None
        # Direct on the UI thread; queued (to the UI thread) when emitted from another one.
        self._crashed.connect(self._handle)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._on_uncaught
        threading.excepthook = self._on_uncaught_in_thread

    def uninstall(self) -> None:
        if self._previous_hook is not None and sys.excepthook == self._on_uncaught:
            sys.excepthook = self._previous_hook
        if (
            self._previous_thread_hook is not None
            and threading.excepthook == self._on_uncaught_in_thread
        ):
            threading.excepthook = self._previous_thread_hook
        self._previous_hook = self._previous_thread_hook = None

    def _on_uncaught(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if not isinstance(error, Exception):  # Ctrl+C and the like end the app as before
            (self._previous_hook or sys.__excepthook__)(kind, error, trace)
            return
        self._report(error.with_traceback(trace))

    def _on_uncaught_in_thread(self, args: threading.ExceptHookArgs) -> None:
        if isinstance(args.exc_value, Exception):
            self._report(args.exc_value.with_traceback(args.exc_traceback))

    def _report(self, error: Exception) -> None:
        if shiboken6.isValid(self):
            self._crashed.emit(error)
        else:  # the application is gone: nothing left to keep or to show
            write_crash_report(error)

    @Slot(object)
    def _handle(self, error: Exception) -> None:
        if self._handling:  # another error while the message is up: logged, not shown again
            write_crash_report(error)
            return
        self._handling = True
        try:
            keep_everyones_typing()
            report = write_crash_report(error)
            self._messages.error(QApplication.activeWindow(), CRASH_TITLE, crash_message(report))
        except Exception:
            log.exception("The crash guard failed while reporting an error")
        finally:
            self._handling = False


def install_crash_guard(app: QApplication, messages: UserMessages | None = None) -> CrashGuard:
    """Guard ``app`` (the guard lives as long as it does); call once, after the theme."""
    guard = CrashGuard(UserMessages() if messages is None else messages, app)
    guard.install()
    return guard
