"""bench/effort_x11.py: the tasks done keyboard only with real X11 input (Xvfb, openbox,
xdotool), as issue 14 asks once by hand; here on every CI run, which installs the three.

Not the targets (bench/run.py compares those): that the walkthrough still reaches a signed
note, a copied-forward note and an export with no mouse, and leaves its screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "openbox", "xdotool")
SCREENSHOTS = ("04-editor-two-sites", "05-sign-dialog", "08-task-b-signed", "09-export-dialog")


@pytest.mark.slow
@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="needs Xvfb, openbox and xdotool (.ci/run installs them)",
)
def test_tasks_a_b_and_c_are_done_keyboard_only_under_a_real_x_server(tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "TPI_DESK_DATABASE_URL", "QT_QPA_PLATFORM"}
    }
    environment["PYTHONPATH"] = str(REPO)
    shots = tmp_path / "shots"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "effort_x11.py"), "--json", "--shots", str(shots)],
        capture_output=True, text=True, check=False, timeout=300, cwd=REPO, env=environment,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    counts = json.loads(run.stdout.strip().splitlines()[-1])
    # Keyboard only, the tasks still fit issue 14's targets.
    assert counts["task_a_actions"] <= 40, counts
    assert counts["task_b_actions"] <= 10, counts
    assert counts["task_c_actions"] <= 3, counts
    assert counts["setup_actions"] <= 30, counts
    for name in SCREENSHOTS:
        assert (shots / f"{name}.png").stat().st_size > 10_000, name
