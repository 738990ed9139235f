"""The page an empty database opens on, and loading demo data (from it or the File menu)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.demo_database import DemoClaim
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.wait_cursor import wait_cursor

DEMO_PATIENTS = 200
DEMO_SESSIONS = 1000


def load_demo_data(
    parent: QWidget | None,
    context: AppContext,
    messages: UserMessages,
    actor: Actor | None = None,
) -> bool:
    """Ask, then add synthetic patients and sessions as `tpi-desk demo-data` does (only into
    a new or demo database, which becomes a demo database); True when data was added."""
    if not messages.confirm(
        parent,
        "Load demo data",
        f"Add {DEMO_PATIENTS:,} synthetic patients and {DEMO_SESSIONS:,} sessions to this "
        "database?\n\nEvery name and record is invented. Use demo data to look around or "
        "to train, not in a database that holds real patients.",
        confirm_text="Load demo data",
    ):
        return False

    def tell(claim: DemoClaim) -> None:
        if claim.generated_password is not None:
            messages.info(parent, "Demo administrator", demo_admin_text(claim.generated_password))

    try:
        with wait_cursor():
            context.demo_data.fill(
                actor,
                admin_password=None,
                patients=DEMO_PATIENTS,
                sessions=DEMO_SESSIONS,
                on_claimed=tell,
            )
    except UserError as error:
        messages.error(parent, "Demo data could not be loaded", error.message)
        return False
    return True


def demo_admin_text(password: str) -> str:
    """Tells the password of the demo administrator (and clinicians), once."""
    return (
        f"This is now a demo database. Its administrator is admin, with the password "
        f"{password}\n\nEvery demo account (admin and the clinicians demo.hartley, "
        "demo.okonkwo, demo.varga and demo.lindgren) signs in with this password. "
        "Write it down: it is shown only now."
    )


class FirstRunPage(QWidget):
    """Explains what to do with an empty database: add a patient, import, or load demo data."""

    new_patient_requested = Signal()
    import_requested = Signal()
    demo_data_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to TPI Desk")
        title.setObjectName("pageTitle")
        intro = QLabel(
            "This database has no patients yet. Choose how to begin; the other two stay "
            "available in the File menu."
        )
        intro.setObjectName("pageSubtitle")
        intro.setWordWrap(True)
        self.new_patient_button = QPushButton("Add a patient")
        self.new_patient_button.setObjectName("primaryButton")
        self.import_button = QPushButton("Import documents…")
        self.demo_button = QPushButton("Load demo data")
        steps = (
            (
                "Add your first patient",
                "Name, date of birth and MRN; then record their first session with Ctrl+N. "
                "Shortcut: Ctrl+Shift+N.",
                self.new_patient_button,
            ),
            (
                "Import session documents",
                "Sessions saved as tpi-desk/session JSON files (@2 or @1) arrive as drafts. "
                "Nothing is imported unless every file is valid.",
                self.import_button,
            ),
            (
                "Look around with demo data",
                f"{DEMO_PATIENTS} invented patients and {DEMO_SESSIONS:,} sessions, to explore "
                "or to train. Not for a database with real patients.",
                self.demo_button,
            ),
        )
        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(780)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(28, 24, 28, 20)
        card_layout.setSpacing(6)
        card_layout.addWidget(title)
        card_layout.addWidget(intro)
        card_layout.addSpacing(14)
        for index, (heading, text, button) in enumerate(steps):
            if index:
                card_layout.addWidget(_separator())
            card_layout.addLayout(_step(heading, text, button))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 40, 32, 32)
        layout.addLayout(row)
        layout.addStretch(1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.new_patient_button.clicked.connect(self.new_patient_requested)
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_data_requested)


def _step(heading: str, text: str, button: QPushButton) -> QHBoxLayout:
    title = QLabel(heading)
    title.setObjectName("sectionTitle")
    description = QLabel(text)
    description.setObjectName("stepText")
    description.setWordWrap(True)
    words = QVBoxLayout()
    words.setSpacing(3)
    words.addWidget(title)
    words.addWidget(description)
    button.setMinimumWidth(190)
    row = QHBoxLayout()
    row.setContentsMargins(0, 10, 0, 10)
    row.setSpacing(24)
    row.addLayout(words, 1)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
    return row


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("separator")
    return line
