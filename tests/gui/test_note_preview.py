"""The note preview: Qt's PDF viewer over the rendered note, page navigation, Print and Save.

Set TPI_DESK_SCREENSHOTS=DIR to write note-preview.png there (docs/screenshots/ holds it).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    activate,
    add_patient,
    add_physician,
    add_session,
    show_window,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import Role
from tpi_desk.clinical.settings import CLINIC_ADDRESS_LINES, CLINIC_NAME, CLINIC_PHONE
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.note_pdf_source import NotePdfSource
from tpi_desk.ui.note_preview import NOTHING_SELECTED, NotePreviewDialog, open_note_preview
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.theme import apply_theme

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
PERFORMED = datetime(2026, 11, 17, 9, 30).astimezone()


@pytest.fixture
def doctor(context: AppContext) -> ProviderRecord:
    """Dr. Hartley, MD, who signs with ``PASSWORD``."""
    provider = add_physician(context)
    context.users.reset_password(None, provider.facts.username, PASSWORD)
    return provider


@pytest.fixture
def draft(context: AppContext, doctor: ProviderRecord) -> SessionRecord:
    patient = add_patient(context)
    return add_session(context, patient.id, doctor.id, PERFORMED)


@pytest.fixture
def signed(context: AppContext, doctor: ProviderRecord, draft: SessionRecord) -> SessionRecord:
    return context.signing.sign(
        draft.id, draft.version, doctor.id, actor=acting_as(doctor), password=PASSWORD
    )


def preview(
    qtbot: QtBot,
    context: AppContext,
    session_id: int,
    actor: Actor,
    messages: RecordingMessages | None = None,
) -> NotePreviewDialog:
    source = NotePdfSource(context, actor=actor)
    dialog = NotePreviewDialog(source.note(session_id), source, messages or RecordingMessages())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def prints_recorded(context: AppContext) -> list[int | None]:
    page = context.audit_log.report(None, action=AuditAction.PRINT)
    return [entry.record_id for entry in page.rows]


def test_preview_loads_every_page_of_the_note_ready_and_fitted_to_the_width(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, signed: SessionRecord
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))

    pages = len(PdfReader(io.BytesIO(dialog.note.pdf)).pages)
    assert dialog.document.status() is QPdfDocument.Status.Ready
    assert dialog.page_count() == pages >= 2
    assert dialog.view.document() is dialog.document
    assert dialog.view.zoomMode() is QPdfView.ZoomMode.FitToWidth
    assert dialog.page_total.text() == f"of {pages}"
    assert dialog.status_chip.text() == "Signed"
    assert "Ñúñez, Zoë" in dialog.windowTitle()
    text = pdf_text(dialog.note.pdf)
    assert "Dr. Imogen Hartley" in text
    assert "DRAFT" not in text


def test_pages_are_navigated_with_the_buttons_and_the_page_box(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, signed: SessionRecord
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    last = dialog.page_count() - 1
    assert dialog.current_page() == 0
    assert not dialog.previous_button.isEnabled()

    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.current_page() == 1)
    assert dialog.page_box.value() == 2
    assert dialog.previous_button.isEnabled()

    dialog.page_box.setValue(last + 1)
    qtbot.waitUntil(lambda: dialog.current_page() == last)
    assert not dialog.next_button.isEnabled()

    dialog.previous_button.click()
    qtbot.waitUntil(lambda: dialog.current_page() == last - 1)


def test_zoom_leaves_fit_width_until_it_is_chosen_again(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, signed: SessionRecord
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    fitted = dialog.view.zoomFactor()

    dialog.zoom_in_button.click()

    assert dialog.view.zoomMode() is QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 1.25)
    assert not dialog.fit_width_button.isChecked()
    dialog.fit_width_button.click()
    assert dialog.view.zoomMode() is QPdfView.ZoomMode.FitToWidth
    assert dialog.fit_width_button.isChecked()


def test_a_draft_previews_with_the_draft_mark(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, draft: SessionRecord
) -> None:
    dialog = preview(qtbot, context, draft.id, acting_as(doctor))

    assert dialog.note.is_draft
    assert dialog.status_chip.text() == "Draft — not signed"
    assert "DRAFT" in pdf_text(dialog.note.pdf)


def test_save_writes_the_pdf_under_the_billing_name_and_audits_it(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    suggested: list[Path] = []
    target = tmp_path / "chosen" / "zoe-note.pdf"
    target.parent.mkdir()

    def ask(path: Path) -> Path:
        suggested.append(path)
        return target

    monkeypatch.setattr(dialog, "ask_save_path", ask)
    saved = dialog.save_pdf()

    assert saved == target
    # Named by date and session id, not the patient (issue 13).
    assert suggested[0].name == f"2026-11-17_session-{signed.id}.pdf"
    reader = PdfReader(target)
    assert len(reader.pages) == dialog.page_count()
    assert "Ñúñez, Zoë" in "\n".join(page.extract_text() for page in reader.pages)
    assert prints_recorded(context) == [signed.id]


def test_save_to_a_missing_folder_says_so_and_writes_nothing(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    messages = RecordingMessages()
    dialog = preview(qtbot, context, signed.id, acting_as(doctor), messages)
    target = tmp_path / "no-such-folder" / "note.pdf"
    monkeypatch.setattr(dialog, "ask_save_path", lambda _path: target)

    assert dialog.save_pdf() is None

    assert messages.shown == [
        ("error", "Could not save the PDF", f"Cannot write {target}: no such file or directory.")
    ]
    assert not target.parent.exists()
    assert prints_recorded(context) == []


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    monkeypatch.setattr(dialog, "ask_save_path", lambda _path: None)

    assert dialog.save_pdf() is None
    assert prints_recorded(context) == []


def print_to_file(
    monkeypatch: pytest.MonkeyPatch,
    dialog: NotePreviewDialog,
    output: Path,
    pages: tuple[int, int] | None = None,
) -> list[QPrinter]:
    """Makes ``dialog`` print to a PDF file instead of asking for a printer."""
    chosen: list[QPrinter] = []

    def ask(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        if pages is not None:
            printer.setFromTo(*pages)
        chosen.append(printer)
        return True

    monkeypatch.setattr(dialog, "ask_printer", ask)
    return chosen


def test_print_draws_every_page_on_the_printer(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    output = tmp_path / "printed.pdf"
    chosen = print_to_file(monkeypatch, dialog, output)

    printed = dialog.print_note()

    assert printed == dialog.page_count()
    assert len(PdfReader(output).pages) == dialog.page_count()
    assert chosen[0].pageLayout().pageSize().id() is QPageSize.PageSizeId.Letter
    assert chosen[0].docName() == f"2026-11-17_session-{signed.id}"
    assert prints_recorded(context) == [signed.id]


def test_print_honours_the_page_range_chosen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    output = tmp_path / "page-two.pdf"
    print_to_file(monkeypatch, dialog, output, pages=(2, 2))

    assert dialog.print_note() == 1
    assert len(PdfReader(output).pages) == 1


def test_cancelling_the_print_dialog_prints_nothing(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    monkeypatch.setattr(dialog, "ask_printer", lambda _printer: False)

    assert dialog.print_note() == 0
    assert prints_recorded(context) == []


def test_billing_staff_may_not_preview_a_draft(
    qtbot: QtBot, context: AppContext, draft: SessionRecord
) -> None:
    clerk = context.users.add_user("bclerk", "Bea Clerk", PASSWORD, role=Role.BILLING, actor=None)
    messages = RecordingMessages()
    parent = _parent(qtbot)

    opened = open_note_preview(
        parent, context, messages, draft.id, actor=Actor(clerk.id, "bclerk", Role.BILLING)
    )

    assert opened is None
    assert messages.kinds() == ["error"]
    assert messages.shown[0][1] == "Cannot preview the note"
    assert "draft" in messages.shown[0][2]


def test_open_note_preview_shows_the_window_for_a_saved_session(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, signed: SessionRecord
) -> None:
    messages = RecordingMessages()
    parent = _parent(qtbot)

    opened = open_note_preview(parent, context, messages, signed.id, actor=acting_as(doctor))

    assert isinstance(opened, NotePreviewDialog)
    assert opened.isVisible()
    assert opened.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assert opened.note.session_id == signed.id
    assert messages.shown == []
    opened.close()


def previews_of(widget: QWidget) -> list[NotePreviewDialog]:
    return [dialog for dialog in widget.findChildren(NotePreviewDialog) if dialog.isVisible()]


def test_the_editor_previews_a_saved_session_with_ctrl_p(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, signed: SessionRecord
) -> None:
    messages = RecordingMessages()
    editor = SessionEditor(context, messages, actor=acting_as(doctor))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    activate(qtbot, editor)

    editor.new_session(signed.patient.id)
    assert not editor.header.preview_button.isEnabled()
    assert not editor.preview_action.isEnabled()
    editor.open_session(signed.id)
    assert editor.header.preview_button.isEnabled()
    assert editor.preview_action.shortcut().toString() == "Ctrl+P"

    editor.header.close_button.setFocus()
    qtbot.keyClick(editor.header.close_button, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    opened = previews_of(editor)
    assert [dialog.note.session_id for dialog in opened] == [signed.id]
    assert messages.shown == []
    opened[0].close()


def test_the_editor_previews_a_draft_marked_draft(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord, draft: SessionRecord
) -> None:
    editor = SessionEditor(context, RecordingMessages(), actor=acting_as(doctor))
    qtbot.addWidget(editor)
    editor.open_session(draft.id)

    editor.header.preview_button.click()

    opened = previews_of(editor)
    assert len(opened) == 1
    assert opened[0].status_chip.text() == "Draft — not signed"
    assert "DRAFT" in pdf_text(opened[0].note.pdf)
    opened[0].close()


def test_the_window_previews_the_session_selected_on_the_patient_page(
    qtbot: QtBot, context: AppContext, signed: SessionRecord
) -> None:
    window = show_window(qtbot, context, RecordingMessages())
    activate(qtbot, window)
    assert window.open_patient(signed.patient.id)
    history = window.patient_page.history
    history.setFocus()

    qtbot.keyClick(history, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    opened = previews_of(window)
    assert [dialog.note.session_id for dialog in opened] == [signed.id]
    opened[0].close()


def test_the_window_says_what_to_select_when_no_session_is(
    qtbot: QtBot, context: AppContext, doctor: ProviderRecord
) -> None:
    window = show_window(qtbot, context, RecordingMessages())

    window.preview_action.trigger()

    assert previews_of(window) == []
    assert window.statusBar().currentMessage() == NOTHING_SELECTED


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The app's theme for the screenshot, then the test defaults back for later tests."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    apply_theme(qapp)
    yield
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def test_screenshot_of_the_preview(
    qtbot: QtBot,
    themed: None,
    context: AppContext,
    doctor: ProviderRecord,
    signed: SessionRecord,
    tmp_path: Path,
) -> None:
    admin = context.users.add_user("admin", "Clinic Admin", PASSWORD, role=Role.ADMIN, actor=None)
    as_admin = Actor(admin.id, admin.username, Role.ADMIN)
    clinic = {
        CLINIC_NAME: "Riverside Pain & Spine",
        CLINIC_ADDRESS_LINES: ["1200 Harbor View Drive, Suite 300", "Portland, OR 97201"],
        CLINIC_PHONE: "(503) 555-0142",
    }
    for key, value in clinic.items():
        context.settings.set_value(key, value, actor=as_admin)
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    dialog.resize(900, 860)
    qtbot.wait(50)
    assert "Riverside Pain & Spine" in pdf_text(dialog.note.pdf)
    folder = Path(os.environ.get(SCREENSHOTS_ENV, tmp_path))
    path = folder / "note-preview.png"

    assert dialog.grab().save(str(path))
    assert path.stat().st_size < 300_000


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent
