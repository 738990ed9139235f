"""A small chart of pain before and after each session over time (NRS 0-10), drawn with QPainter,
with how long each session's relief lasted where the next session records it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from tpi_desk.ui.formatting import format_date

BEFORE_COLOUR = QColor("#d9622b")
AFTER_COLOUR = QColor("#2563eb")
RELIEF_COLOUR = QColor("#059669")
GRID_COLOUR = QColor("#e5e7eb")
AXIS_TEXT_COLOUR = QColor("#6b7280")
TITLE_COLOUR = QColor("#1f2937")
MAX_SCORE = 10
POINT_RADIUS = 3.5


@dataclass(frozen=True, slots=True)
class PainPoint:
    """One session's scores; either may be missing. A repeat session may record how much
    relief the previous session gave and for how many weeks (``prior_relief_*``)."""

    day: date
    before: int | None
    after: int | None
    prior_relief_percent: int | None = None
    prior_relief_weeks: int | None = None


@dataclass(frozen=True, slots=True)
class ReliefSpan:
    """How long a session's relief lasted, as the next session recorded it."""

    start: date
    weeks: int
    percent: int | None
    score: int  # drawn at the session's pain after (before if after is missing; else 0)

    @property
    def end(self) -> date:
        return self.start + timedelta(weeks=self.weeks)

    @property
    def label(self) -> str:
        percent = "" if self.percent is None else f", {self.percent} %"
        return f"relief {self.weeks} wk{percent}"


class PainChart(QWidget):
    """Two series (before, after) with a legend; x is the session date, y is 0-10."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: tuple[PainPoint, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(170)
        self.setAccessibleName("Pain before and after each session")

    def set_points(self, points: Sequence[PainPoint]) -> None:
        """Show ``points`` (any order; drawn oldest to newest)."""
        self._points = tuple(sorted(points, key=lambda point: point.day))
        self.update()

    def before_series(self) -> list[tuple[date, int]]:
        """The plotted "before" points, oldest first."""
        return [(p.day, p.before) for p in self._points if p.before is not None]

    def after_series(self) -> list[tuple[date, int]]:
        """The plotted "after" points, oldest first."""
        return [(p.day, p.after) for p in self._points if p.after is not None]

    def relief_spans(self) -> list[ReliefSpan]:
        """Each session whose relief the next session recorded in weeks, oldest first."""
        spans = []
        for earlier, later in zip(self._points, self._points[1:], strict=False):
            if later.prior_relief_weeks is None:
                continue
            score = earlier.after if earlier.after is not None else earlier.before
            spans.append(
                ReliefSpan(
                    earlier.day, later.prior_relief_weeks, later.prior_relief_percent, score or 0
                )
            )
        return spans

    def sizeHint(self) -> QSize:
        return QSize(420, 210)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(max(7.5, self.font().pointSizeF() - 1.5))
        metrics = QFontMetrics(small)
        line = metrics.height()
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(TITLE_COLOUR)
        painter.drawText(
            QRectF(0, 0, self.width(), line + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Pain score (0-10)",
        )
        painter.setFont(small)
        self._draw_legend(painter, metrics, line)
        left = metrics.horizontalAdvance("10") + 10
        plot = QRectF(left, line + 14, self.width() - left - 12, self.height() - 2 * line - 24)
        if plot.width() < 20 or plot.height() < 20:
            return
        self._draw_grid(painter, plot, metrics)
        if not self.before_series() and not self.after_series():
            painter.setPen(AXIS_TEXT_COLOUR)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No pain scores recorded yet")
            return
        self._draw_dates(painter, plot, metrics)
        self._draw_relief(painter, plot, metrics)
        self._draw_series(painter, plot, self.before_series(), BEFORE_COLOUR)
        self._draw_series(painter, plot, self.after_series(), AFTER_COLOUR)

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, line: int) -> None:
        x = float(self.width())
        entries = [("After", AFTER_COLOUR), ("Before", BEFORE_COLOUR)]
        if self.relief_spans():
            entries.insert(0, ("Relief lasted", RELIEF_COLOUR))
        for label, colour in entries:
            x -= metrics.horizontalAdvance(label) + 4
            painter.setPen(TITLE_COLOUR)
            painter.drawText(
                QRectF(x, 0, metrics.horizontalAdvance(label) + 4, line + 4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            x -= 2 * POINT_RADIUS + 6
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(
                QPointF(x + POINT_RADIUS, (line + 4) / 2), POINT_RADIUS + 0.5, POINT_RADIUS + 0.5
            )
            x -= 14

    def _draw_grid(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics) -> None:
        for score in range(0, MAX_SCORE + 1, 2):
            y = _y(plot, score)
            painter.setPen(QPen(GRID_COLOUR, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS_TEXT_COLOUR)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(score),
            )

    def _draw_dates(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics) -> None:
        painter.setPen(AXIS_TEXT_COLOUR)
        top = plot.bottom() + 4
        first, last = self._points[0].day, self._points[-1].day
        align_top = Qt.AlignmentFlag.AlignTop
        if first == last:
            painter.drawText(
                QRectF(plot.left(), top, plot.width(), metrics.height()),
                align_top | Qt.AlignmentFlag.AlignHCenter,
                format_date(first),
            )
            return
        half = plot.width() / 2
        painter.drawText(
            QRectF(plot.left(), top, half, metrics.height()),
            align_top | Qt.AlignmentFlag.AlignLeft,
            format_date(first),
        )
        painter.drawText(
            QRectF(plot.left() + half, top, half, metrics.height()),
            align_top | Qt.AlignmentFlag.AlignRight,
            format_date(last),
        )

    def _draw_series(
        self, painter: QPainter, plot: QRectF, series: list[tuple[date, int]], colour: QColor
    ) -> None:
        points = [QPointF(self._x(plot, day), _y(plot, score)) for day, score in series]
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(points))
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(colour)
        for point in points:
            painter.drawEllipse(point, POINT_RADIUS, POINT_RADIUS)

    def _draw_relief(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics) -> None:
        """A bar from the session along the weeks its relief lasted (cut at the plot's edge),
        at its pain after; its weeks and percent below it where they fit beside the last."""
        labelled_until = -1.0
        for span in self.relief_spans():
            left = self._x(plot, span.start)
            right = min(self._x(plot, span.end), plot.right())
            y = _y(plot, span.score) + POINT_RADIUS + 4
            painter.setPen(QPen(RELIEF_COLOUR, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLine(QPointF(left, y), QPointF(max(right, left + 2), y))
            width = metrics.horizontalAdvance(span.label) + 2
            if left < labelled_until or left + width > self.width():
                continue  # crowded: the bar alone (the history lists every session)
            painter.setPen(RELIEF_COLOUR)
            painter.drawText(
                QRectF(left, y + 1, width, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                span.label,
            )
            labelled_until = left + width + 6

    def _x(self, plot: QRectF, day: date) -> float:
        first, last = self._points[0].day, self._points[-1].day
        inset = POINT_RADIUS + 2
        if first == last:
            return plot.center().x()
        share = (day - first).days / (last - first).days
        return plot.left() + inset + share * (plot.width() - 2 * inset)


def _y(plot: QRectF, score: int) -> float:
    return plot.bottom() - score / MAX_SCORE * plot.height()
