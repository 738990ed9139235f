"""The billing batch in parts: consecutive notes rendered elsewhere (worker processes), joined
here in order into the merged PDF, the claims CSV and the JSON list.

``render_part`` is what a worker does with its share: the notes laid out as a small merged
PDF (each from a new page, its own "Page X of Y", its outline bookmark) and each note's claim
lines and session document as plain values. ``export_parts`` takes the parts in the batch's
order and writes the outputs exactly as ``export_batch`` does (the parts' PDFs joined object
by object, ``pdf_join``): temporary files beside the targets, ``before_commit`` (the audit)
once all are complete, renamed into place, and nothing at all on cancel or error.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import ActionFlowable, BaseDocTemplate

from tpi_desk.clinical.session_document import SessionDocument, to_json
from tpi_desk.reports.batch_export import (
    CancelCheck,
    ExportError,
    ExportSummary,
    _Cancelled,
    _joined_one_at_a_time,
    _JsonListWriter,
    _open_text,
    _OpenFiles,
    _refuse_shared_targets,
    _Staging,
    _StreamedStory,
    _writes_as_export_errors,
    merged_note_story,
)
from tpi_desk.reports.claims_csv import ClaimsCsvWriter, claim_rows
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_pages import build_document, note_document
from tpi_desk.reports.pdf_join import PdfJoiner, PdfJoinError

MERGED_TITLE = "Procedure notes — billing export"
MERGED_SUBJECT = "Procedure notes exported for billing"


@dataclass(frozen=True, slots=True)
class RenderedNote:
    """One note of a part: what the CSV and JSON outputs need of it, as plain values."""

    session_id: str
    claim_rows: tuple[tuple[str, ...], ...]
    json_document: str | None


@dataclass(frozen=True, slots=True)
class RenderedPart:
    """Consecutive notes of the batch: their merged PDF (``pdf`` None when ``notes`` is empty)
    and each note's values, in order."""

    pdf: Path | None
    notes: tuple[RenderedNote, ...]


def render_part(
    notes: Sequence[NoteData],
    path: Path,
    *,
    first_number: int,
    with_json: bool,
    note_done: Callable[[], None],
) -> RenderedPart:
    """Lay ``notes`` out as one merged PDF at ``path`` (bookmarks numbered from
    ``first_number``); ``note_done()`` after each note is laid out."""
    if not notes:
        return RenderedPart(None, ())
    document = note_document(
        str(path), title=MERGED_TITLE, author=notes[0].clinic.name, subject=MERGED_SUBJECT
    )
    stories = (
        [*merged_note_story(note, f"note-{number}"), _NoteDone(note_done)]
        for number, note in enumerate(notes, start=first_number)
    )
    build_document(document, _StreamedStory(_joined_one_at_a_time(stories)))
    rendered = tuple(
        RenderedNote(
            note.session_id,
            tuple(claim_rows(note)),
            to_json(SessionDocument(note.patient, note.provider, note.entry))
            if with_json
            else None,
        )
        for note in notes
    )
    return RenderedPart(path, rendered)


class _NoteDone(ActionFlowable):
    def __init__(self, note_done: Callable[[], None]) -> None:
        super().__init__()
        self._note_done = note_done

    def apply(self, doc: BaseDocTemplate) -> None:
        self._note_done()


PartsSource = Callable[[Path], Iterator[RenderedPart]]


def export_parts(
    parts: PartsSource,
    *,
    merged_pdf: Path,
    csv_path: Path | None = None,
    json_path: Path | None = None,
    cancelled: CancelCheck | None = None,
    before_commit: Callable[[tuple[str, ...]], None] | None = None,
) -> ExportSummary:
    """Join the parts ``parts(scratch)`` yields, in order, into the outputs asked for.

    ``scratch`` is a private folder beside ``merged_pdf`` for the parts' PDFs, removed at the
    end whatever happens. Same outcome and guarantees as ``export_batch``; progress is the
    parts' source's to report, as notes finish anywhere.
    """
    targets = [path for path in (merged_pdf, csv_path, json_path) if path is not None]
    _refuse_shared_targets(targets)
    started = time.perf_counter()
    session_ids: list[str] = []
    lines = 0
    with _Staging() as staging, _OpenFiles(staging) as open_files:
        merged_temp = staging.file(merged_pdf)
        csv = json = None
        if csv_path is not None:
            csv = ClaimsCsvWriter(open_files.enter_context(_open_text(staging.file(csv_path))))
        if json_path is not None:
            json = _JsonListWriter(open_files.enter_context(_open_text(staging.file(json_path))))
        scratch = _scratch_folder(merged_pdf)
        try:
            with _writes_as_export_errors(staging), _joined_errors():
                merged = open_files.enter_context(merged_temp.open("wb"))
                joiner = PdfJoiner(merged)
                for part in parts(scratch):
                    _check(cancelled)
                    if part.pdf is not None:
                        joiner.add(part.pdf)
                    for note in part.notes:
                        session_ids.append(note.session_id)
                        if csv is not None:
                            csv.write_rows(note.claim_rows)
                        if json is not None and note.json_document is not None:
                            json.write_document(note.json_document)
                _check(cancelled)
                if not session_ids:  # no notes: no empty files either
                    return ExportSummary(0, 0, (), (), time.perf_counter() - started)
                joiner.finish()
                if json is not None:
                    json.close()
                open_files.close()
            if before_commit is not None:
                before_commit(tuple(session_ids))
            with _writes_as_export_errors(staging):
                files = staging.commit()
            lines = csv.rows_written if csv is not None else 0
        except _Cancelled:
            return ExportSummary(0, 0, (), (), time.perf_counter() - started, cancelled=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return ExportSummary(
        len(session_ids), lines, files, tuple(session_ids), time.perf_counter() - started
    )


def _check(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise _Cancelled


def _scratch_folder(merged_pdf: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f".{merged_pdf.name}.parts-", dir=merged_pdf.parent))
    except OSError as error:
        raise ExportError(f"Cannot write {merged_pdf}: {error.strerror or error}.") from error


@contextmanager
def _joined_errors() -> Iterator[None]:
    """A part the joiner cannot read is our own fault, reported in words, not a traceback."""
    try:
        yield
    except PdfJoinError as error:
        raise ExportError(f"The merged PDF could not be joined from its parts: {error}") from error
