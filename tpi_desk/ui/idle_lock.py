"""Idle auto-lock: after minutes without input the window hides patient data behind a lock page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.settings import ClinicSettings
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import ClinicSettingsService
from tpi_desk.ui.error_label import error_label
from tpi_desk.ui.theme import PAGE_STYLE

# Input that counts as someone at the keyboard (a timer or a repaint does not).
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CARD_WIDTH = 460


def idle_lock_minutes(settings: ClinicSettingsService, actor: Actor | None) -> int:
    """The clinic's idle lock minutes (the default when unreadable)."""
    try:
        return settings.load(actor=actor).idle_lock_minutes
    except UserError:  # never keep the screen from locking
        return ClinicSettings().idle_lock_minutes


class IdleWatcher(QObject):
    """Emits ``went_idle`` after ``timeout_ms`` without keyboard, mouse or touch input.

    Watches the whole application (an event filter on the QApplication); ``stop()`` while
    the screen is locked, ``start()`` once it is unlocked.
    """

    went_idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.went_idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


class LockPage(QWidget):
    """Shows only who is signed in and a password box: no patient data."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("TPI Desk is locked")
        title.setObjectName("pageTitle")
        who = QLabel(f"Signed in as {display_name}. Enter your password to continue.")
        who.setObjectName("pageSubtitle")
        who.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("Password")
        self.error_label = error_label()
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton("Sign out")
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(CARD_WIDTH)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(8)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addSpacing(8)
        inner.addWidget(self.password)
        inner.addWidget(self.error_label)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setStyleSheet(PAGE_STYLE)
        self.password.returnPressed.connect(self._unlock_clicked)
        self.unlock_button.clicked.connect(self._unlock_clicked)
        self.sign_out_button.clicked.connect(self.sign_out_requested)

    def _unlock_clicked(self) -> None:
        self.unlock_requested.emit(self.password.text())

    def show_refusal(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
