"""The first window (sign-in, or the first-start wizard) needs only Qt: the app's start-up
module loads no database code, no PDF code and not the session editor, which load behind
the dialog. The first-start wizard once borrowed two drop-down helpers from the session
editor's package and so loaded all of it, and SQLAlchemy with it, before the first window:
the cold start went from about 180 ms to over 1 s (bench/startup_bench.py)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "reportlab", "tpi_desk.ui.session_editor", "tpi_desk.ui.main_window")


def test_the_start_up_module_loads_nothing_the_first_window_does_not_need() -> None:
    code = f"import sys, tpi_desk.ui.app; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
