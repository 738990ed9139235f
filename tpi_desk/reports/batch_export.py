"""The billing batch: many notes to one merged PDF (or a PDF each), claim-line CSV and JSON.

Built to run in a worker thread behind a progress bar: ``progress(done, total)`` after each
note, ``cancelled()`` polled before each note. Notes are pulled one at a time from any
iterable (a database query streaming in pages), so memory does not grow with the batch
beyond what the PDF itself holds until it is saved.

Nothing half-written is ever left behind: every output is written to a temporary file (or
folder) next to its target and renamed into place only once all of them are complete; a
cancel or an error removes the temporary files and leaves existing targets untouched.
"""

from __future__ import annotations

import errno
import os
import shutil
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from reportlab.platypus import ActionFlowable, BaseDocTemplate, Flowable, PageBreak

from tpi_desk.clinical.private_files import PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE
from tpi_desk.clinical.session_document import SessionDocument, to_json
from tpi_desk.reports.claims_csv import ClaimsCsvWriter
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_file_names import note_file_name
from tpi_desk.reports.note_format import DASH, patient_name
from tpi_desk.reports.note_pages import NoteStart, build_document, note_document
from tpi_desk.reports.note_pdf import build_note_story, note_page_info, render_note

Progress = Callable[[int, int | None], None]
CancelCheck = Callable[[], bool]


class ExportError(Exception):
    """An export that cannot be written; ``message`` names the file and why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote: nothing at all when ``cancelled`` or when there were no notes."""

    notes: int
    claim_lines: int
    files: tuple[Path, ...]
    session_ids: tuple[str, ...]
    seconds: float
    cancelled: bool = False


def export_batch(
    notes: Iterable[NoteData],
    *,
    merged_pdf: Path | None = None,
    pdf_dir: Path | None = None,
    csv_path: Path | None = None,
    json_path: Path | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    before_commit: Callable[[tuple[str, ...]], None] | None = None,
    file_names_with_patient: bool = False,
) -> ExportSummary:
    """Write the notes to every output asked for; all of them or, on cancel or error, none.

    ``merged_pdf``: one PDF, each note starting on a new page with its own "Page X of Y" and
    an outline bookmark "DOS — Family, Given — MRN". ``pdf_dir``: one PDF per note named
    ``DOS_session-ID.pdf`` (``DOS_MRN_FamilyName.pdf`` with ``file_names_with_patient``; see
    ``note_file_name``), replacing same-named files there. Every file is its owner's only.
    ``csv_path``: the claim lines (``claims_csv``). ``json_path``: a JSON list of session
    documents (the import format). ``progress(done, total)`` is called after each note, with
    ``total`` known when ``notes`` has a length. ``before_commit(session_ids)`` runs once every
    output is complete and before any is renamed into place (the audit log's moment): if it
    raises, nothing is written. Raises ExportError for an output that cannot be written.
    """
    targets = [path for path in (merged_pdf, pdf_dir, csv_path, json_path) if path is not None]
    if not targets:
        raise ExportError("Nothing to write: choose a PDF, a folder of PDFs, a CSV or a JSON file.")
    _refuse_shared_targets(targets)
    total = len(notes) if isinstance(notes, Sized) else None
    started = time.perf_counter()
    with _Staging() as staging, _OpenFiles(staging) as open_files:
        batch = _Batch(
            staging,
            open_files,
            merged_pdf=merged_pdf,
            pdf_dir=pdf_dir,
            csv_path=csv_path,
            json_path=json_path,
            progress=progress,
            cancelled=cancelled or _never,
            total=total,
            file_names_with_patient=file_names_with_patient,
        )
        try:
            with _writes_as_export_errors(staging):
                batch.run(iter(notes))
                batch.finish()
            if batch.cancelled():
                raise _Cancelled
            if not batch.done:  # no notes: no empty files either
                return batch.summary((), time.perf_counter() - started)
            if before_commit is not None:
                before_commit(tuple(batch.session_ids))
            with _writes_as_export_errors(staging):
                files = staging.commit()
        except _Cancelled:
            return batch.summary((), time.perf_counter() - started, cancelled=True)
    return batch.summary(files, time.perf_counter() - started)


def bookmark_title(note: NoteData) -> str:
    """ "2026-03-04 — Ñúñez, Zoë — D-104233": how a note is listed in the merged outline."""
    day = note.entry.performed_at.date().isoformat()
    return f"{day} {DASH} {patient_name(note.patient)} {DASH} {note.patient.mrn}"


def merged_note_story(note: NoteData, key: str) -> list[Flowable]:
    """The note's story with an outline entry (``key`` unique in the document)."""
    story = build_note_story(note)
    start = story[0]
    if not isinstance(start, NoteStart):
        raise TypeError("a note's story must begin with its NoteStart marker")
    info = replace(note_page_info(note), bookmark=(key, bookmark_title(note)))
    story[0] = NoteStart(info)
    return story


# --- One run ----------------------------------------------------------------------------


class _Cancelled(Exception):
    """Raised inside the run to unwind it when the user cancels."""


def _never() -> bool:
    return False


@dataclass
class _Batch:
    """The outputs of one export and its counters, fed one note at a time."""

    staging: _Staging
    open_files: ExitStack
    merged_pdf: Path | None
    pdf_dir: Path | None
    csv_path: Path | None
    json_path: Path | None
    progress: Progress | None
    cancelled: CancelCheck
    total: int | None
    file_names_with_patient: bool = False
    done: int = 0
    session_ids: list[str] = field(default_factory=list)
    _csv: ClaimsCsvWriter | None = None
    _json: _JsonListWriter | None = None
    _note_dir: _NoteFolder | None = None
    _merged_temp: Path | None = None

    def __post_init__(self) -> None:
        """Claim every target first, so an unwritable one fails before any work is done."""
        if self.merged_pdf is not None:
            self._merged_temp = self.staging.file(self.merged_pdf)
        if self.pdf_dir is not None:
            folder = self.staging.folder(self.pdf_dir)
            self._note_dir = _NoteFolder(folder, with_patient=self.file_names_with_patient)
        if self.csv_path is not None:
            handle = self.open_files.enter_context(_open_text(self.staging.file(self.csv_path)))
            self._csv = ClaimsCsvWriter(handle)
        if self.json_path is not None:
            handle = self.open_files.enter_context(_open_text(self.staging.file(self.json_path)))
            self._json = _JsonListWriter(handle)

    def run(self, notes: Iterator[NoteData]) -> None:
        if self._merged_temp is None:
            for _note in self._pulled(notes):
                self.note_finished()
            return
        self._write_merged(notes, self._merged_temp)

    def finish(self) -> None:
        """Complete the outputs and close them (before they are renamed into place)."""
        if self._json is not None:
            self._json.close()
        self.open_files.close()

    def note_finished(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def summary(
        self, files: tuple[Path, ...], seconds: float, *, cancelled: bool = False
    ) -> ExportSummary:
        if cancelled:
            return ExportSummary(0, 0, (), (), seconds, cancelled=True)
        lines = self._csv.rows_written if self._csv is not None else 0
        return ExportSummary(self.done, lines, files, tuple(self.session_ids), seconds)

    def _pulled(self, notes: Iterator[NoteData]) -> Iterator[NoteData]:
        """Each note once the CSV, JSON and per-note PDF have it; stops on cancel."""
        for note in _checked(notes, self.cancelled):
            self.session_ids.append(note.session_id)
            if self._csv is not None:
                self._csv.write_note(note)
            if self._json is not None:
                self._json.write(note)
            if self._note_dir is not None:
                self._note_dir.write(note)
            yield note

    def _write_merged(self, notes: Iterator[NoteData], temp: Path) -> None:
        pulled = self._pulled(notes)
        first = next(pulled, None)
        if first is None:
            return
        document = note_document(
            str(temp),
            title="Procedure notes — billing export",
            author=first.clinic.name,
            subject="Procedure notes exported for billing",
        )
        stories = (
            [*merged_note_story(note, f"note-{index}"), _NoteLaidOut(self)]
            for index, note in enumerate(chain([first], pulled), start=1)
        )
        story = _StreamedStory(_joined_one_at_a_time(stories))
        build_document(document, story)


def _joined_one_at_a_time(stories: Iterator[list[Flowable]]) -> Iterator[list[Flowable]]:
    """As note_pages.join_note_stories (each note from a new page), one note at a time; the
    first part also asks viewers to show the outline."""
    first = next(stories, None)
    if first is None:
        return
    yield [_ShowOutline(), *first]
    for story in stories:
        yield [PageBreak(), *story]


def _checked(notes: Iterator[NoteData], cancelled: CancelCheck) -> Iterator[NoteData]:
    while True:
        if cancelled():
            raise _Cancelled
        note = next(notes, None)
        if note is None:
            return
        yield note


class _StreamedStory(list[Flowable]):
    """A story that takes the next note's flowables only when the layout has used up the last.

    ReportLab's ``build`` consumes its story list from the front and asks ``len(story)``
    before each flowable; refilling there keeps one note's flowables in memory at a time
    instead of a thousand notes' worth.
    """

    def __init__(self, parts: Iterator[list[Flowable]]) -> None:
        super().__init__()
        self._parts = parts
        self._exhausted = False

    def __len__(self) -> int:
        while not self._exhausted and not super().__len__():
            part = next(self._parts, None)
            if part is None:
                self._exhausted = True
            else:
                self.extend(part)
        return super().__len__()


class _NoteLaidOut(ActionFlowable):
    """Placed after each note of a merged document: counts it done and reports progress."""

    def __init__(self, batch: _Batch) -> None:
        super().__init__()
        self._batch = batch

    def apply(self, doc: BaseDocTemplate) -> None:
        self._batch.note_finished()


class _ShowOutline(ActionFlowable):
    """Asks PDF viewers to open the document with its bookmarks (one per note) showing."""

    def apply(self, doc: BaseDocTemplate) -> None:
        doc.canv.showOutline()


# --- Outputs ----------------------------------------------------------------------------


class _JsonListWriter:
    """A JSON list of session documents, written one document at a time."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._written = 0
        handle.write("[")

    def write(self, note: NoteData) -> None:
        self.write_document(to_json(SessionDocument(note.patient, note.provider, note.entry)))

    def write_document(self, document: str) -> None:
        separator = ",\n" if self._written else "\n"
        self._handle.write(separator + textwrap.indent(document.rstrip("\n"), "  "))
        self._written += 1

    def close(self) -> None:
        self._handle.write("\n]\n")


class _NoteFolder:
    """One PDF per note in a folder; a name already used in this batch gets ``_2``, ``_3``..."""

    def __init__(self, folder: Path, *, with_patient: bool) -> None:
        self._folder = folder
        self._with_patient = with_patient
        self._used: set[str] = set()

    def write(self, note: NoteData) -> None:
        path = self._folder / self._unique(note_file_name(note, with_patient=self._with_patient))
        render_note(note, path)
        path.chmod(PRIVATE_FILE_MODE)  # ReportLab creates it with the umask's mode

    def _unique(self, name: str) -> str:
        stem, suffix = name.removesuffix(".pdf"), ".pdf"
        candidate, number = name, 1
        # Case-insensitive, as the file systems of Windows and macOS compare names.
        while candidate.casefold() in self._used:
            number += 1
            candidate = f"{stem}_{number}{suffix}"
        self._used.add(candidate.casefold())
        return candidate


def _private_file(path: Path) -> None:
    """An empty file only its owner can read: exports hold PHI (issue 13)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def _open_text(path: Path) -> TextIO:
    # newline="": the csv module writes its own line endings (RFC 4180 CRLF).
    return path.open("w", encoding="utf-8", newline="")


# --- Temporary files next to the targets ------------------------------------------------


class _Staging:
    """Temporary files and folders next to their targets, renamed into place on ``commit``.

    Until then the targets are untouched; leaving the ``with`` block without a commit
    removes every temporary file and folder.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []
        self._folders: list[tuple[Path, Path]] = []
        self._committed = False

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self._committed:
            self._discard()

    def file(self, target: Path) -> Path:
        """An empty temporary file beside ``target``, created now (so an unwritable path
        fails at once, before any note is rendered)."""
        if target.is_dir():
            raise ExportError(f"Cannot write {target}: it is a folder; give a file name.")
        temp = self._create(target, target.parent, _private_file)
        self._files.append((temp, target))
        return temp

    def folder(self, target: Path) -> Path:
        """A temporary folder inside ``target`` if it exists, else beside it (renamed to it)."""
        if target.exists() and not target.is_dir():
            raise ExportError(f"Cannot write PDFs into {target}: it is a file, not a folder.")
        parent = target if target.is_dir() else target.parent
        temp = self._create(target, parent, lambda path: path.mkdir(PRIVATE_FOLDER_MODE))
        self._folders.append((temp, target))
        return temp

    def target_of(self, path: str | os.PathLike[str]) -> Path | None:
        """The target a temporary path (or a file inside a temporary folder) stands for."""
        path = Path(path)
        for temp, target in self._files:
            if path == temp:
                return target
        for temp, target in self._folders:
            if path == temp or temp in path.parents:
                return target
        return None

    def commit(self) -> tuple[Path, ...]:
        """Rename every temporary output into place; returns the files now written."""
        written: list[Path] = []
        for temp, target in self._files:
            temp.replace(target)
            written.append(target)
        for temp, target in self._folders:
            names = sorted(path.name for path in temp.iterdir())
            if temp.parent == target:
                for name in names:
                    (temp / name).replace(target / name)
                temp.rmdir()
            else:
                temp.rename(target)
            written += [target / name for name in names]
        self._committed = True
        return tuple(written)

    def _create(self, target: Path, parent: Path, make: Callable[[Path], object]) -> Path:
        for attempt in range(100):
            temp = parent / f".{target.name}.{os.getpid()}-{attempt}.part"
            try:
                make(temp)
            except FileExistsError:
                continue
            except OSError as error:
                raise _cannot_write(target, error) from None
            return temp
        raise ExportError(f"Cannot write {target}: too many unfinished exports beside it.")

    def _discard(self) -> None:
        for temp, _target in self._files:
            temp.unlink(missing_ok=True)
        for temp, _target in self._folders:
            shutil.rmtree(temp, ignore_errors=True)


class _OpenFiles(ExitStack):
    """The open outputs; closing one can fail too (its last flush on a full disk), and that
    is reported as an ExportError like any failed write, not as a traceback (issue 13)."""

    def __init__(self, staging: _Staging) -> None:
        super().__init__()
        self._staging = staging

    def __exit__(self, *exc: Any) -> bool:
        suppressed = False
        with _writes_as_export_errors(self._staging):
            suppressed = bool(super().__exit__(*exc))
        return suppressed


@contextmanager
def _writes_as_export_errors(staging: _Staging) -> Iterator[None]:
    """Turns a failed write (disk full, permission, a folder gone) into an ExportError."""
    try:
        yield
    except OSError as error:
        target = staging.target_of(error.filename) if error.filename else None
        raise _cannot_write(target, error) from error


def _cannot_write(target: Path | None, error: OSError) -> ExportError:
    where = f"Cannot write {target}" if target is not None else "Cannot write the export"
    if isinstance(error, FileNotFoundError) and target is not None:
        reason = f"the folder {target.parent} does not exist"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    elif error.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif error.errno == errno.EROFS:
        reason = "the disk is read-only"
    else:
        reason = (error.strerror or str(error)).rstrip(".").lower()
    return ExportError(f"{where}: {reason}.")


def _refuse_shared_targets(targets: list[Path]) -> None:
    seen: set[Path] = set()
    for target in targets:
        resolved = target.resolve()
        if resolved in seen:
            raise ExportError(f"{target} is given for two outputs; give each its own file.")
        seen.add(resolved)
