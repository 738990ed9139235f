"""Help > About: the version and which database this window works on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tpi_desk import __version__
from tpi_desk.ui.messages import UserMessages


def show_about(parent: QWidget, messages: UserMessages, database_location: str) -> None:
    messages.info(
        parent,
        "About TPI Desk",
        f"TPI Desk {__version__}\n\nDocument trigger point injection and dry-needling "
        "sessions, sign notes and export billing-ready PDFs.\n\n"
        f"Database: {database_location}",
    )
