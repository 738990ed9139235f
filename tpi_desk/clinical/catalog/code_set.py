"""The whole ICD-10-CM code set (CMS/CDC tabular list, as the ``simple-icd-10-cm`` package
ships it), read from a small index file.

The package costs about two seconds and 180 MB to load, too much for a field that searches
as the clinician types and for the app's memory budget; so ``code_set_index.py`` writes its
codes once, in a separate short-lived process, into a SQLite file in the user's cache folder
(one file per package version), and this module answers look-ups and searches from that file
in a millisecond or two. A diagnosis the catalog lists (``icd10.toml``) never needs it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

from tpi_desk.clinical.catalog.code_set_index import DISTRIBUTION, build_index
from tpi_desk.clinical.catalog.entries import Icd10Code
from tpi_desk.clinical.text_folding import fold

INDEX_FORMAT = 2
CACHE_DIR_ENV = "TPI_DESK_CACHE_DIR"
SEARCH_LIMIT = 200  # code-set matches shown for one query (the picker shows the first few)


class CodeSetUnavailable(RuntimeError):
    """The index could not be built or read (the package is missing, the disk refused)."""


def default_cache_dir() -> Path:
    """The user's cache folder for TPI Desk (``$TPI_DESK_CACHE_DIR`` moves it)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tpi-desk"


class Icd10CodeSet:
    """Validity, billability and descriptions of every ICD-10-CM code, from the index file."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._path: Path | None = None

    def lookup(self, code: str) -> Icd10Code | None:
        """The code written as the tabular list writes it ("M79.18"), or None."""
        rows = self._query("SELECT code, descriptor, billable FROM codes WHERE code = ?", (code,))
        return _entry(rows[0]) if rows else None

    def spelled(self, code: str) -> str | None:
        """The tabular list's spelling of ``code`` typed loosely ("m7918" -> "M79.18")."""
        compact = fold(code).replace(".", "").replace(" ", "")
        rows = self._query("SELECT code FROM codes WHERE compact = ?", (compact,))
        return str(rows[0][0]) if rows else None

    def search(
        self, compact: str, words: list[str], *, limit: int = SEARCH_LIMIT
    ) -> list[Icd10Code]:
        """Billable codes: first those whose code starts with ``compact``, then those where
        every one of ``words`` starts a word of the code or descriptor ("tension" finds
        "tension-type", not "hypertension"), in code order, at most ``limit``."""
        by_code = self._query(
            "SELECT code, descriptor, billable FROM codes WHERE billable AND compact >= ? "
            "AND compact < ? ORDER BY compact LIMIT ?",
            (compact, compact + "\uffff", limit),
        )
        found = [_entry(row) for row in by_code]
        if words and len(found) < limit:
            match = " AND ".join(f'"{word}"*' for word in map(_fts_word, words) if word)
            by_words = (
                self._query(
                    "SELECT code, descriptor, billable FROM codes WHERE rowid IN "
                    "(SELECT rowid FROM code_words WHERE code_words MATCH ?) "
                    "AND NOT (compact >= ? AND compact < ?) ORDER BY compact LIMIT ?",
                    (match, compact, compact + "\uffff", limit - len(found)),
                )
                if match
                else []
            )
            found.extend(_entry(row) for row in by_words)
        return found

    def _query(self, sql: str, parameters: tuple[object, ...]) -> list[tuple[object, ...]]:
        path = self._index()
        try:
            with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as index:
                return index.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise CodeSetUnavailable(
                f"The ICD-10-CM index {path} cannot be read: {error}"
            ) from error

    def _index(self) -> Path:
        if self._path is not None:
            return self._path
        with self._lock:
            if self._path is None:
                self._path = _built_index(self._cache_dir or default_cache_dir())
            return self._path


def _built_index(folder: Path) -> Path:
    """The index file for the installed package version, built first if missing."""
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError as error:
        raise CodeSetUnavailable(f"The {DISTRIBUTION} package is not installed.") from error
    path = folder / f"icd10cm-{version}-index{INDEX_FORMAT}.sqlite3"
    if path.exists():
        return path
    staging = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging.unlink(missing_ok=True)
        try:
            _build_in_child_process(staging)
            staging.replace(path)  # another process may have won the race: same content
        finally:
            staging.unlink(missing_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CodeSetUnavailable(
            f"The ICD-10-CM index could not be built in {folder}: {reason}"
        ) from error
    return path


def _build_in_child_process(target: Path) -> None:
    """Run the builder in a fresh interpreter, so that its 180 MB go when it exits; where no
    interpreter can be started (a frozen app, whose executable is the app itself), build here."""
    if getattr(sys, "frozen", False):
        build_index(target)
        return
    command = [sys.executable, "-m", "tpi_desk.clinical.catalog.code_set_index", str(target)]
    # The child imports this very copy of the app, wherever it was imported from.
    root = str(Path(__file__).resolve().parents[3])
    paths = [root, *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, env=environment
        )
    except (OSError, subprocess.SubprocessError):
        build_index(target)
        return
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise CodeSetUnavailable(f"The ICD-10-CM index could not be built: {reason}")


def _entry(row: tuple[object, ...]) -> Icd10Code:
    code, descriptor, billable = row
    return Icd10Code(
        code=str(code), descriptor=str(descriptor), tpi_lcd_covered=False, billable=bool(billable)
    )


def _fts_word(word: str) -> str:
    """``word`` as one FTS5 token: letters and digits only (quotes or operators never pass)."""
    return "".join(character for character in word if character.isalnum())


CODE_SET = Icd10CodeSet()
"""The process's code set (one index file per package version, shared by every process)."""


def prepare_in_background() -> None:
    """Build the index now, off the caller's thread (the first build takes a few seconds on a
    new computer), so that the diagnosis field answers at once when first used."""

    def prepare() -> None:
        # A failure is said when a diagnosis is searched or checked.
        with contextlib.suppress(CodeSetUnavailable):
            CODE_SET.lookup("M79.18")

    threading.Thread(target=prepare, name="tpi-desk-icd10-index", daemon=True).start()
