"""SQLite's check of a whole database file, run in a thread beside other reading.

``open_database`` runs ``PRAGMA quick_check`` before anything else, so a damaged file is
refused with a plain message and left untouched. On a million notes that check reads some
15 GB and takes 7 s; ``tpi-desk verify`` reads the same file with one worker process per
core for most of a minute, so it runs the check here instead, in a thread of its own (SQLite
lets go of Python's lock while it works), beside its chain checks: the two share the cores
and the run ends about 5 s sooner (a real million of signatures: 64.4 s -> 59.5 s). Damage
found this way is reported exactly as the open would have reported it, and before verify
writes anything.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from tpi_desk.models.database import raise_if_damaged, read_only_connection, sqlite_refusal
from tpi_desk.models.engine import is_sqlite, sqlite_file
from tpi_desk.models.errors import DatabaseOpenError


class FileCheck:
    """``PRAGMA quick_check`` of the file at ``path`` on a read-only connection of its own,
    started at once in a background thread."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._error: DatabaseOpenError | None = None
        try:
            # Checked in the thread, interrupted from here.
            self._connection: sqlite3.Connection | None = read_only_connection(
                path, across_threads=True
            )
        except sqlite3.Error as error:
            self._connection = None
            self._error = self._refusal(error)
        self._thread = threading.Thread(target=self._run, name="tpi-desk-file-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._connection is None:
            return
        try:
            raise_if_damaged(self._connection, self._path)
        except DatabaseOpenError as error:
            self._error = error
        except sqlite3.Error as error:
            self._error = self._refusal(error)

    def _refusal(self, error: sqlite3.Error) -> DatabaseOpenError:
        return DatabaseOpenError(
            sqlite_refusal(str(self._path), error)
            or f"The database file {self._path} cannot be read to check it ({error}). "
            "It was not changed."
        )

    def result(self) -> None:
        """Wait for the check; ``DatabaseOpenError`` if it found the file damaged."""
        self._thread.join()
        self._close()
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        """Stop the check (SQLite's interrupt) and wait for its thread."""
        if self._connection is not None:
            self._connection.interrupt()
        self._thread.join()
        self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@contextmanager
def file_checked_beside(url: URL) -> Iterator[None]:
    """Check a SQLite file (nothing to do for a server or an in-memory database) while the
    block runs. Damage is raised when the block ends, or instead of the block's own error
    (reading a damaged page fails too, less clearly); an interrupt stops the check."""
    path = sqlite_file(url) if is_sqlite(url) else None
    if path is None:
        yield
        return
    check = FileCheck(path)
    try:
        yield
    except Exception:
        check.result()  # the damage, if any, explains the failure better
        raise
    except BaseException:
        check.cancel()
        raise
    check.result()
