"""File > Import patients…: a preview of the file before anything is written (issue 15).

The dialog shows how the file's columns were read, its first rows as written, every problem
with its row and column, and what the import would do (new, updated, unchanged, by MRN).
Import stays disabled while a row is bad, unless "Leave the bad rows out" is ticked; the
import is one transaction, with a progress bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import UserError
from tpi_desk.services.people.patient_files import PatientFile, read_patient_file
from tpi_desk.services.people.patient_import import ImportCounts, PatientImportService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.messages import UserMessages


class PreviewModel(RowTableModel[tuple[str, ...]]):
    """The file's first rows, as written, under its own headers."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(headers, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole or index.column() >= len(row):
            return None
        return row[index.column()]


class PatientImportDialog(QDialog):
    """The preview of ``file``; ``import_patients()`` writes it (the Import button does)."""

    def __init__(
        self,
        service: PatientImportService,
        messages: UserMessages,
        actor: Actor | None,
        file: PatientFile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import patients from {file.name}")
        self.resize(900, 620)
        self._service = service
        self._messages = messages
        self._actor = actor
        self.file = file
        self.imported: ImportCounts | None = None
        self.mapping_label = QLabel("\n".join(file.mapping.lines()))
        self.mapping_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = PreviewModel(file.headers, self)
        self.model.replace_rows(file.first_rows)
        self.preview = QTableView()
        self.preview.setModel(self.model)
        self.preview.setAccessibleName("First rows of the file")
        self.preview.setVisible(bool(file.headers))
        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName("Problems found in the file")
        self.problem_list.addItems([problem.text() for problem in file.problems])
        self.problem_list.setVisible(bool(file.problems))
        self.skip_bad_rows = QCheckBox("&Leave the bad rows out and import the others")
        self.skip_bad_rows.setVisible(bool(file.problems) and bool(file.read.patients))
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button: QPushButton = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self._lay_out()
        self.skip_bad_rows.toggled.connect(self._show_plan)
        self.buttons.accepted.connect(self.import_patients)
        self.buttons.rejected.connect(self.reject)
        self._counts = self._planned()
        self._show_plan()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{self.file.name}</b>: {self.file.kind}, "
                                f"{self.file.row_count:,} row(s). Columns read as:"))  # fmt: skip
        layout.addWidget(self.mapping_label)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.problem_list, 1)
        layout.addWidget(self.skip_bad_rows)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def _planned(self) -> ImportCounts | None:
        if not self.file.read.patients:
            return None
        try:
            return self._service.preview(self.file.read.patients, actor=self._actor)
        except UserError as error:
            self.plan_label.setText(error.message)
            return None

    def _show_plan(self) -> None:
        problems = len(self.file.problems)
        counts = self._counts
        blocked = counts is None or (problems > 0 and not self.skip_bad_rows.isChecked())
        self.import_button.setEnabled(not blocked)
        if counts is None:
            if not self.plan_label.text():
                self.plan_label.setText("Nothing to import: no row could be read.")
            return
        text = f"Will import: {counts.text()}."
        if problems and blocked:
            text = (
                f"{problems} problem(s) above: nothing will be imported until the file is "
                "fixed, or the bad rows are left out."
            )
        elif problems:
            text += f" {problems} problem(s): those rows are left out."
        self.plan_label.setText(text)

    def import_patients(self) -> bool:
        """Write the patients (one transaction); closes the dialog when done."""
        if not self.import_button.isEnabled():
            return False
        self.import_button.setEnabled(False)
        self.buttons.setEnabled(False)  # one transaction runs; nothing else until it ends
        self.progress.setVisible(True)
        try:
            self.imported = self._service.import_patients(
                self.file.read.patients,
                source=self.file.name,
                actor=self._actor,
                progress=self._advance,
            )
        except UserError as error:
            self.progress.setVisible(False)
            self.buttons.setEnabled(True)
            self._messages.error(self, "The patients were not imported", error.message)
            self._show_plan()
            return False
        self.accept()
        return True

    def _advance(self, _what: str, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        QApplication.processEvents()


def read_for_preview(path: Path, today: date) -> PatientFile:
    """The file read for the preview (a UserError says why it cannot be)."""
    return read_patient_file(path, today=today)
