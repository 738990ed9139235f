"""The session editor's place among the main window's pages: built on first use, shown, left."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from tpi_desk.ui.editor_host import HostedSessionEditor


class EditorSlot:
    """Holds the one editor of a window; ``build()`` makes it (as a page of ``pages``)."""

    def __init__(self, pages: QStackedWidget, build: Callable[[], QWidget]) -> None:
        self._pages = pages
        self._build = build
        self._widget: QWidget | None = None
        self._editor: HostedSessionEditor | None = None

    def editor(self) -> HostedSessionEditor:
        """The editor, built and added to the pages the first time."""
        if self._editor is None:
            widget = self._build()
            if not isinstance(widget, HostedSessionEditor):
                raise TypeError(f"{type(widget).__name__} is not a session editor")
            self._pages.addWidget(widget)
            self._widget = widget
            self._editor = widget
        return self._editor

    def show(self) -> None:
        if self._widget is not None:
            self._pages.setCurrentWidget(self._widget)
            self._widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_showing(self) -> bool:
        return self._widget is not None and self._pages.currentWidget() is self._widget

    def leave(self) -> bool:
        """True when the editor may be left: not showing, nothing unsaved, or saved now."""
        return not self.is_showing() or self.nothing_unsaved()

    def nothing_unsaved(self) -> bool:
        """True when no editor was built, it has no changes, or they were saved now."""
        editor = self._editor
        return editor is None or not editor.has_unsaved_changes() or editor.save()
