"""The export dialog's parts: the patient chooser, month ranges, and small styled widgets."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from tpi_desk.services.errors import UserError
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.tab_leaving_date_edits import TabLeavingDateEdit

PATIENT_MATCHES = 25
DATE_FORMAT = "MMM d, yyyy"
NO_MATCH = -1


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


class PatientChoice(QWidget):
    """Any patient, or one found by typing a name or MRN (accents ignored)."""

    def __init__(
        self, patients: PatientService, actor: Actor | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._patients = patients
        self._actor = actor
        self.search = QLineEdit()
        self.search.setPlaceholderText("Any patient — type a name or MRN")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find patient")
        self.choice = QComboBox()
        self.choice.setAccessibleName("Patient")
        self.choice.setMinimumContentsLength(22)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.choice, 1)
        self.search.textChanged.connect(self.search_for)
        self.search_for("")

    def search_for(self, text: str) -> None:
        """List the patients matching ``text`` and choose the first (all patients if empty)."""
        self.choice.clear()
        text = text.strip()
        self.choice.setVisible(bool(text))
        if not text:
            self.choice.addItem("Any patient", None)
            return
        try:
            found = self._patients.search(text, limit=PATIENT_MATCHES, actor=self._actor)
        except UserError as error:
            self.choice.addItem(error.message, NO_MATCH)
            self.choice.setEnabled(False)
            return
        for patient in found:
            self.choice.addItem(f"{patient.display_name} · MRN {patient.mrn}", patient.id)
        if not found:
            self.choice.addItem(f"No patient matches “{text}”", NO_MATCH)
        self.choice.setEnabled(len(found) > 1)

    def patient_id(self) -> int | None:
        """The chosen patient's id; None for any patient, NO_MATCH when none matches."""
        value = self.choice.currentData()
        return value if isinstance(value, int) else None


def date_edit(day: date, name: str) -> QDateEdit:
    edit = TabLeavingDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setAccessibleName(name)
    return edit


def day_of(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def quick_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("quickRange")
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def separator() -> QFrame:
    line = QFrame()
    line.setObjectName("separator")
    line.setFrameShape(QFrame.Shape.HLine)
    return line


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()
