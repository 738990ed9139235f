"""The banner at the top of a patient's page: who they are, at a glance, allergies first."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tpi_desk.clinical.record import PatientFacts, Sex
from tpi_desk.ui.formatting import (
    ALLERGIES_NOT_RECORDED,
    NO_KNOWN_DRUG_ALLERGIES,
    SEX_NAMES,
    format_age,
    format_date,
    format_decimal,
)

_STYLE = """
QFrame#patientBanner { background: #f3f6fa; border: 1px solid #dde3ea; border-radius: 8px; }
QLabel#patientName { font-size: 17pt; font-weight: 600; color: #111827; }
QLabel#patientFacts { color: #374151; }
QLabel#allergyTag { border-radius: 4px; padding: 2px 8px; font-weight: 600; }
QLabel#allergyTag[known="true"] { background: #b42318; color: #ffffff; }
QLabel#allergyTag[known="false"] { background: #e5e7eb; color: #4b5563; }
QLabel#allergies[known="true"] { color: #9b1c1c; font-weight: 600; }
QLabel#allergies[known="false"] { color: #4b5563; }
"""


class PatientBanner(QFrame):
    """Name, age, sex, date of birth, MRN, weight and allergies, with the page's actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientBanner")
        self.setStyleSheet(_STYLE)
        self.name = QLabel()
        self.name.setObjectName("patientName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("patientFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.allergy_tag = QLabel("Allergies")
        self.allergy_tag.setObjectName("allergyTag")
        self.allergies = QLabel()
        self.allergies.setObjectName("allergies")
        self.allergies.setWordWrap(True)
        self.allergies.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Edit patient")
        self.new_session_button = QPushButton("New session")
        self.new_session_button.setObjectName("primaryButton")
        self.new_session_button.setToolTip("Record a session for this patient (Ctrl+N)")
        self.new_session_button.setDefault(False)

        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.name)
        text.addWidget(self.facts)
        allergy_row = QHBoxLayout()
        allergy_row.setSpacing(8)
        allergy_row.addWidget(self.allergy_tag, 0, Qt.AlignmentFlag.AlignTop)
        allergy_row.addWidget(self.allergies, 1)
        text.addSpacing(2)
        text.addLayout(allergy_row)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.new_session_button)
        actions = QVBoxLayout()
        actions.addLayout(buttons)
        actions.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 14, 16, 14)
        row.addLayout(text, 1)
        row.addLayout(actions)

    def show_facts(self, facts: PatientFacts, today: date) -> None:
        self.name.setText(f"{facts.family_name}, {facts.given_name}")
        parts = [format_age(facts.date_of_birth, today)]
        if facts.sex is not Sex.UNKNOWN:
            parts.append(SEX_NAMES[facts.sex])
        parts.append(f"Born {format_date(facts.date_of_birth)}")
        parts.append(f"MRN {facts.mrn}")
        parts.append(
            "Weight not recorded"
            if facts.weight_kg is None
            else f"{format_decimal(facts.weight_kg)} kg"
        )
        self.facts.setText("   ·   ".join(escape(part) for part in parts))
        if facts.allergies:
            self.allergies.setText(", ".join(facts.allergies))
        elif facts.no_known_drug_allergies:
            self.allergies.setText(NO_KNOWN_DRUG_ALLERGIES)
        else:
            self.allergies.setText(ALLERGIES_NOT_RECORDED)
        for label in (self.allergy_tag, self.allergies):
            label.setProperty("known", bool(facts.allergies))
            label.style().unpolish(label)
            label.style().polish(label)
