"""The look and behaviour every read-only list table shares (rows, headers, column widths)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

# Room around a cell's text: the item padding of the page style plus a little air.
COLUMN_PADDING = 28
ROW_PADDING = 10


def configure_list_table(table: QTableView, samples: Sequence[str | None]) -> None:
    """Whole-row single selection, no grid, striped rows; each column as wide as its sample
    text (``None``: the column that stretches to fill the rest). Arrows move between rows;
    Tab leaves the table for the next control (a table's own Tab walked its cells, and the
    keyboard never got out of the patient list)."""
    table.setTabKeyNavigation(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    metrics = table.fontMetrics()
    for column, sample in enumerate(samples):
        if sample is None:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + COLUMN_PADDING)
