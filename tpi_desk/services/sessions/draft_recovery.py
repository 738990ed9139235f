"""Crash-recovery copies of what the editor holds, as files: they outlive a lost database.

Each draft is one JSON file ``<key>.json`` in a private folder (0o700; files 0o600), written
atomically: a temporary file in the same folder is written, flushed and fsynced, then renamed
over the old copy, so a crash leaves either the old copy or the new one, never half of one.
A file that cannot be read back is renamed to ``*.corrupt`` and skipped, never raised.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMAT = "tpi-desk/draft-recovery@1"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
SUFFIX = ".json"
TEMP_SUFFIX = ".tmp"
CORRUPT_SUFFIX = ".corrupt"
FOLDER_MODE = 0o700


@dataclass(frozen=True, slots=True)
class RecoveredDraft:
    """One saved copy: its key, when it was written, and the editor's payload as saved."""

    key: str
    saved_at: datetime
    payload: dict[str, object]


class DraftRecoveryStore:
    """Keeps one JSON file per key; the payload's format belongs to the editor."""

    def __init__(
        self, folder: Path, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._folder = folder
        self._clock = clock

    def save(self, key: str, payload: Mapping[str, object]) -> None:
        """Write ``payload`` (JSON values only) as the copy for ``key``, atomically."""
        path = self._path(key)
        data = _encode(
            {"format": FORMAT, "saved_at": self._clock().isoformat(), "payload": dict(payload)}
        )
        self._make_folder()
        handle, temp_name = tempfile.mkstemp(
            dir=self._folder, prefix=f".{key}.", suffix=TEMP_SUFFIX
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            Path(temp_name).replace(path)  # os.replace: atomic on POSIX and Windows
        except BaseException:
            with suppress(OSError):
                Path(temp_name).unlink()
            raise
        _sync_folder(self._folder)

    def load_all(self) -> list[RecoveredDraft]:
        """Every readable copy, newest first; unreadable ones are moved aside to ``*.corrupt``."""
        try:
            paths = sorted(self._folder.glob(f"*{SUFFIX}"))
        except OSError:
            return []
        drafts = []
        for path in paths:
            if not KEY_PATTERN.fullmatch(path.stem):
                continue  # not one of ours (temporary files start with a dot)
            draft = _read(path)
            if draft is None:
                _move_aside(path)
            else:
                drafts.append(draft)
        return sorted(drafts, key=lambda draft: (draft.saved_at, draft.key), reverse=True)

    def discard(self, key: str) -> None:
        """Remove the copy for ``key``; a copy that is already gone is fine."""
        self._path(key).unlink(missing_ok=True)

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise ValueError(
                f"draft key {key!r} refused: use 1 to 64 letters, digits, hyphens or underscores"
            )
        return self._folder / f"{key}{SUFFIX}"

    def _make_folder(self) -> None:
        if self._folder.is_dir():
            return
        self._folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        self._folder.chmod(FOLDER_MODE)  # mkdir's mode is masked by the umask


def _encode(document: dict[str, object]) -> bytes:
    """UTF-8 JSON; text a UTF-8 file cannot hold (lone surrogates) is written escaped."""
    text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, ensure_ascii=True, allow_nan=False).encode("ascii")


def _read(path: Path) -> RecoveredDraft | None:
    """The copy in ``path``, or None when it cannot be read or is not one of ours."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
        saved_at = datetime.fromisoformat(document["saved_at"])
        payload = document["payload"]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    if (
        document.get("format") != FORMAT
        or saved_at.utcoffset() is None
        or not isinstance(payload, dict)
    ):
        return None
    return RecoveredDraft(key=path.stem, saved_at=saved_at, payload=payload)


def _move_aside(path: Path) -> None:
    """Rename ``path`` to ``<name>.corrupt`` (or ``<name>.<n>.corrupt``); never raises."""
    target = path.with_name(path.name + CORRUPT_SUFFIX)
    number = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{number}{CORRUPT_SUFFIX}")
        number += 1
    with suppress(OSError):
        path.rename(target)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder for fsync)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
