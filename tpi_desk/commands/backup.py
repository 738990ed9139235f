"""`tpi-desk backup [FILE]` and `tpi-desk restore FILE`: safe copies of the SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tpi_desk.paths import data_dir
from tpi_desk.services.integrity.checked_restore import restore_checked
from tpi_desk.services.storage.backups import backup_database


def backup(url: str, file: str | None, *, stdout: TextIO) -> int:
    """Back up while the app may be running; the copy is checked before it is reported."""
    facts = backup_database(url, Path(file) if file else None)
    print(
        f"Backed up to {facts.path} ({_count(facts.sessions, 'session')}, "
        f"{_count(facts.patients, 'patient')}, {facts.size_bytes / 1_000_000:.1f} MB); "
        "integrity check ok.",
        file=stdout,
    )
    return 0


def restore(url: str, file: str, *, force: bool = False, stdout: TextIO) -> int:
    """Replace the database with a checked and verified backup (TPI Desk must be closed
    everywhere); an altered backup is refused unless ``force`` (recorded in the audit trail)."""
    checked = restore_checked(url, Path(file), data_dir(), force=force)
    result = checked.result
    restored = result.restored
    print(
        f"Restored {result.database} from {restored.path} ({_count(restored.sessions, 'session')}, "
        f"{_count(restored.patients, 'patient')}).",
        file=stdout,
    )
    if result.previous_kept_as is not None:
        print(f"The database it replaced was kept as {result.previous_kept_as}.", file=stdout)
    if checked.forced:
        print(
            f"Restored despite {len(checked.findings)} verify finding(s), as forced; "
            "the restore is recorded in the audit trail:",
            file=stdout,
        )
        for finding in checked.findings:
            print(f"  {finding}", file=stdout)
    if result.needs_upgrade:
        print("It will be upgraded to this version when TPI Desk next opens it.", file=stdout)
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
