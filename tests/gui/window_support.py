"""Helpers for the main-window GUI tests: a real database, recorded messages, a stand-in editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.services.conftest import PASSWORD, fast_hasher
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    Role,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)
from tpi_desk.desk import Desk
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import EditorFactory
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.problem_list_dialog import ProblemRow

# A fixed "now" for every window test: Wednesday 25 November 2026, 2 pm on this computer's
# clock (the app shows local time, so the expected dates hold in any time zone).
NOW = datetime(2026, 11, 25, 14, 0).astimezone()
W = TypeVar("W", bound=QWidget)
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DOCUMENT = REPO / "docs" / "examples" / "session.json"


def fixed_clock() -> datetime:
    return NOW


def open_desk(
    url: str, catalog: Catalog, tmp_path: Path, *, clock: Callable[[], datetime] = fixed_clock
) -> Desk:
    """The app's services over ``url``, as the app opens them, with ``clock`` (default: the
    fixed ``NOW``), the fast test hasher and crash-recovery copies under ``tmp_path``."""
    return Desk.open(
        url, catalog=catalog, data_dir=tmp_path / "app-data", clock=clock, hasher=fast_hasher()
    )


def make_context(desk: Desk) -> AppContext:
    """The windows' context over ``desk``."""
    return AppContext.of(desk)


class RecordingMessages(UserMessages):
    """Records every message instead of showing a modal box; ``confirm`` gives ``answer``."""

    def __init__(self, *, answer: bool = False) -> None:
        super().__init__()
        self.answer = answer
        self.shown: list[tuple[str, str, str]] = []
        self.problem_rows: list[ProblemRow] = []

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("error", title, text))

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def confirm(
        self, parent: QWidget | None, title: str, text: str, *, confirm_text: str = "OK"
    ) -> bool:
        self.shown.append(("confirm", title, text))
        return self.answer

    def problems(
        self, parent: QWidget | None, title: str, intro: str, rows: Sequence[ProblemRow]
    ) -> None:
        self.shown.append(("problems", title, intro))
        self.problem_rows.extend(rows)

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.shown]


class StandInEditor(QWidget):
    """Stands in for the session editor (built by another engineer) with its interface."""

    session_saved = Signal(int)
    session_signed = Signal(int)
    close_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        parent: QWidget | None = None,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(parent)
        self.actor = actor
        self.calls: list[tuple[str, int | None]] = []
        self.unsaved = False
        self.save_succeeds = True

    def new_session(self, patient_id: int) -> None:
        self.calls.append(("new_session", patient_id))

    def open_session(self, session_id: int) -> None:
        self.calls.append(("open_session", session_id))

    def has_unsaved_changes(self) -> bool:
        return self.unsaved

    def save(self) -> bool:
        self.calls.append(("save", None))
        if self.save_succeeds:
            self.unsaved = False
        return self.save_succeeds


@dataclass
class EditorSpy:
    """Builds stand-in editors for a window and remembers the one it built."""

    built: list[StandInEditor] = field(default_factory=list)

    def __call__(
        self, context: AppContext, messages: UserMessages, parent: QWidget, actor: Actor | None
    ) -> StandInEditor:
        editor = StandInEditor(context, messages, parent, actor)
        self.built.append(editor)
        return editor


def when_modal_opens(kind: type[W], act: Callable[[W], None]) -> list[BaseException]:
    """Run ``act`` on the next modal ``kind`` once shown (it blocks in ``exec()``); returns
    the list that collects any failure of ``act`` (the dialog is then rejected)."""
    failures: list[BaseException] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, run)
            return
        try:
            act(dialog)
        except BaseException as error:  # reported by the test once exec() has returned
            failures.append(error)
            if isinstance(dialog, QDialog):
                dialog.reject()

    QTimer.singleShot(0, run)
    return failures


def show_window(
    qtbot: QtBot,
    context: AppContext,
    messages: UserMessages,
    editor_factory: EditorFactory | None = None,
    *,
    signed_in: bool = True,
    actor: Actor | None = None,
    idle_lock_ms: int | None = None,
) -> MainWindow:
    """The main window, shown, with ``actor`` (default Dr. Hartley) signed in (unless
    ``signed_in`` is False)."""
    if signed_in and actor is None:
        actor = clinician(context)
    window = MainWindow(
        context,
        messages,
        actor=actor if signed_in else None,
        editor_factory=editor_factory or EditorSpy(),
        users=users_of(context),
        idle_lock_ms=idle_lock_ms,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


def add_patient(
    context: AppContext,
    mrn: str = "SYN-1001",
    family: str = "Ñúñez",
    given: str = "Zoë",
    *,
    born: date = date(1979, 4, 2),
    allergies: tuple[str, ...] = ("latex",),
) -> PatientRecord:
    return context.patients.create(
        PatientFacts(
            mrn=mrn,
            family_name=family,
            given_name=given,
            date_of_birth=born,
            sex=Sex.FEMALE,
            weight_kg=Decimal("68.5"),
            allergies=allergies,
        ),
        actor=clinician(context),
    )


def users_of(context: AppContext) -> UserService:
    """The user accounts (the test desks use the fast test hasher)."""
    return context.users


def with_password(context: AppContext, provider: ProviderRecord) -> ProviderRecord:
    """``provider`` after giving them ``PASSWORD`` (the local operator's reset)."""
    users_of(context).reset_password(None, provider.facts.username, PASSWORD)
    return provider


def add_physician(context: AppContext) -> ProviderRecord:
    """Dr. Imogen Hartley, password ``PASSWORD`` (added once; later calls find her)."""
    if _has_account(context, "ihartley"):
        return _find(context, "ihartley")
    return _add_physician(context)


def _has_account(context: AppContext, username: str) -> bool:
    return any(p.facts.username == username for p in context.providers.clinicians())


def _find(context: AppContext, username: str) -> ProviderRecord:
    return next(p for p in context.providers.clinicians() if p.facts.username == username)


def _add_physician(context: AppContext) -> ProviderRecord:
    return with_password(context, _add_hartley(context))


def _add_hartley(context: AppContext) -> ProviderRecord:
    return context.providers.add(
        ProviderFacts(
            username="ihartley",
            display_name="Dr. Imogen Hartley",
            credentials="MD",
            npi="1234567893",
        ),
        Role.PHYSICIAN,
    )


def acting_as(provider: ProviderRecord) -> Actor:
    return Actor(provider.id, provider.facts.username, provider.role, provider.facts.credentials)


def clinician(context: AppContext) -> Actor:
    """The signed-in user of these tests: Dr. Hartley."""
    return acting_as(add_physician(context))


def add_session(
    context: AppContext,
    patient_id: int,
    provider_id: int,
    performed_at: datetime,
    *,
    pain_before: int | None = 7,
    pain_after: int | None = 3,
    muscles: tuple[str, ...] = ("upper_trapezius", "levator_scapulae"),
) -> SessionRecord:
    entry = SessionEntry(
        performed_at=performed_at,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.SEATED,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=pain_before,
        pain_after=pain_after,
        diagnoses=("M79.12",),
        sites=tuple(
            SiteEntry(
                muscle,
                Side.LEFT,
                medications=(
                    MedicationEntry(
                        "lidocaine", Decimal(10), Decimal(1), "LX-2291", date(2027, 6, 30)
                    ),
                ),
            )
            for muscle in muscles
        ),
    )
    provider = next(p for p in context.providers.clinicians() if p.id == provider_id)
    return context.drafts.create(patient_id, provider_id, entry, actor=acting_as(provider))


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Make ``window`` the active one, asking again until the platform agrees (offscreen, a
    window closed by an earlier test may still hold the activation for a moment)."""

    def active() -> bool:
        if QApplication.activeWindow() is not window:
            window.activateWindow()
        return QApplication.activeWindow() is window

    qtbot.waitUntil(active, timeout=10_000)


def give_focus(qtbot: QtBot, widget: QWidget) -> None:
    """Activate ``widget``'s window and put the cursor in ``widget``, asking again until both
    hold (a long run's earlier windows can take either back for a moment)."""
    activate(qtbot, widget.window())

    def focused() -> bool:
        if not widget.hasFocus():
            widget.setFocus()
        return widget.hasFocus()

    qtbot.waitUntil(focused, timeout=10_000)
