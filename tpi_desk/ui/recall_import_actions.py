"""Reports > Lot recall… and File > Import patients… in the main window (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

if TYPE_CHECKING:
    from tpi_desk.ui.main_window import MainWindow


class RecallAndImportActions:
    """Adds Lot recall… to the Reports menu and wires File > Import patients…; opens their
    screens."""

    def __init__(
        self,
        window: MainWindow,
        context: AppContext,
        messages: UserMessages,
        actor: Actor | None,
    ) -> None:
        self._window = window
        self._context = context
        self._messages = messages
        self._actor = actor
        reports = window.outcomes_menu.menu
        self.lot_recall_action: QAction = reports.addAction("&Lot recall…")
        may_search = may(actor, Action.VIEW_CLINICAL)
        self.lot_recall_action.setVisible(may_search)
        if may_search:
            reports.menuAction().setVisible(True)
        self.lot_recall_action.triggered.connect(self.show_lot_recall)
        self.import_patients_action = window.window_actions.import_patients
        may_import = may(actor, Action.EDIT_PATIENT)
        self.import_patients_action.setVisible(may_import)
        self.import_patients_action.setEnabled(may_import)
        self.import_patients_action.triggered.connect(self.import_patients)

    def show_lot_recall(self) -> None:
        from tpi_desk.ui.lot_recall_dialog import LotRecallDialog

        dialog = LotRecallDialog(
            self._context.lot_recall, self._messages, self._actor, self._window
        )
        dialog.exec()

    def ask_patient_file(self) -> Path | None:
        """The CSV or FHIR file the user picks (None if they cancel); tests replace this."""
        chosen, _ = QFileDialog.getOpenFileName(
            self._window,
            "Import patients",
            "",
            "Patients (*.csv *.json);;CSV (*.csv);;FHIR Bundle (*.json);;All files (*)",
        )
        return Path(chosen) if chosen else None

    def import_patients(self) -> bool:
        """Pick a file, preview it, and import it if the user says so; True when imported."""
        from tpi_desk.ui.patient_import_dialog import PatientImportDialog, read_for_preview

        path = self.ask_patient_file()
        if path is None:
            return False
        try:
            read = read_for_preview(path, self._context.clock().date())
        except UserError as error:
            self._messages.error(self._window, "The file could not be read", error.message)
            return False
        dialog = PatientImportDialog(
            self._context.patient_import, self._messages, self._actor, read, self._window
        )
        if dialog.exec() != PatientImportDialog.DialogCode.Accepted or dialog.imported is None:
            return False
        self._window.search_pane.refresh()
        self._window.database_status.refresh_counts()
        self._messages.info(
            self._window, "Patients imported", f"From {read.name}: {dialog.imported.text()}."
        )
        return True
