"""The main window's status bar: where the database is and how much it holds."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from tpi_desk.services.sessions.overview import DatabaseOverview, RecordCounts
from tpi_desk.ui.background import run_in_background
from tpi_desk.ui.formatting import count_of


class DatabaseStatus:
    """The location on the left, "1,204 patients · 8,310 sessions" on the right."""

    def __init__(self, window: QMainWindow, overview: DatabaseOverview) -> None:
        self._window = window
        self._overview = overview
        self.location = overview.location()
        self.database_label = QLabel(f"Database: {self.location}")
        self.counts_label = QLabel()
        for label in (self.database_label, self.counts_label):
            label.setContentsMargins(8, 2, 8, 2)
        status_bar = window.statusBar()
        status_bar.addWidget(self.database_label, 1)
        status_bar.addPermanentWidget(self.counts_label)
        status_bar.setSizeGripEnabled(False)
        self._counts_asked = 0

    def refresh_counts(self) -> None:
        """Count patients and sessions off the UI thread (whole-table counts take a while).
        Only the newest count is shown: an older one that finishes later (it began before
        demo data or an import filled the database) is dropped."""
        self._counts_asked += 1
        asked = self._counts_asked
        run_in_background(
            self._window, self._overview.counts, lambda outcome: self._show_counts(asked, outcome)
        )

    def _show_counts(self, asked: int, outcome: object) -> None:
        if asked != self._counts_asked:
            return
        if isinstance(outcome, RecordCounts):
            patients = count_of(outcome.patients, "patient")
            self.counts_label.setText(f"{patients}   ·   {count_of(outcome.sessions, 'session')}")
        else:
            self.counts_label.setText("")
