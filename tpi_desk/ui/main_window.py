"""The main window (a first version: where the data lives and what it holds)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from tpi_desk.models.database import Database
from tpi_desk.services.overview import count_records


class MainWindow(QMainWindow):
    def __init__(self, database: Database) -> None:
        super().__init__()
        self.setWindowTitle("TPI Desk")
        self.resize(900, 600)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("<h1>TPI Desk</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QLabel(self._summary_text(database))
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        self.setCentralWidget(central)

    @staticmethod
    def _summary_text(database: Database) -> str:
        counts = count_records(database.session_factory)
        return (
            f"{counts.patients:,} patients and {counts.sessions:,} sessions in "
            f"{database.engine.url.render_as_string(hide_password=True)}.<br>"
            "Import session documents with <code>tpi-desk import FILE</code> or create "
            "demo data with <code>tpi-desk demo-data</code>."
        )
