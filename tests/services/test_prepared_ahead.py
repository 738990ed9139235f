"""prepared_ahead: the demo load's chunks made on a second thread, one ahead of their use."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tpi_desk.services.demo_data.prepared_ahead import prepared_ahead


def test_items_come_in_their_order_and_all_of_them() -> None:
    assert list(prepared_ahead(iter(range(1000)))) == list(range(1000))
    assert list(prepared_ahead([])) == []


def test_the_items_are_made_on_another_thread_at_most_one_ahead() -> None:
    made: list[int] = []
    threads: set[str] = set()

    def numbers() -> Iterator[int]:
        for number in range(5):
            threads.add(threading.current_thread().name)
            made.append(number)
            yield number

    for used in prepared_ahead(numbers(), name="maker"):
        # One waiting in the hand-over, one being made: never further ahead.
        assert len(made) <= used + 3
    assert threads == {"maker"}


def test_an_error_making_an_item_is_raised_where_that_item_would_come() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("the third day's rows")

    got: list[int] = []
    with pytest.raises(ValueError, match="third day"):
        for item in prepared_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_leaving_the_loop_early_stops_the_making_thread() -> None:
    before = threading.active_count()
    for item in prepared_ahead(iter(range(10**9)), name="endless"):
        if item == 3:
            break
    assert not any(thread.name == "endless" for thread in threading.enumerate())
    assert threading.active_count() == before
