"""Reports > Lot recall…: type a lot (known lots are offered as you type), see every patient who
received it, when, where, how much and from whom, and save the list as CSV or PDF.

The table shows the newest 200 lines at once and fetches more as it is scrolled to the end
(a month's lot of a busy clinic has thousands). Each search is audited by the service;
saving writes every line, not only those on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.lot_recall import LotRecall, RecallLine
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.lot_recall import PAGE_SIZE, LotRecallService
from tpi_desk.ui.formatting import format_date
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.wait_cursor import wait_cursor

HEADERS = ("Date", "Patient", "MRN", "Born", "Site", "Location", "Drug, dose", "Lot",
           "Clinician", "Note")  # fmt: skip
SAMPLES = ("2026-03-05 09:30", "Ñúñez-Ødegård, Zoë", "SYN-00001", "Mar 14, 1979",
           "Upper trapezius, bilateral", "Clinic", None, "AB12345", "Dr. Imogen Hartley, MD",
           "entered in error")  # fmt: skip
TYPE_AHEAD_MS = 150


class RecallTableModel(RowTableModel[RecallLine]):
    """One row per medication line given from the lot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(HEADERS, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.row_for(index)
        if line is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _cells(line)[index.column()]


def _cells(line: RecallLine) -> tuple[str, ...]:
    dose = f"{line.drug} {decimal_text(line.dose)} {line.unit} ({decimal_text(line.volume_ml)} mL)"
    return (
        line.performed_at.strftime("%Y-%m-%d %H:%M"),
        line.patient_name,
        line.patient_mrn,
        format_date(line.date_of_birth),
        line.site,
        line.location or "Clinic",
        dose,
        line.lot + (f" (NDC {line.ndc})" if line.ndc else ""),
        line.clinician,
        line.note_status.value.replace("_", " "),
    )


class LotRecallDialog(QDialog):
    """The recall search; ``search()`` runs it (Enter in either field does too)."""

    def __init__(
        self,
        recall: LotRecallService,
        messages: UserMessages,
        actor: Actor | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lot recall")
        self.resize(1100, 600)
        self._service = recall
        self._messages = messages
        self._actor = actor
        self._recall: LotRecall | None = None
        self.page_size = PAGE_SIZE  # lines read at a time
        self.lot_edit = QLineEdit()
        self.lot_edit.setPlaceholderText("Lot number as printed on the vial, e.g. AB12345")
        self.lot_edit.setAccessibleName("Lot number")
        self.suggestions = QStringListModel(self)
        completer = QCompleter(self.suggestions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.lot_edit.setCompleter(completer)
        self.ndc_edit = QLineEdit()
        self.ndc_edit.setPlaceholderText("Any NDC (optional), e.g. 00409-4276-01")
        self.ndc_edit.setAccessibleName("NDC")
        self.search_button = QPushButton("&Search")
        self.summary_label = QLabel("Type the lot number and press Enter.")
        self.summary_label.setWordWrap(True)
        self.model = RecallTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        configure_list_table(self.table, SAMPLES)
        self.table.setAccessibleName("Medication lines given from the lot")
        self.save_csv_button = QPushButton("Save &CSV…")
        self.save_pdf_button = QPushButton("Save &PDF…")
        close_button = QPushButton("Close")
        self._lay_out(close_button)
        self._type_ahead = QTimer(self, singleShot=True, interval=TYPE_AHEAD_MS)
        self._type_ahead.timeout.connect(self._offer_lots)
        self.lot_edit.textEdited.connect(lambda _text: self._type_ahead.start())
        self.lot_edit.returnPressed.connect(self.search)
        self.ndc_edit.returnPressed.connect(self.search)
        completer.activated.connect(lambda _text: self.search())
        self.search_button.clicked.connect(self.search)
        self.save_csv_button.clicked.connect(lambda: self._save("csv"))
        self.save_pdf_button.clicked.connect(lambda: self._save("pdf"))
        close_button.clicked.connect(self.accept)
        self.table.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._show_saving(enabled=False)

    def _lay_out(self, close_button: QPushButton) -> None:
        fields = QFormLayout()
        fields.addRow("&Lot:", self.lot_edit)
        fields.addRow("&NDC:", self.ndc_edit)
        search_row = QHBoxLayout()
        search_row.addLayout(fields, 1)
        search_row.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_csv_button)
        buttons.addWidget(self.save_pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    @property
    def recall(self) -> LotRecall | None:
        """The last search's answer (None before the first)."""
        return self._recall

    def search(self) -> None:
        """Search the lot typed (audited); a bad lot or NDC is named in the summary line."""
        self._type_ahead.stop()
        try:
            with wait_cursor():
                found = self._service.search(
                    self.lot_edit.text(),
                    ndc=self.ndc_edit.text(),
                    actor=self._actor,
                    first=self.page_size,
                )
        except UserError as error:
            self._recall = None
            self.model.replace_rows(())
            self.summary_label.setText(error.message.replace("Some fields need attention:\n", ""))
            self._show_saving(enabled=False)
            return
        self._recall = found
        self.model.replace_rows(found.lines)
        self.summary_label.setText(f"{found.title()}: {found.summary()}.")
        self._show_saving(enabled=bool(found.line_count))

    def fetch_more(self) -> None:
        """The next lines of the list, when the table does not hold them all yet."""
        found = self._recall
        if found is None or self.model.rowCount() >= found.line_count:
            return
        try:
            more = self._service.lines_after(
                found, self.model.rowCount(), actor=self._actor, count=self.page_size
            )
        except UserError as error:
            self._messages.error(self, "More lines could not be read", error.message)
            return
        self.model.append_rows(more)

    def save_list(self, path: Path) -> bool:
        """Write every line of the last search to ``path`` (PDF for .pdf, else CSV)."""
        found = self._recall
        if found is None:
            return False
        try:
            with wait_cursor():
                whole = self._service.search(
                    found.lot, ndc=found.ndc, actor=self._actor, first=None
                )
                self._service.save_list(whole, path, actor=self._actor)
        except UserError as error:
            self._messages.error(self, "The list could not be saved", error.message)
            return False
        self.summary_label.setText(f"{whole.title()}: {whole.summary()}. Saved to {path}.")
        return True

    def ask_save_path(self, kind: str) -> Path | None:
        """Where to save (None if the user cancels); tests replace this."""
        found = self._recall
        name = f"lot-recall-{found.lot if found else 'list'}.{kind}"
        what = "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)"
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the recall list", name, what)
        return Path(chosen) if chosen else None

    def _save(self, kind: str) -> None:
        path = self.ask_save_path(kind)
        if path is not None:
            self.save_list(path)

    def _offer_lots(self) -> None:
        try:
            lots = self._service.suggest(self.lot_edit.text())
        except UserError:
            return  # the type-ahead only helps; the search itself says what is wrong
        self.suggestions.setStringList(lots)

    def _scrolled(self, value: int) -> None:
        if value >= self.table.verticalScrollBar().maximum():
            self.fetch_more()

    def _show_saving(self, *, enabled: bool) -> None:
        self.save_csv_button.setEnabled(enabled)
        self.save_pdf_button.setEnabled(enabled)
