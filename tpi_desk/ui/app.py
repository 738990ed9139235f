"""Starts the Qt application: opens the database, then shows the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from tpi_desk.models.database import open_database
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.ui.main_window import MainWindow


def run_app(url: str) -> int:
    """Run the GUI on ``url`` until the user quits; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("TPI Desk")
    try:
        database = open_database(url)
    except DatabaseOpenError as error:
        QMessageBox.critical(None, "TPI Desk cannot open the database", error.message)
        return 1
    window = MainWindow(database)
    window.show()
    try:
        return app.exec()
    finally:
        database.dispose()
