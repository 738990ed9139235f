"""Backups of the SQLite database: online copies, a rotating start-up copy, a checked restore.

Copies use SQLite's online backup API in one step: a consistent snapshot, safe while the app
(or another workstation) keeps writing. Every copy is written to a hidden temporary file next
to its destination, synced to disk, then renamed into place, so a file with a backup's name
is always complete. PostgreSQL databases are backed up with pg_dump (docs/backups.md).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tpi_desk.clinical.private_files import PRIVATE_FOLDER_MODE, make_private
from tpi_desk.models.database_faults import DatabaseFault, classify_database_error
from tpi_desk.models.engine import SQLITE_BUSY_TIMEOUT_MS, is_sqlite, normalize_url, sqlite_file
from tpi_desk.models.migration import known_revisions
from tpi_desk.paths import data_dir
from tpi_desk.services.errors import UserError

BACKUP_SUFFIX = ".sqlite3"
MANUAL_PREFIX = "tpi-desk-backup-"
STARTUP_PREFIX = "tpi-desk-startup-"
STARTUP_BACKUPS_KEPT = 10
POSTGRES_GUIDE = "docs/backups.md"
_BUSY_S = SQLITE_BUSY_TIMEOUT_MS / 1000

Clock = Callable[[], datetime]


class BackupError(UserError):
    """A backup or restore could not be made; the database in use was not changed."""


@dataclass(frozen=True, slots=True)
class BackupFacts:
    """What a checked backup (or database) file holds."""

    path: Path
    revision: str
    sessions: int
    patients: int
    size_bytes: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    database: Path
    restored: BackupFacts
    previous_kept_as: Path | None

    @property
    def needs_upgrade(self) -> bool:
        """Whether the restored file is at an older schema (upgraded when the app opens it)."""
        from tpi_desk.models.migration import head_revision

        return self.restored.revision != head_revision()


def default_backup_folder() -> Path:
    """``backups/`` in the user's data folder."""
    return data_dir() / "backups"


def backup_database(
    database_url: str, target: Path | None = None, *, clock: Clock = lambda: datetime.now(UTC)
) -> BackupFacts:
    """Copy the database to ``target`` (default: a timestamped file in the backups folder).

    ``target`` may be a folder. An existing file is never overwritten. The copy is checked
    with ``PRAGMA integrity_check``; a damaged database gives an error and no backup file.
    """
    source = _database_file(database_url, "backup")
    if not source.is_file():
        raise BackupError(f"There is no database file at {source}; nothing was backed up.")
    if target is None or target.is_dir():
        folder = default_backup_folder() if target is None else target
        target = _free_name(folder, MANUAL_PREFIX, clock(), micro=False)
    elif target.exists():
        raise BackupError(f"{target} already exists; choose another name. Nothing was written.")
    return _copy_checked(source, target, check="integrity_check")


def rotate_startup_backup(
    database_url: str,
    folder: Path,
    keep: int = STARTUP_BACKUPS_KEPT,
    *,
    clock: Clock = lambda: datetime.now(UTC),
) -> Path | None:
    """Copy the database into ``folder`` and delete all but the ``keep`` newest start-up copies.

    For the app's start: call it after ``open_database`` succeeded, off the UI thread (it
    reads the whole file). Returns the new copy, or None when there is nothing to copy
    (PostgreSQL, in memory, no file yet). A database whose copy fails SQLite's quick check
    raises ``BackupError`` and leaves the older copies alone, so damage never rotates the
    good backups away.
    """
    if keep < 1:
        raise ValueError("keep at least one start-up backup")
    parsed = normalize_url(database_url)
    source = sqlite_file(parsed) if is_sqlite(parsed) else None
    if source is None or not source.is_file() or source.stat().st_size == 0:
        return None
    target = _free_name(folder, STARTUP_PREFIX, clock(), micro=True)
    _copy_checked(source, target, check="quick_check")
    for old in sorted(folder.glob(f"{STARTUP_PREFIX}*{BACKUP_SUFFIX}"))[:-keep]:
        old.unlink(missing_ok=True)
    return target


def check_backup(path: Path) -> BackupFacts:
    """Check a file before it may replace the database; raises ``BackupError`` saying why.

    It must pass ``PRAGMA integrity_check``, be a TPI Desk database, and carry a schema
    revision this version knows (an older one is upgraded when the app next opens it).
    """
    return _inspect(path, check="integrity_check", need_known_revision=True)


def restore_database(
    database_url: str, backup: Path, *, clock: Clock = lambda: datetime.now(UTC)
) -> RestoreResult:
    """Replace the database with ``backup`` after checking it; keep the replaced file.

    TPI Desk must be closed on every workstation using the file. The backup is copied to a
    temporary file next to the database and checked again there, then renamed over it; the
    file it replaces stays beside it as ``<name>.before-restore-<timestamp>``.
    """
    target = _database_file(database_url, "restore")
    facts = check_backup(backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError(f"{backup} is the database itself; choose a backup file.")
    staged = _hidden_partner(target, ".restoring")
    _copy_checked(backup, staged, check="quick_check", need_known_revision=True, publish=False)
    kept = None
    try:
        if target.exists():
            kept = _partner(target, f".before-restore-{_stamp(clock(), micro=False)}")
            _retire(target, kept)
        staged.replace(target)
        _sync_folder(target.parent)
    except OSError as error:
        raise BackupError(
            f"{target} could not be replaced ({error.strerror or error}); it was left as it was."
        ) from error
    finally:
        staged.unlink(missing_ok=True)
    return RestoreResult(target, facts, kept)


def database_file(database_url: str, command: str) -> Path:
    """The SQLite file ``command`` (backup, restore) works on; BackupError for a server."""
    return _database_file(database_url, command)


def _database_file(database_url: str, command: str) -> Path:
    parsed = normalize_url(database_url)
    if not is_sqlite(parsed):
        place = f"{parsed.database or ''} on {parsed.host or 'localhost'}"
        raise BackupError(
            f"`tpi-desk {command}` works on a SQLite database file; {place} is a PostgreSQL "
            f"database: use pg_dump and pg_restore as described in {POSTGRES_GUIDE}."
        )
    path = sqlite_file(parsed)
    if path is None:
        raise BackupError("An in-memory database has no file to back up or restore.")
    return path


def _copy_checked(
    source: Path,
    target: Path,
    *,
    check: str,
    need_known_revision: bool = False,
    publish: bool = True,
) -> BackupFacts:
    """Snapshot ``source`` and check the copy; ``publish`` copies via a hidden temporary file
    renamed to ``target`` only once the copy is synced and checked."""
    try:
        target.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"{target.parent} cannot be created ({error.strerror}).") from error
    staging = _hidden_partner(target, ".partial") if publish else target
    try:
        _snapshot(source, staging)
        facts = _inspect(staging, check=check, need_known_revision=need_known_revision)
        if publish:
            staging.replace(target)
            _sync_folder(target.parent)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return BackupFacts(target, facts.revision, facts.sessions, facts.patients, facts.size_bytes)


def _snapshot(source: Path, destination: Path) -> None:
    destination.unlink(missing_ok=True)
    try:
        reader = sqlite3.connect(_read_only_uri(source), uri=True, timeout=_BUSY_S)
        try:
            writer = sqlite3.connect(destination)
            try:
                reader.backup(writer)  # every page in one step: one consistent snapshot
                writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                writer.close()
        finally:
            reader.close()
        make_private(destination)  # a copy of the database: the owner's only (issue 13)
        with destination.open("rb+") as handle:
            os.fsync(handle.fileno())
    except sqlite3.Error as error:
        destination.unlink(missing_ok=True)
        if "malformed" in str(error):  # a damaged page met while copying, not a busy file
            raise BackupError(f"{source} is damaged ({_reason(error)}).") from error
        raise BackupError(f"{source} could not be copied ({_reason(error)}).") from error
    except OSError as error:
        raise BackupError(f"{destination} could not be written ({error.strerror}).") from error


def _inspect(path: Path, *, check: str, need_known_revision: bool) -> BackupFacts:
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        reader = sqlite3.connect(_read_only_uri(path), uri=True, timeout=_BUSY_S)
        try:
            findings = [str(row[0]) for row in reader.execute(f"PRAGMA {check}(3)")]
            if findings != ["ok"]:
                first = " ".join(findings[0].split()) if findings else "no answer"
                raise BackupError(f"{path} is damaged (SQLite found: {first}).")
            tables = {row[0] for row in reader.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                raise BackupError(f"{path} is not a TPI Desk database.")
            revisions = [
                row[0] for row in reader.execute("SELECT version_num FROM alembic_version")
            ]
            counts = [
                reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("procedure_sessions", "patients")
            ]
        finally:
            reader.close()
    except sqlite3.Error as error:
        raise BackupError(
            f"{path} is not a TPI Desk database, or it is damaged ({_reason(error)})."
        ) from error
    if len(revisions) != 1:
        raise BackupError(f"{path} has no single schema revision ({', '.join(revisions)}).")
    if need_known_revision and revisions[0] not in known_revisions():
        raise BackupError(
            f"{path} was written by a newer version of TPI Desk (schema {revisions[0]}); "
            "install that version to restore it."
        )
    return BackupFacts(path, revisions[0], counts[0], counts[1], path.stat().st_size)


def _retire(target: Path, kept: Path) -> None:
    """Fold the live database's WAL into it and keep it as ``kept`` (a hard link if possible).

    Switching the journal mode needs the file to itself: if TPI Desk still has it open the
    switch fails and the restore stops here, with nothing replaced.
    """
    try:
        connection = sqlite3.connect(target, timeout=_BUSY_S)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if classify_database_error(error) is DatabaseFault.BUSY:
            raise BackupError(
                f"{target} is in use. Close TPI Desk on every workstation that uses it, "
                "then restore again; nothing was replaced."
            ) from error
    except sqlite3.DatabaseError:
        pass  # a damaged database is kept exactly as it is, with its journal files
    try:
        os.link(target, kept)
    except OSError:
        kept.write_bytes(target.read_bytes())
    for journal in ("-wal", "-shm", "-journal"):
        leftover = target.with_name(target.name + journal)
        if leftover.exists():
            leftover.replace(kept.with_name(kept.name + journal))


def _free_name(folder: Path, prefix: str, now: datetime, *, micro: bool) -> Path:
    base = f"{prefix}{_stamp(now, micro=micro)}"
    candidate = folder / f"{base}{BACKUP_SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}{BACKUP_SUFFIX}"
        number += 1
    return candidate


def _stamp(now: datetime, *, micro: bool) -> str:
    """UTC, sortable, and legal in file names everywhere (no colons)."""
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S" + ("-%f" if micro else "") + "Z")


def _partner(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.name}{suffix}")


def _hidden_partner(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}{suffix}")


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); folders cannot be opened this way on Windows."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reason(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
