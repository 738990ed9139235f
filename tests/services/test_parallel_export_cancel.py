"""A cancel is honoured at the next note the workers report, even when many arrived at once
(found by a loaded CI run: this process was busy laying out its own first part while the
workers finished every other part; the notes they reported were then counted in one go, the
cancel checked only before them, and the whole batch was rendered before it stopped)."""

from __future__ import annotations

import queue
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.services.export.parallel_export import ParallelRender, _Cancelled


def test_notes_reported_together_are_counted_one_by_one_and_a_cancel_stops_among_them(
    catalog: Catalog,
) -> None:
    counted: list[int] = []
    render = ParallelRender(
        database_url="sqlite://",
        catalog=catalog,
        workers=2,
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        with_json=False,
        progress=lambda done, _total: counted.append(done),
        cancelled=lambda: len(counted) >= 4,
    )
    reported: queue.Queue[Any] = queue.Queue()
    for _ in range(30):  # thirty notes finished while nobody was looking
        reported.put(None)
    stop = threading.Event()

    with pytest.raises(_Cancelled):
        render._follow(reported, 0, 38, stop)

    assert counted == [1, 2, 3, 4]
    assert stop.is_set()
