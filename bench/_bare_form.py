"""The baseline for bench/startup_bench.py: a bare QApplication showing a 40-widget form.

A copy of the shared baseline form builder (QMainWindow, 15 line edits, 16 combo and spin
boxes, 8 check boxes and a 20-row table). Prints one line once the window is first shown,
then quits, exactly as `tpi-desk` does under TPI_DESK_BENCH_EXIT_AFTER_SHOW.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

SHOWN_LINE = "bare form shown"
PATIENT_FIELDS = (
    "Last name", "First name", "MRN", "Date of birth", "Phone", "Email", "Address", "City",
    "Postcode", "Referring physician", "Insurer", "Policy number", "Diagnosis (ICD-10)",
    "Indication", "Room",
)  # fmt: skip
CHOICES = (
    ("Provider", [f"Dr. Provider {i}" for i in range(20)]),
    ("Procedure", ["Trigger point", "Botulinum toxin", "Nerve block", "Epidural steroid",
                   "Joint injection"]),
    ("Side", ["Left", "Right", "Bilateral"]),
    ("Guidance", ["None", "Ultrasound", "Fluoroscopy"]),
    ("Position", ["Prone", "Supine", "Seated"]),
    ("Anesthesia", ["None", "Local", "Sedation"]),
    ("Consent", ["Written", "Verbal"]),
    ("Outcome", ["Tolerated well", "Vasovagal", "Other"]),
)  # fmt: skip
COUNTS = (
    "Pain before (0-10)", "Pain after (0-10)", "Number of sites", "Needle gauge",
    "Duration (min)",
)  # fmt: skip
AMOUNTS = ("Total volume (ml)", "Lidocaine (ml)", "Steroid (mg)")
CHECKS = (
    "Allergies reviewed", "Anticoagulants held", "Site marked", "Time-out done",
    "Sterile prep", "Aspiration negative", "Post-op instructions", "Follow-up booked",
)  # fmt: skip


def build_window() -> QMainWindow:
    win = QMainWindow()
    win.setWindowTitle("Procedure session - perf baseline")
    central = QWidget()
    outer = QVBoxLayout(central)
    row = QHBoxLayout()
    outer.addLayout(row)

    patient = QGroupBox("Patient")
    patient_form = QFormLayout(patient)
    for label in PATIENT_FIELDS:
        edit = QLineEdit()
        edit.setPlaceholderText(label)
        patient_form.addRow(label, edit)
    row.addWidget(patient)

    procedure = QGroupBox("Procedure")
    procedure_form = QFormLayout(procedure)
    for label, items in CHOICES:
        combo = QComboBox()
        combo.addItems(items)
        procedure_form.addRow(label, combo)
    for label in COUNTS:
        spin = QSpinBox()
        spin.setRange(0, 100)
        procedure_form.addRow(label, spin)
    for label in AMOUNTS:
        amount = QDoubleSpinBox()
        amount.setRange(0, 100)
        procedure_form.addRow(label, amount)
    row.addWidget(procedure)

    checks = QGroupBox("Checks")
    checks_column = QVBoxLayout(checks)
    for label in CHECKS:
        checks_column.addWidget(QCheckBox(label))
    row.addWidget(checks)

    model = QStandardItemModel(20, 5)
    model.setHorizontalHeaderLabels(["Site", "Drug", "Volume (ml)", "Lot", "Expiry"])
    for r in range(20):
        for c, value in enumerate([f"Site {r}", "Lidocaine 1%", "2.0", f"LOT{r:05d}", "2027-01"]):
            model.setItem(r, c, QStandardItem(value))
    table = QTableView()
    table.setModel(model)
    outer.addWidget(table)

    win.setCentralWidget(central)
    win.resize(1100, 750)
    return win


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = build_window()
    window.show()

    def first_shown() -> None:
        print(SHOWN_LINE, flush=True)
        app.quit()

    QTimer.singleShot(0, first_shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
