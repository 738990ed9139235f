"""The notice over a signed note: who signed it and when, its addenda, and "Add addendum"."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.dto import SessionRecord
from tpi_desk.ui.formatting import format_date, format_date_time, format_time
from tpi_desk.ui.session_editor.banner import Banner, BannerKind


def on_date_at_time(moment: datetime) -> str:
    """ "Mar 4, 2026 at 9:30 AM" in local time, for sentences."""
    return f"{format_date(moment.astimezone().date())} at {format_time(moment)}"


class SignedNotice(QWidget):
    """Hidden for drafts; for a signed note a green banner with its addenda underneath."""

    addendum_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = Banner()
        self.addenda_label = QLabel()
        self.addenda_label.setWordWrap(True)
        self.addenda_label.setTextFormat(Qt.TextFormat.RichText)
        self.addenda_label.setContentsMargins(4, 0, 4, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.addenda_label)
        self.banner.action_triggered.connect(self.addendum_requested)
        self.clear()

    def clear(self) -> None:
        self.banner.clear()
        self.addenda_label.clear()
        self.hide()

    def show_record(self, record: SessionRecord) -> None:
        if record.status is NoteStatus.SIGNED:
            signer = record.signed_by or record.provider.facts.display_name
            when = on_date_at_time(record.signed_at) if record.signed_at else "an unknown date"
            self.banner.show_message(
                BannerKind.SUCCESS,
                f"Signed by {signer} on {when}. The note can no longer change.",
                "Add addendum…",
            )
        else:
            self.banner.show_message(
                BannerKind.WARNING, "This note was entered in error. It can no longer change."
            )
        parts = []
        for addendum in record.addenda:
            when = format_date_time(addendum.signed_at or addendum.created_at)
            text = html.escape(addendum.text).replace("\n", "<br>")
            author = html.escape(addendum.author_name)
            parts.append(f"<p><b>Addendum, {when}, {author}</b><br>{text}</p>")
        self.addenda_label.setText("".join(parts))
        self.addenda_label.setVisible(bool(parts))
        self.show()

    def text(self) -> str:
        return self.banner.text()
