"""The app as the X11 walkthrough (``effort_x11.py``) starts it: the effort benchmark's
return-visit clock, moved on to the present by SIGUSR1 between tasks A and B.

Usage: python bench/effort_x11_app.py DATABASE_URL
"""

from __future__ import annotations

import signal
import sys

from effort import ReturnVisitClock, use_clock
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tpi_desk.ui.app import run_app

# Python runs a signal handler only between its own bytecodes: a timer gives it a turn while
# Qt waits for X events.
SIGNAL_TURN_MS = 50


def main() -> int:
    clock = ReturnVisitClock()
    use_clock(clock)

    def patient_returns(_signal: int, _frame: object) -> None:
        clock.offset = clock.present

    signal.signal(signal.SIGUSR1, patient_returns)
    application = QApplication.instance() or QApplication(sys.argv[:1])
    turns = QTimer(application)
    turns.timeout.connect(lambda: None)
    turns.start(SIGNAL_TURN_MS)
    return run_app(sys.argv[1])


if __name__ == "__main__":
    raise SystemExit(main())
