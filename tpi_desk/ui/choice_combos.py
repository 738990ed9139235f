"""Drop-downs of coded choices (value -> label) with an empty "none" item first; light
enough for the first windows (the first-start wizard, the clinic settings), which must not
load the session editor."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QComboBox


def choice_combo(choices: Mapping[str, str], *, empty: str, tooltip: str = "") -> QComboBox:
    """A combo box of ``choices`` (value -> label) after an ``empty`` item meaning "none"."""
    combo = QComboBox()
    combo.addItem(empty, "")
    for value, label in choices.items():
        combo.addItem(label, value)
    if tooltip:
        combo.setToolTip(tooltip)
    return combo


def select_data(combo: QComboBox, value: str) -> None:
    """Show the item holding ``value``; a value the list lacks (from an imported document) is
    added as it is, so it is kept and its problem shown rather than silently dropped."""
    index = combo.findData(value)
    if index < 0 and value:
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(0, index))
