"""bench/effort.py completes its tasks in the real window and reports its action counts.

Not a timed test and not the targets (bench/run.py compares those): only that the benchmark
still drives today's UI to a signed note, a copied-forward note and an export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEYS = (
    "setup_actions",
    "sign_in_actions",
    "task_a_actions",
    "task_b_actions",
    "switch_user_actions",
    "task_c_actions",
)


@pytest.mark.slow
def test_the_effort_benchmark_completes_every_task_and_counts_its_actions() -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "TPI_DESK_DATABASE_URL"}
    }
    environment |= {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "effort.py"), "--json"],
        capture_output=True, text=True, check=False, timeout=180, cwd=REPO, env=environment,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    counts = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(counts) == set(KEYS)
    assert all(isinstance(counts[key], int) and counts[key] > 0 for key in KEYS), counts
    assert f"task_a_actions={counts['task_a_actions']}" in run.stdout
