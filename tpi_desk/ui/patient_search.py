"""The left pane: search patients as you type (name or MRN), pick one, or add a new one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.item_models.patient_list_model import (
    BIRTH_COLUMN,
    MRN_COLUMN,
    NAME_COLUMN,
    PatientListModel,
)
from tpi_desk.ui.list_views import configure_list_table

SEARCH_DELAY_MS = 120
# The width the name column keeps: below it (a 1366x768 screen with a session open) the
# date of birth gives way, so names and MRNs stay readable. The name's sample is a long one.
NAME_SAMPLE = "Abernathy, Matthias"


class PatientSearchPane(QWidget):
    """Search box above the lazily fetched patient list; Enter or a click opens a patient."""

    patient_activated = Signal(int)
    new_patient_requested = Signal()

    def __init__(
        self,
        patients: PatientService,
        parent: QWidget | None = None,
        *,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = PatientListModel(patients, actor=actor, parent=self)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search patients by name or MRN")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search patients")
        self.search_box.installEventFilter(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Patients")
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        configure_list_table(self.table, [None, "May 30, 2000", "SYN-000000"])
        self._birth_width = self.table.horizontalHeader().sectionSize(BIRTH_COLUMN)
        self.footer = QLabel()
        self.footer.setObjectName("patientListFooter")
        self.footer.setWordWrap(True)
        self.new_button = QPushButton("New patient")
        self.new_button.setToolTip("Add a patient (Ctrl+Shift+N)")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        title = QLabel("Patients")
        title.setObjectName("paneTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 10)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.search_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)
        layout.addWidget(self.new_button)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search_box.textChanged.connect(self._text_changed)
        self._timer.timeout.connect(self._run_search)
        self.table.activated.connect(self._row_activated)
        self.table.clicked.connect(self._row_activated)
        self.new_button.clicked.connect(self.new_patient_requested)
        self.model.modelReset.connect(self._update_footer)
        self.model.rowsInserted.connect(self._update_footer)

    # Public

    def load(self) -> None:
        """Fetch the first page for the current search text (call once the window is built)."""
        self._timer.stop()
        self.model.search(self.search_box.text())

    def refresh(self, select_patient_id: int | None = None) -> None:
        """Fetch again (after an edit or import) and keep or move the selection."""
        current = select_patient_id if select_patient_id is not None else self.current_patient_id()
        self.model.refresh()
        if current is not None:
            self.select_patient(current)

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def current_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.patient_at(index.row()).id if index.isValid() else None

    def highlighted_patient_id(self) -> int | None:
        """The patient highlighted in the list, after any search still waiting to run."""
        self._flush_search()
        return self.current_patient_id()

    def select_patient(self, patient_id: int) -> bool:
        """Make ``patient_id`` the current row if it is among the rows fetched."""
        row = self.model.row_of(patient_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, NAME_COLUMN))
        self.table.scrollTo(self.model.index(row, NAME_COLUMN))
        return True

    # Behaviour

    def _text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self._run_search()

    def _run_search(self) -> None:
        self._timer.stop()
        self.model.search(self.search_box.text())
        if self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, NAME_COLUMN))
            self.table.scrollToTop()

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.patient_activated.emit(self.model.patient_at(index.row()).id)

    def _update_footer(self) -> None:
        count = self.model.rowCount()
        text = self.model.search_text().strip()
        shown = f"{count:,}{'+' if self.model.has_more() else ''}"
        one = count == 1 and not self.model.has_more()
        if count == 0:
            self.footer.setText(f"No patient matches “{text}”." if text else "No patients yet.")
        elif text:
            self.footer.setText(
                f"{shown} {'patient matches' if one else 'patients match'} “{text}”"
            )
        else:
            self.footer.setText(f"{shown} {'patient' if one else 'patients'}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.search_box:
                return self._search_key(event)
            if watched is self.table:
                return self._table_key(event)
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Hide the date of birth when the name would be cut short (Enter on a row shows
        the whole patient); show it again once the pane is wide enough."""
        header = self.table.horizontalHeader()
        name_needs = self.table.fontMetrics().horizontalAdvance(NAME_SAMPLE)
        others = self._birth_width + header.sectionSize(MRN_COLUMN)
        room = self.table.viewport().width()
        self.table.setColumnHidden(BIRTH_COLUMN, room - others < name_needs)

    def _search_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.search_box.text():
            self.search_box.clear()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self._flush_search()
            if self.model.rowCount() > 0:
                if not self.table.currentIndex().isValid():
                    self.table.setCurrentIndex(self.model.index(0, NAME_COLUMN))
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._flush_search()
            index = self.table.currentIndex()
            if not index.isValid() and self.model.rowCount() > 0:
                index = self.model.index(0, NAME_COLUMN)
            self._row_activated(index)
            return True
        return False

    def _table_key(self, event: QKeyEvent) -> bool:
        at_top = self.table.currentIndex().row() <= 0
        if event.key() == Qt.Key.Key_Up and at_top:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def _flush_search(self) -> None:
        """Run a pending search now, so a quick typist's Enter acts on what they typed."""
        if self._timer.isActive():
            self._run_search()
