"""What the main window needs from the session editor it hosts (built on first use)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages


@runtime_checkable
class HostedSessionEditor(Protocol):
    """The session editor's interface as the main window uses it."""

    @property
    def session_saved(self) -> SignalInstance: ...

    @property
    def session_signed(self) -> SignalInstance: ...

    @property
    def close_requested(self) -> SignalInstance: ...

    def new_session(self, patient_id: int) -> None: ...

    def open_session(self, session_id: int) -> None: ...

    def has_unsaved_changes(self) -> bool: ...

    def save(self) -> bool: ...


@runtime_checkable
class TemplateTarget(Protocol):
    """An editor that adds a clinician's template to the session it shows."""

    def apply_template(self, template_id: int) -> bool: ...


# (context, messages, parent, signed-in actor) -> the editor widget
EditorFactory = Callable[[AppContext, UserMessages, QWidget, Actor | None], QWidget]


def build_session_editor(
    context: AppContext, messages: UserMessages, parent: QWidget, actor: Actor | None
) -> QWidget:
    """The real editor, working as ``actor``; imported on first use to keep start-up quick."""
    from tpi_desk.ui.session_editor import SessionEditor

    return SessionEditor(context, messages, parent, actor=actor)


COPY_FORWARD_SHORTCUT = "Ctrl+D"  # the editor's own "Copy forward" too


def copy_forward_action(window: QWidget, places: Sequence[QWidget]) -> QAction:
    """Ctrl+D where a patient is found or shown (not in the editor, which has its own): a
    new session with the patient's last signed note copied forward."""
    action = QAction("New session, copied forward", window)
    action.setShortcut(QKeySequence(COPY_FORWARD_SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    for place in places:
        place.addAction(action)
    return action


def copy_forward(editor: HostedSessionEditor) -> bool:
    """Copy the last signed note into ``editor``'s new session, if the editor can."""
    copy = getattr(editor, "copy_from_last_session", None)
    return bool(copy()) if callable(copy) else False
