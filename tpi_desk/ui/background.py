"""Run one slow, read-only piece of work off the UI thread and hand its outcome back to it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

# Relays waiting for their work; each is kept alive until it has delivered, so the worker
# thread never emits on a deleted object. After ``stop_delivering()`` (the app is quitting)
# nothing is emitted any more: Qt is being torn down.
_pending: set[_Relay] = set()
_delivery_lock = threading.Lock()
_delivering = True


class _Relay(QObject):
    """Lives in the UI thread; a signal emitted from the worker is delivered there (queued)."""

    finished = Signal(object)

    def __init__(self, owner: QObject, done: Callable[[object], None]) -> None:
        super().__init__()
        self._owner = owner
        self._done = done
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, outcome: object) -> None:
        _pending.discard(self)
        self.deleteLater()
        if shiboken6.isValid(self._owner):
            self._done(outcome)


def run_in_background(
    owner: QObject, work: Callable[[], object], done: Callable[[object], None]
) -> None:
    """Call ``work()`` in a daemon thread, then ``done(result or exception)`` in the UI thread.

    ``done`` is skipped if ``owner`` was deleted meanwhile, and quitting never waits for the
    work (use it only for reads: counts, checks).
    """
    relay = _Relay(owner, done)
    _pending.add(relay)

    def run() -> None:
        try:
            outcome: object = work()
        except Exception as error:
            outcome = error
        with _delivery_lock:
            if _delivering:
                relay.finished.emit(outcome)

    threading.Thread(target=run, name="tpi-desk-background", daemon=True).start()


def start_delivering() -> None:
    """Call when the app starts (again, in the same process: tests run it several times)."""
    global _delivering
    with _delivery_lock:
        _delivering = True


def stop_delivering() -> None:
    """Call when the app quits: work still running is abandoned and never reports back."""
    global _delivering
    with _delivery_lock:
        _delivering = False
