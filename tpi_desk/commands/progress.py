"""A progress bar on the terminal for long commands (``tpi-desk verify`` of a million notes).

On a terminal it rewrites one line of stderr in place, at most a few times a second, e.g.
``Checking signatures 412,000 / 1,000,000  41%``, and clears it when done; when stderr is not a
terminal (a log file, a pipe, a test) it writes nothing, so output stays plain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

MIN_INTERVAL_S = 0.2


class TerminalProgress:
    """Call with (what, done, total) as work advances; ``close()`` clears the line."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._enabled = _is_terminal(stream) if enabled is None else enabled
        self._clock = clock
        self._shown_at: float | None = None
        self._width = 0

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        now = self._clock()
        finished = done >= total
        if not finished and self._shown_at is not None and now - self._shown_at < MIN_INTERVAL_S:
            return
        self._shown_at = now
        percent = 100 * done // total if total > 0 else 100
        line = f"{what} {done:,} / {total:,}  {percent}%"
        padding = " " * max(0, self._width - len(line))
        self._width = len(line)
        self._stream.write(f"\r{line}{padding}")
        self._stream.flush()

    def close(self) -> None:
        """Clear the bar's line, so the command's result starts on a clean line."""
        if self._enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False
