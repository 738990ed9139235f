"""The editor's top: who the patient is (allergies first), the note's status, and its actions."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tpi_desk.clinical.dosing import format_number
from tpi_desk.services.dto import PatientRecord
from tpi_desk.ui.formatting import format_age, format_date
from tpi_desk.ui.session_editor.style import BORDER, GREEN, MUTED, RED

COPY_SHORTCUT = "Ctrl+D"
LONGEST_STATUSES = ("New session · not saved yet", "Draft · changes not saved yet")
STATUS_PADDING = 44


class EditorHeader(QWidget):
    """Patient name and facts on the left; Copy, Templates, Close, Save and Sign on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = QLabel()
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.name_label.setFont(font)
        self.status_label = QLabel()
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # One width for every status, so the header (and the window's divider) never moves
        # when autosave changes the text.
        metrics = self.status_label.fontMetrics()
        self.status_label.setFixedWidth(
            max(metrics.horizontalAdvance(text) for text in LONGEST_STATUSES) + STATUS_PADDING
        )
        self.facts_label = QLabel()
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.setWordWrap(True)
        self.copy_button = QPushButton("Copy forward")
        self.copy_button.setToolTip(
            "Copy sites, drugs, volumes, today's open lots, diagnoses, position, consent type "
            f"and risks and skin prep from this patient's last signed note ({COPY_SHORTCUT})"
        )
        self.templates_button = QPushButton("Templates")
        self.templates_button.setToolTip("Apply or save personal site templates")
        self.close_button = QPushButton("Close")
        self.preview_button = QPushButton("Preview PDF")
        self.preview_button.setToolTip("Preview, print or save the note as a PDF (Ctrl+P)")
        self.save_button = QPushButton("Save draft")
        self.save_button.setToolTip("Save the draft (Ctrl+S); it is also saved as you type")
        self.sign_button = QPushButton("Sign…")
        self.sign_button.setObjectName("primaryButton")
        self.sign_button.setToolTip("Review the checklist and sign (Ctrl+Enter)")
        self._build_layout()

    def _build_layout(self) -> None:
        title = QHBoxLayout()
        title.setSpacing(10)
        title.addWidget(self.name_label)
        title.addWidget(self.status_label)
        title.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addLayout(title)
        left.addWidget(self.facts_label)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.templates_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sign_button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addLayout(buttons)

    def show_patient(self, patient: PatientRecord, today: date) -> None:
        facts = patient.facts
        self.name_label.setText(f"{facts.family_name}, {facts.given_name}")
        weight = (
            f"{format_number(facts.weight_kg)} kg"
            if facts.weight_kg is not None
            else "weight not recorded"
        )
        parts = [
            f"MRN {html.escape(facts.mrn)}",
            f"born {format_date(facts.date_of_birth)} ({format_age(facts.date_of_birth, today)})",
            weight,
        ]
        if facts.allergies:
            allergies = html.escape(", ".join(facts.allergies))
            parts.append(f'<span style="color:{RED}"><b>Allergies:</b> {allergies}</span>')
        elif facts.no_known_drug_allergies:
            parts.append("no known drug allergies")
        else:
            parts.append("allergies not recorded")
        self.facts_label.setText(f'<span style="color:{MUTED}">' + " · ".join(parts) + "</span>")

    def set_editing(self, editing: bool) -> None:
        """A signed note has nothing to copy, save or sign: only Close stays."""
        for button in (self.copy_button, self.templates_button, self.save_button, self.sign_button):
            button.setVisible(editing)

    def set_status(self, text: str, *, final: bool = False) -> None:
        """The note's state in a chip; green once the note is final."""
        colour, border = (GREEN, GREEN) if final else (MUTED, BORDER)
        self.status_label.setStyleSheet(
            f"QLabel {{ color: {colour}; border: 1px solid {border}; border-radius: 9px;"
            " padding: 1px 8px; }"
        )
        self.status_label.setText(text)
