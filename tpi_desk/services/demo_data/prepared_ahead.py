"""Items of an iterator made on a second thread, one ahead of their use.

The demo load writes a chunk of sessions (SQLite steps through its statements with the GIL
released) while the next chunk's rows are drawn and bound in Python: on two cores the two
overlap instead of taking turns.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_WAIT_S = 0.1


class _Done:
    """The producer's last message: the iterator ended, or raised ``error``."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def prepared_ahead(items: Iterable[T], name: str = "prepared-ahead") -> Iterator[T]:
    """``items`` in their order, each made while the one before is in use. An exception
    raised making one is raised here, where it would have been; leaving the loop early (a
    ``break`` or an exception in its body) stops the making thread."""
    handed: queue.Queue[T | _Done] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: T | _Done) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=_WAIT_S)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not hand(item):
                    return
        except BaseException as error:
            hand(_Done(error))
            return
        hand(_Done())

    maker = threading.Thread(target=make, name=name, daemon=True)
    maker.start()
    try:
        while True:
            item = handed.get()
            if isinstance(item, _Done):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        maker.join()
