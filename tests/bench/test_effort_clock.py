"""bench/effort.py's return-visit clock: task A lies ten minutes before task B, and both on
one day of the clock, whatever the time the benchmark starts (a vial opened the day before
is not one of today's open vials, so its lot is not copied forward: the product is right,
and a run started just after midnight used to fail task B)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def effort(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("effort")


def return_later(clock: object) -> None:
    """Task B's step: the patient returns, the clock moves on to the run's present."""
    step = clock.later()  # type: ignore[attr-defined]  # bench/effort.py's ReturnVisitClock
    assert step.perform is not None
    step.perform()


@pytest.mark.parametrize(
    "start",
    [
        "2026-12-08 00:01", "2026-12-08 00:09", "2026-12-08 00:25", "2026-12-07 12:00",
        "2026-12-07 23:45", "2026-12-07 23:58",
    ],
)  # fmt: skip
def test_both_visits_fall_on_one_day_ten_minutes_apart(effort: ModuleType, start: str) -> None:
    now = datetime.fromisoformat(start).replace(tzinfo=UTC)
    clock = effort.ReturnVisitClock(now)
    task_a = now + clock.offset
    return_later(clock)
    task_b_latest = now + clock.run_time + clock.offset

    assert task_a.date() == task_b_latest.date()
    assert (now + clock.offset) - task_a == timedelta(minutes=10)
    assert task_b_latest <= now + clock.run_time  # never in the future


def test_in_the_day_the_run_happens_at_the_present(effort: ModuleType) -> None:
    clock = effort.ReturnVisitClock(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
    assert clock.offset == -timedelta(minutes=10)
    return_later(clock)
    assert clock.offset == timedelta(0)
