"""Who may read the files that hold patient information: their owner only (issue 13).

The data folder, the database with its WAL and shared-memory files, backups, exports, the
checkpoint and the crash log are created private; files made before this policy are made
private the next time the app opens them. Shared by every layer that writes such a file;
the standard library only. On Windows, where permissions are ACLs, ``chmod`` can only set
or clear read-only, so these calls change nothing there.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
# Files and folders created while the app runs get no group or other permissions.
PRIVATE_UMASK = 0o077
# What SQLite adds to a database's name for its write-ahead log and shared memory.
SQLITE_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def create_private_files() -> None:
    """Set the process umask so every file and folder the app creates is its owner's only."""
    os.umask(PRIVATE_UMASK)


def private_folder(folder: Path) -> Path:
    """``folder``, created if needed, readable by its owner only."""
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(PRIVATE_FOLDER_MODE)  # mkdir's mode is masked, and the folder may be old
    return folder


def make_private(path: Path) -> None:
    """Make an existing file readable and writable by its owner only (absent: nothing)."""
    with contextlib.suppress(FileNotFoundError):
        path.chmod(PRIVATE_FILE_MODE)


def make_database_private(database: Path) -> None:
    """A SQLite database file and the companion files SQLite keeps beside it."""
    make_private(database)
    for suffix in SQLITE_COMPANION_SUFFIXES:
        make_private(database.with_name(database.name + suffix))
