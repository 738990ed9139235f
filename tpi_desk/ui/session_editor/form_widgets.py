"""Small building blocks of the form: headings, error lines, invalid marks, compact fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QSizePolicy, QWidget

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_state import short_label
from tpi_desk.ui.session_editor.style import MUTED, RED


def section_heading(text: str) -> QLabel:
    """A section title: larger and bold, never a frame."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 2)
    return label


def enable_children(parent: QWidget, enabled: bool, *, keep: QWidget | None = None) -> None:
    """Enable or disable each widget laid out directly in ``parent``, but ``keep``: a signed
    note locks its fields one by one so that its ultrasound images can still be opened (a
    widget inside a disabled one can never be enabled)."""
    for child in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if child is not keep:
            child.setEnabled(enabled)


def muted_label(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text) if buddy is None else caption(text, buddy)
    label.setStyleSheet(f"color: {MUTED};")
    label.setWordWrap(True)
    return label


def caption(text: str, buddy: QWidget) -> QLabel:
    """The label before an input, naming it: its buddy, so an ``&`` in ``text`` makes Alt and
    that letter put the cursor there, and the input's accessible name (a combo box on Linux
    would otherwise be announced by its value alone; a check box keeps its own text)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    if not buddy.accessibleName() and not isinstance(buddy, QAbstractButton):
        buddy.setAccessibleName(text.replace("&", ""))
    return label


def compact_edit(placeholder: str, width: int, *, tooltip: str = "") -> QLineEdit:
    """A short text field for a number or a code, keeping whatever is typed."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setFixedWidth(width)
    if tooltip:
        edit.setToolTip(tooltip)
    return edit


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field whose value cannot be accepted (the editor's style turns it red)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class ErrorLabel(QLabel):
    """Field problems in plain words, right under the fields they are about; hidden when none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {RED};")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        lines = [f"{short_label(p.path)}: {p.message}" for p in problems]
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))


def problems_under(problems: Sequence[FieldProblem], prefix: str) -> list[FieldProblem]:
    """Problems whose path is ``prefix`` or lies inside it (``sites[0]`` covers ``sites[0].x``)."""
    return [
        p
        for p in problems
        if p.path == prefix or p.path.startswith(f"{prefix}.") or p.path.startswith(f"{prefix}[")
    ]


def mark_fields(problems: Sequence[FieldProblem], fields: Mapping[str, QWidget]) -> None:
    """Tint each field in ``fields`` (keyed by document path) that has a problem."""
    bad = {p.path for p in problems}
    for path, widget in fields.items():
        set_invalid(widget, path in bad)
