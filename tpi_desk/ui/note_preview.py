"""The note PDF inside the app: Qt's PDF viewer with page navigation, zoom, Print and Save."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QPoint,
    QPointF,
    QRect,
    QSize,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QKeySequence, QPageSize, QPainter, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.errors import UserError
from tpi_desk.services.export.note_pdf import NotePdf
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.aftercare_action import AftercareHandoutAction
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.item_models.session_list_model import SessionListModel
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.note_pdf_source import NotePdfSource
from tpi_desk.ui.session_editor.style import (
    AMBER,
    AMBER_BACKGROUND,
    AMBER_BORDER,
    GREEN,
    GREEN_BACKGROUND,
    MUTED,
    RED,
    RED_BACKGROUND,
)
from tpi_desk.ui.theme import PAGE_STYLE
from tpi_desk.ui.wait_cursor import wait_cursor

PREVIEW_SIZE = (900, 1000)
VIEW_BACKGROUND = "#dfe3e8"
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 5.0
# Pages print as images of at most this resolution (a Letter page at 300 dpi is ~33 MB).
MAX_PRINT_DPI = 300
POINTS_PER_INCH = 72
NOTHING_SELECTED = "Select a session (or open one) to preview its note."
STATUS_MESSAGE_MS = 6000
STATUS_CHIPS = {
    NoteStatus.DRAFT: ("Draft — not signed", AMBER, AMBER_BACKGROUND, AMBER_BORDER),
    NoteStatus.SIGNED: ("Signed", GREEN, GREEN_BACKGROUND, GREEN),
    NoteStatus.ENTERED_IN_ERROR: ("Entered in error", RED, RED_BACKGROUND, RED),
}


class NotePreviewDialog(QDialog):
    """One note's PDF, fitted to the width; Print… (Ctrl+P) and Save PDF… (Ctrl+S)."""

    def __init__(
        self,
        note: NotePdf,
        source: NotePdfSource,
        messages: UserMessages,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.note = note
        self._source = source
        self._messages = messages
        self.setWindowTitle(f"Note preview — {note.title}")
        self.resize(*PREVIEW_SIZE)
        # The document reads from the buffer whenever it draws a page: the buffer is the
        # document's child, so it lives exactly as long (Qt deletes it after the document).
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self.document)
        self._buffer.setData(QByteArray(note.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(14)
        self.view.setDocumentMargins(QMargins(28, 18, 28, 18))
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor(VIEW_BACKGROUND))  # around the pages
        self.view.setPalette(palette)

        self.status_chip = QLabel()
        self.title_label = QLabel(note.title)
        self.title_label.setObjectName("sectionTitle")
        self.page_box = QSpinBox()
        self.page_box.setRange(1, max(1, self.page_count()))
        self.page_box.setAccessibleName("Page")
        self.page_box.setKeyboardTracking(False)
        self.page_total = QLabel(f"of {self.page_count()}")
        self.previous_button = _tool_button(Qt.ArrowType.UpArrow, "Previous page (Page Up)")
        self.next_button = _tool_button(Qt.ArrowType.DownArrow, "Next page (Page Down)")
        self.zoom_out_button = _tool_button("−", "Zoom out (Ctrl+-)")
        self.zoom_in_button = _tool_button("+", "Zoom in (Ctrl++)")
        self.fit_width_button = QPushButton("Fit width")
        self.fit_width_button.setCheckable(True)
        self.fit_width_button.setChecked(True)
        self.fit_width_button.setToolTip("Fit the page to the window's width (Ctrl+0)")
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("Print the note (Ctrl+P)")
        self.save_button = QPushButton("Save PDF…")
        self.save_button.setToolTip(f"Save the note as {note.file_name} (Ctrl+S)")
        self.save_button.setObjectName("primaryButton")
        self.close_button = QPushButton("Close")
        # The patient's handout is printed from a signed note only (issue 14).
        self.aftercare = AftercareHandoutAction(
            self, source, messages, note.session_id, self.ask_save_path, _documents_folder()
        )
        self.aftercare.button.setVisible(note.status is NoteStatus.SIGNED)
        self.next_action = self._action(QKeySequence.StandardKey.MoveToNextPage)
        self.previous_action = self._action(QKeySequence.StandardKey.MoveToPreviousPage)
        self.zoom_in_action = self._action(QKeySequence.StandardKey.ZoomIn)
        self.zoom_out_action = self._action(QKeySequence.StandardKey.ZoomOut)
        self.fit_width_action = self._action(QKeySequence("Ctrl+0"))
        self.print_action = self._action(QKeySequence.StandardKey.Print)
        self.save_action = self._action(QKeySequence.StandardKey.Save)
        self._show_status(note.status)
        self._build_layout()
        self._connect_signals()
        self.setStyleSheet(PAGE_STYLE)
        self._page_changed(0)

    def _action(self, shortcut: QKeySequence | QKeySequence.StandardKey) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)
        return action

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.title_label)
        bar.addWidget(self.status_chip)
        bar.addStretch(1)
        bar.addWidget(QLabel("Page"))
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addSpacing(14)
        bar.addWidget(self.zoom_out_button)
        bar.addWidget(self.zoom_in_button)
        bar.addWidget(self.fit_width_button)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        hint = QLabel(f"Saves as {self.note.file_name}")
        hint.setStyleSheet(f"color: {MUTED};")
        buttons.addWidget(hint)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.aftercare.button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._page_changed)
        self.page_box.valueChanged.connect(lambda number: self.go_to_page(number - 1))
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.fit_width_button.clicked.connect(self.fit_width)
        self.print_button.clicked.connect(lambda: self.print_note())
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.close_button.clicked.connect(self.accept)
        self.next_action.triggered.connect(self.next_page)
        self.previous_action.triggered.connect(self.previous_page)
        self.zoom_in_action.triggered.connect(self.zoom_in)
        self.zoom_out_action.triggered.connect(self.zoom_out)
        self.fit_width_action.triggered.connect(self.fit_width)
        self.print_action.triggered.connect(lambda: self.print_note())
        self.save_action.triggered.connect(lambda: self.save_pdf())

    def _show_status(self, status: NoteStatus) -> None:
        text, colour, background, border = STATUS_CHIPS[status]
        self.status_chip.setText(text)
        self.status_chip.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; border: 1px solid {border};"
            " border-radius: 9px; padding: 1px 8px; font-weight: 600; }"
        )

    # --- pages and zoom -----------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page showing, counted from 0."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        """Scroll to ``page`` (from 0; clamped to the document)."""
        page = min(max(page, 0), max(self.page_count() - 1, 0))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def zoom_in(self) -> None:
        self._zoom_to(self.view.zoomFactor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_to(self.view.zoomFactor() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.fit_width_button.setChecked(True)

    def _zoom_to(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, MIN_ZOOM), MAX_ZOOM))
        self.fit_width_button.setChecked(False)

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count() - 1)

    # --- save ---------------------------------------------------------------------------

    def ask_save_path(self, suggested: Path) -> Path | None:
        """The file the user saves to (None if they cancel); tests replace this."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the note as PDF", str(suggested), "PDF documents (*.pdf)"
        )
        return Path(name) if name else None

    def save_pdf(self) -> Path | None:
        """Ask where, write the PDF and record it in the audit log; the path written or None."""
        path = self.ask_save_path(_documents_folder() / self.note.file_name)
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".pdf")
        try:
            path.write_bytes(self.note.pdf)
        except OSError as error:
            reason = (error.strerror or str(error)).rstrip(".").lower()
            self._messages.error(self, "Could not save the PDF", f"Cannot write {path}: {reason}.")
            return None
        try:
            self._source.record_print(self.note)
        except UserError as error:
            path.unlink(missing_ok=True)  # a copy the audit log does not know of must not stay
            self._messages.error(self, "Could not save the PDF", error.message)
            return None
        return path

    # --- print --------------------------------------------------------------------------

    def ask_printer(self, printer: QPrinter) -> bool:
        """Let the user choose the printer and pages (False if they cancel); tests replace it."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the note")
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_note(self) -> int:
        """Ask for a printer, record the print in the audit log, print; the pages printed."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.note.file_name.removesuffix(".pdf"))
        if self.page_count():
            printer.setPageSize(
                QPageSize(
                    self.document.pagePointSize(0),
                    QPageSize.Unit.Point,
                    "",
                    QPageSize.SizeMatchPolicy.FuzzyMatch,
                )
            )
        if not self.ask_printer(printer):
            return 0
        try:
            self._source.record_print(self.note)
        except UserError as error:
            self._messages.error(self, "Could not print the note", error.message)
            return 0
        with wait_cursor():
            printed = self.print_to(printer)
        if not printed:
            self._messages.error(
                self, "Could not print the note", "The printer could not be started."
            )
        return printed

    def print_to(self, printer: QPrinter) -> int:
        """Draw the pages chosen on ``printer`` (each fitted to the printable area); returns
        the number of pages drawn (0 when the printer cannot be started)."""
        first, last = 0, self.page_count() - 1
        if printer.fromPage() > 0:
            first = printer.fromPage() - 1
            last = min(printer.toPage() - 1, last) if printer.toPage() > 0 else last
        painter = QPainter()
        if last < first or not painter.begin(printer):
            return 0
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        area = printer.pageLayout().paintRectPixels(printer.resolution()).size()
        try:
            for page in range(first, last + 1):
                if page > first:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                size = QSize(
                    round(points.width() * dpi / POINTS_PER_INCH),
                    round(points.height() * dpi / POINTS_PER_INCH),
                )
                fitted = size.scaled(area, Qt.AspectRatioMode.KeepAspectRatio)
                left = (area.width() - fitted.width()) // 2
                painter.drawImage(QRect(QPoint(left, 0), fitted), self.document.render(page, size))
        finally:
            painter.end()
        return last - first + 1


def open_note_preview(
    parent: QWidget,
    context: AppContext,
    messages: UserMessages,
    session_id: int,
    *,
    actor: Actor | None = None,
) -> NotePreviewDialog | None:
    """Render the note of ``session_id`` and show it in a preview window (not modal); None,
    after saying why, when the session cannot be read."""
    source = NotePdfSource(context, actor=actor)
    try:
        with wait_cursor():
            note = source.note(session_id)
    except UserError as error:
        messages.error(parent, "Cannot preview the note", error.message)
        return None
    dialog = NotePreviewDialog(note, source, messages, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def preview_selected_note(
    window: QMainWindow,
    page: QWidget | None,
    context: AppContext,
    messages: UserMessages,
    *,
    actor: Actor | None = None,
) -> NotePreviewDialog | None:
    """Preview the session ``page`` is about (see ``selected_session_id``); when there is
    none, the window's status bar says what to select."""
    session_id = selected_session_id(page)
    if session_id is None:
        window.statusBar().showMessage(NOTHING_SELECTED, STATUS_MESSAGE_MS)
        return None
    return open_note_preview(window, context, messages, session_id, actor=actor)


def selected_session_id(page: QWidget | None) -> int | None:
    """The session a page is about: the one open in an editor, else the selected row of the
    page's visible session list (None when there is none)."""
    if page is None:
        return None
    open_id = getattr(page, "session_id", None)
    if isinstance(open_id, int):
        return open_id
    for table in page.findChildren(QTableView):
        model, index = table.model(), table.currentIndex()
        if isinstance(model, SessionListModel) and index.isValid() and table.isVisibleTo(page):
            return model.summary_at(index.row()).id
    return None


def _tool_button(face: str | Qt.ArrowType, tip: str) -> QToolButton:
    button = QToolButton()
    if isinstance(face, Qt.ArrowType):
        button.setArrowType(face)
    else:
        button.setText(face)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setAutoRaise(True)
    button.setMinimumWidth(28)
    return button


def _documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()
