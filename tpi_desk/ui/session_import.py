"""Import session documents from the GUI: every file must be valid, or nothing is imported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_document import DocumentInvalid, SessionDocument, from_json
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.importing import ImportedSession
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.problem_list_dialog import ProblemRow
from tpi_desk.ui.wait_cursor import wait_cursor

MAX_DOCUMENT_BYTES = 5_000_000
WHOLE_FILE = "(whole file)"


def read_documents(
    paths: Sequence[Path], catalog: Catalog
) -> tuple[list[SessionDocument], list[ProblemRow]]:
    """Parse every file; the documents read and a row per problem (file, field, message)."""
    documents: list[SessionDocument] = []
    problems: list[ProblemRow] = []
    for path in paths:
        try:
            documents.append(from_json(_read_text(path), catalog))
        except DocumentInvalid as invalid:
            problems += [ProblemRow(path.name, p.label, p.message) for p in invalid.problems]
        except _UnreadableFile as unreadable:
            problems.append(ProblemRow(path.name, WHOLE_FILE, str(unreadable)))
    return documents, problems


def import_session_files(
    parent: QWidget | None,
    context: AppContext,
    messages: UserMessages,
    paths: Sequence[Path],
    *,
    actor: Actor | None = None,
) -> list[ImportedSession]:
    """Validate all ``paths``, then import them as drafts (as ``actor``); shows what happened
    either way."""
    documents, problems = read_documents(paths, context.catalog)
    if problems:
        _show_problems(parent, messages, problems, len(paths))
        return []
    try:
        with wait_cursor():
            imported = context.importing.import_documents(documents, actor=actor)
    except ValidationFailed as failed:
        rows = [ProblemRow("one of the files", p.label, p.message) for p in failed.problems]
        _show_problems(parent, messages, rows, len(paths))
        return []
    except UserError as error:
        messages.error(parent, "Nothing was imported", error.message)
        return []
    messages.info(parent, "Sessions imported", _summary(paths, documents, imported))
    return imported


def _show_problems(
    parent: QWidget | None, messages: UserMessages, rows: list[ProblemRow], file_count: int
) -> None:
    bad_files = len({row.place for row in rows})
    messages.problems(
        parent,
        "Nothing was imported",
        f"{len(rows)} problem(s) in {bad_files} of {file_count} file(s). Nothing was imported; "
        "fix the fields below and import the files again.",
        rows,
    )


def _summary(
    paths: Sequence[Path], documents: Sequence[SessionDocument], imported: Sequence[ImportedSession]
) -> str:
    lines = [f"Imported {len(imported)} session(s) as drafts:"]
    for path, document, result in zip(paths, documents, imported, strict=True):
        patient = document.patient
        new = " — new patient" if result.patient_created else ""
        lines.append(
            f"• {path.name}: {patient.family_name}, {patient.given_name} (MRN {patient.mrn}){new}"
        )
    return "\n".join(lines)


class _UnreadableFile(Exception):
    pass


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise _UnreadableFile("is larger than 5 MB; a session document is a few kB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise _UnreadableFile("no such file") from error
    except IsADirectoryError as error:
        raise _UnreadableFile("is a folder, not a session document") from error
    except PermissionError as error:
        raise _UnreadableFile("cannot be read (permission denied)") from error
    except UnicodeDecodeError as error:
        raise _UnreadableFile("is not UTF-8 text; save it as UTF-8 JSON") from error
    except OSError as error:
        raise _UnreadableFile(f"cannot be read ({error.strerror or error})") from error


def ask_session_files(parent: QWidget) -> list[Path]:
    """The session documents the user picks to import (empty if they cancel)."""
    names, _ = QFileDialog.getOpenFileNames(
        parent, "Import session documents", "", "Session documents (*.json);;All files (*)"
    )
    return [Path(name) for name in names]
