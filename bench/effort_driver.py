"""The effort benchmark's hands: the only way its tasks touch the UI, counting every action.

An action (issue 14) is one click, one press of a navigation or shortcut key (Tab, Enter, an
arrow, Ctrl+...), or typing one field's value, whatever its length. Reading the screen and
scrolling are free, so finding a widget (``find``, ``focused``) and waiting for the app
(``until``) cost nothing.

A task is a generator of steps: ``yield driver.key("Ctrl+N")``, ``yield driver.until(...)``.
``Script`` runs it on the Qt event loop one step per timer tick, so an action that opens a
modal dialog (whose ``exec()`` blocks the tick that sent it) does not block the task: the
next tick runs inside the dialog's own event loop, as a user keeps working in the dialog.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QKeyCombination, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

W = TypeVar("W", bound=QObject)
WAIT_POLL_MS = 10
DEFAULT_TIMEOUT_S = 20.0


class TaskFailed(RuntimeError):
    """A task could not be completed: the widget it needed never showed, or a check failed."""


@dataclass(frozen=True)
class Logged:
    phase: str
    kind: str  # "key", "type" or "click"
    target: str
    text: str


@dataclass
class Step:
    """One thing for the script to do: an action (``perform``) or a wait (``ready``)."""

    perform: Callable[[], None] | None = None
    ready: Callable[[], bool] | None = None
    what: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S


def describe(widget: QObject | None) -> str:
    """A readable name for the log: class, object or accessible name, or its text."""
    if widget is None:
        return "(nothing)"
    name = type(widget).__name__
    label = widget.objectName()
    if isinstance(widget, QWidget) and not label:
        label = widget.accessibleName()
    if not label and isinstance(widget, QAbstractButton):
        label = widget.text()
    if not label and isinstance(widget, QWidget):
        placeholder = getattr(widget, "placeholderText", None)
        label = placeholder() if callable(placeholder) else ""
    return f"{name}[{label}]" if label else name


@dataclass
class Driver:
    """Sends key and mouse events with QTest, as a user would, and counts them per phase."""

    verbose: bool = False
    phase: str = "setup"
    log: list[Logged] = field(default_factory=list)

    def count(self, phase: str) -> int:
        return sum(1 for entry in self.log if entry.phase == phase)

    def begin(self, phase: str) -> Step:
        """Count the following actions under ``phase`` (free)."""

        def start() -> None:
            self.phase = phase
            if self.verbose:
                print(f"-- {phase}", flush=True)

        return Step(perform=start, what=f"begin {phase}")

    def _record(self, kind: str, target: QObject | None, text: str) -> None:
        entry = Logged(self.phase, kind, describe(target), text)
        self.log.append(entry)
        if self.verbose:
            number = self.count(self.phase)
            print(f"   {self.phase} #{number:<2} {kind:<5} {text!r:<28} -> {entry.target}")

    # --- actions (each counts one) -------------------------------------------------------

    def key(self, name: str) -> Step:
        """Press one key or shortcut (``"Tab"``, ``"Enter"``, ``"Ctrl+Shift+N"``) where the
        keyboard focus is."""

        def press() -> None:
            target = keyboard_target()
            # PySide6's stubs leave out QKeySequence's indexing (Qt's operator[]).
            combination: QKeyCombination = QKeySequence(name)[0]  # type: ignore[index]
            self._record("key", target, name)
            QTest.keyClick(target, combination.key(), combination.keyboardModifiers())

        return Step(perform=press, what=f"key {name}")

    def type_value(self, text: str) -> Step:
        """Type one field's value into the focused widget."""

        def type_in() -> None:
            target = keyboard_target()
            self._record("type", target, text)
            QTest.keyClicks(target, text)

        return Step(perform=type_in, what=f"type {text!r}")

    def click(
        self,
        locate: Callable[[], QWidget],
        at: Callable[[QWidget], QPoint] | None = None,
        label: str = "",
    ) -> Step:
        """Click the widget ``locate()`` finds (when it is shown), at ``at(widget)`` or where a
        user would aim: a check box's box, a button's middle."""

        def press() -> None:
            widget = locate()
            point = at(widget) if at is not None else aim_point(widget)
            self._record("click", widget, label or describe(widget))
            QTest.mouseClick(
                widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
            )

        return Step(perform=press, what=f"click {label}")

    # --- free: waiting ---------------------------------------------------------------------

    def until(
        self, ready: Callable[[], bool], what: str, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> Step:
        """Wait (free) until ``ready()``; the task fails if it never is."""
        return Step(ready=ready, what=what, timeout_s=timeout_s)

    def pause(self, ms: int) -> Step:
        """Let the app settle for ``ms`` (free): e.g. the editor's live analysis."""
        deadline = time.monotonic() + ms / 1000
        return self.until(lambda: time.monotonic() >= deadline, f"pause {ms} ms")


# --- free: finding widgets ---------------------------------------------------------------


def keyboard_target() -> QWidget:
    """Where a key press goes: the focused widget, else the active (modal) window."""
    _reactivate_if_none_is_active()
    target = (
        QApplication.focusWidget()
        or QApplication.activeModalWidget()
        or QApplication.activeWindow()
    )
    if target is None:
        raise TaskFailed("no window has the keyboard focus")
    return target


def _reactivate_if_none_is_active() -> None:
    """The offscreen platform leaves no window active once a modal dialog closes; a window
    manager gives the activation back to the window underneath, so this does (free)."""
    if QApplication.activeWindow() is not None:
        return
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    window = QApplication.activeModalWidget() or (shown[-1] if shown else None)
    if window is not None:
        window.activateWindow()
        QApplication.processEvents()


def aim_point(widget: QWidget) -> QPoint:
    """A check box or radio button is clicked on its box; anything else in its middle."""
    if isinstance(widget, (QCheckBox, QRadioButton)):
        option = QStyleOptionButton()
        option.initFrom(widget)
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if isinstance(widget, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        return widget.style().subElementRect(element, option, widget).center()
    return widget.rect().center()


def modal() -> QWidget | None:
    return QApplication.activeModalWidget()


def top_dialog(kind: type[W]) -> W | None:
    """The modal dialog showing, if it is a ``kind``."""
    shown = QApplication.activeModalWidget()
    return shown if isinstance(shown, kind) else None


def shown_window(kind: type[W]) -> W | None:
    """A visible top-level window of ``kind`` (e.g. the main window, a non-modal dialog)."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def screen() -> str:
    """What the screen shows, for a failure's message."""
    shown = [describe(w) for w in QApplication.topLevelWidgets() if w.isVisible()]
    active = describe(QApplication.activeWindow())
    return f"(focus: {describe(focused())}; active: {active}; shown: {', '.join(shown)})"


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def need(found: W | None, what: str) -> W:
    if found is None:
        raise TaskFailed(f"could not find {what}")
    return found


# --- running a task generator on the event loop -----------------------------------------


class Script:
    """Runs steps one per timer tick; ``failure`` holds why it stopped early (else None)."""

    def __init__(self, steps: Iterator[Step], finished: Callable[[BaseException | None], None]):
        self._steps = steps
        self._finished = finished
        self._waiting: Step | None = None
        self._deadline = 0.0
        self._done = False

    def start(self) -> None:
        QTimer.singleShot(0, self._tick)

    def _tick(self) -> None:
        if self._done:
            return
        try:
            _reactivate_if_none_is_active()
            if self._waiting is not None:
                assert self._waiting.ready is not None
                if not self._waiting.ready():
                    if time.monotonic() > self._deadline:
                        raise TaskFailed(f"timed out waiting for: {self._waiting.what} {screen()}")
                    QTimer.singleShot(WAIT_POLL_MS, self._tick)
                    return
                self._waiting = None
            step = next(self._steps)
        except StopIteration:
            self._end(None)
            return
        except BaseException as error:  # reported by the benchmark once the app has quit
            self._end(error)
            return
        if step.ready is not None:
            self._waiting = step
            self._deadline = time.monotonic() + step.timeout_s
            QTimer.singleShot(0, self._tick)
            return
        # Schedule the next step first: this action may open a modal dialog and block here.
        QTimer.singleShot(0, self._tick)
        try:
            assert step.perform is not None
            step.perform()
        except BaseException as error:
            self._end(error)

    def _end(self, failure: BaseException | None) -> None:
        if not self._done:
            self._done = True
            self._finished(failure)
