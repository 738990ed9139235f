"""The outcomes chart: one line per group (the busiest first) of one measure over time,
drawn with pyqtgraph; it saves itself as a PNG image."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from tpi_desk.services.outcomes.figures import (
    MEASURE_LABELS,
    OutcomeGrouping,
    OutcomeMeasure,
    OutcomeReport,
)
from tpi_desk.ui.formatting import format_date

# Colour-blind-safe (Okabe-Ito), then greys: more groups than this are left out of the chart.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                  "#999999")  # fmt: skip
MAX_SERIES = len(SERIES_COLOURS)
PNG_WIDTH = 1400
LEGEND_COLUMNS = 4
MEASURE_TITLES = {
    OutcomeMeasure.PAIN_BEFORE: "Mean pain before",
    OutcomeMeasure.PAIN_AFTER: "Mean pain after",
    OutcomeMeasure.RELIEF: "Mean relief (points)",
    OutcomeMeasure.RELIEF_PERCENT: "Mean relief (%)",
}


def _seconds(day: date) -> float:
    """Where a period starts on the date axis (seconds since the epoch, UTC midnight)."""
    return datetime.combine(day, time(), UTC).timestamp()


def _title(report: OutcomeReport, measure: OutcomeMeasure) -> str:
    """ "Mean relief (%) by region, per month, Dec 7, 2025 - Dec 7, 2026"."""
    query = report.query
    grouped = "" if query.grouping is OutcomeGrouping.ALL else f" by {query.grouping.value}"
    dates = f"{format_date(query.date_from)} – {format_date(query.date_to)}"
    return f"{MEASURE_TITLES[measure]}{grouped}, per {query.period.value}, {dates}"


class OutcomesChart(QWidget):
    """Shows ``report``'s ``measure`` per period for its ``MAX_SERIES`` busiest groups."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.plot = self.view.addPlot(row=0, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen("#6b7280"))
            axis.setTextPen(pg.mkPen("#374151"))
        # Below the plot, not over the lines; it goes into the saved image too.
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS, labelTextColor="#1f2937")
        self.view.addItem(self.legend, row=1, col=0)
        self.view.setAccessibleName("Outcomes chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._shown: dict[str, list[tuple[date, float]]] = {}

    def sizeHint(self) -> QSize:
        return QSize(900, 380)

    def show_report(self, report: OutcomeReport, measure: OutcomeMeasure) -> None:
        self.plot.clear()
        self.legend.clear()
        self._shown = {}
        for colour, group in zip(SERIES_COLOURS, report.groups, strict=False):
            points = report.series(group.key, measure)
            if not points:
                continue
            self._shown[group.label] = points
            line = self.plot.plot(
                [_seconds(day) for day, _ in points],
                [value for _, value in points],
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=7,
                symbolBrush=colour,
                symbolPen=pg.mkPen("w", width=1),
            )
            self.legend.addItem(line, f"{group.label} ({group.total.sessions:,})")
        self.plot.setLabel("left", MEASURE_LABELS[measure])
        self.plot.setLabel("bottom", f"{report.query.period.value.capitalize()} starting")
        self.plot.setTitle(_title(report, measure), color="#1f2937", size="11pt")
        # From 0 to the whole scale (10 points, 100 %), further only if the data go further:
        # a zoomed axis would make a change of half a point look like a trend.
        values = [value for points in self._shown.values() for _, value in points]
        top = 100.0 if measure is OutcomeMeasure.RELIEF_PERCENT else 10.0
        self.plot.setYRange(min([0.0, *values]), max([top, *values]), padding=0.04)
        self.plot.enableAutoRange(axis="x")

    def series_shown(self) -> dict[str, list[tuple[date, float]]]:
        """What is drawn: each line's label and its (period start, value) points."""
        return dict(self._shown)

    def save_png(self, path: Path) -> None:
        """Write the chart as a PNG image, ``PNG_WIDTH`` pixels wide (OSError if it cannot)."""
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.view.scene())
        exporter.parameters()["width"] = PNG_WIDTH
        exporter.export(str(path))
        if not path.is_file():
            raise OSError(f"the image could not be written to {path.name}")
