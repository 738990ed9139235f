"""The body map drawn from the shipped art: front and back side by side, muscles clickable."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tpi_desk.clinical.body_map import BodyMap, BodyMapRegion, BodyMapView, Point
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Side

VIEW_ORDER = ("front", "back")
VIEW_CAPTIONS = {"front": "Front", "back": "Back"}
# The patient's right is on the viewer's left when facing them, and on the right from behind.
SIDE_MARKS = {"front": ("R", "L"), "back": ("L", "R")}
MARGIN = 8.0
CAPTION_HEIGHT = 22.0
VIEW_GAP = 12.0

BODY_FILL = QColor("#fbfcfd")
BODY_LINE = QColor("#b9c2cd")
GUIDE_LINE = QColor("#d9dee5")
REGION_FILL = QColor(140, 160, 185, 34)
REGION_LINE = QColor(140, 155, 175, 110)
HOVER_FILL = QColor(37, 99, 235, 60)
RECORDED_FILL = QColor(37, 99, 235, 150)
RECORDED_LINE = QColor("#1d4ed8")
CAPTION_COLOUR = QColor("#4b5563")
MARK_COLOUR = QColor("#9aa4b2")


def _path(points: Iterable[Point], *, closed: bool = True) -> QPainterPath:
    path = QPainterPath()
    polygon = QPolygonF([QPointF(x, y) for x, y in points])
    if closed:
        path.addPolygon(polygon)
        path.closeSubpath()
    else:
        path.addPolygon(polygon)
    return path


def side_label(side: Side) -> str:
    return {Side.LEFT: "left", Side.RIGHT: "right"}.get(side, side.value)


class BodyMapWidget(QWidget):
    """Paints the outlines and regions; hovering names a muscle, clicking picks it."""

    region_clicked = Signal(str, str)

    def __init__(
        self, body_map: BodyMap, catalog: Catalog | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._body_map = body_map
        self._catalog = catalog
        self._views = [body_map.views[name] for name in VIEW_ORDER if name in body_map.views]
        self._outlines = {view.name: _path(view.outline) for view in self._views}
        self._guides = {
            view.name: [_path(guide, closed=False) for guide in view.guides] for view in self._views
        }
        self._region_paths = {
            id(region): _path(region.points) for view in self._views for region in view.regions
        }
        self._recorded: set[tuple[str, Side]] = set()
        self._hovered: BodyMapRegion | None = None
        self._interactive = True
        self._transforms: dict[str, QTransform] = {}
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 260)
        self.setToolTip("")

    # --- state -------------------------------------------------------------------------------

    def set_recorded_sites(self, sites: Iterable[tuple[str, Side]]) -> None:
        """Highlight these muscles; bilateral and midline sites light both sides."""
        recorded: set[tuple[str, Side]] = set()
        for muscle_id, side in sites:
            for region in self._body_map.regions_for(muscle_id, side):
                recorded.add((region.muscle_id, region.side))
        if recorded != self._recorded:
            self._recorded = recorded
            self.update()

    def recorded(self) -> frozenset[tuple[str, Side]]:
        return frozenset(self._recorded)

    def set_interactive(self, interactive: bool) -> None:
        """A signed note's map only shows; it no longer adds sites."""
        self._interactive = interactive
        self._hovered = None
        self.unsetCursor()
        self.update()

    def describe(self, region: BodyMapRegion) -> str:
        muscle = self._catalog.muscles.get(region.muscle_id) if self._catalog else None
        name = muscle.name if muscle is not None else region.muscle_id.replace("_", " ")
        return f"{name}, {side_label(region.side)}"

    # --- geometry ----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(420, 440)

    def _update_transforms(self) -> None:
        self._transforms = {}
        if not self._views:
            return
        count = len(self._views)
        column_width = (self.width() - 2 * MARGIN - VIEW_GAP * (count - 1)) / count
        height = self.height() - 2 * MARGIN - CAPTION_HEIGHT
        for index, view in enumerate(self._views):
            scale = max(min(column_width / view.width, height / view.height), 0.01)
            left = MARGIN + index * (column_width + VIEW_GAP)
            x = left + (column_width - view.width * scale) / 2
            y = MARGIN + (height - view.height * scale) / 2
            transform = QTransform()
            transform.translate(x, y)
            transform.scale(scale, scale)
            self._transforms[view.name] = transform

    def widget_point(self, view: str, x: float, y: float) -> QPointF:
        """Where a point of ``view``'s design coordinates lies on the widget."""
        self._update_transforms()
        return self._transforms[view].map(QPointF(x, y))

    def anchor_of(self, region: BodyMapRegion) -> QPointF:
        """The region's label anchor in widget coordinates (where a click picks it)."""
        return self.widget_point(region.view, *region.label_anchor)

    def region_at(self, position: QPointF) -> BodyMapRegion | None:
        self._update_transforms()
        for view in self._views:
            inverted, invertible = self._transforms[view.name].inverted()
            if not invertible:
                continue
            point = inverted.map(position)
            if 0 <= point.x() <= view.width and 0 <= point.y() <= view.height:
                found = self._body_map.region_at(view.name, point.x(), point.y())
                if found is not None:
                    return found
        return None

    # --- events ------------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hovered = self.region_at(event.position()) if self._interactive else None
        if hovered is not self._hovered:
            self._hovered = hovered
            if hovered is None:
                self.unsetCursor()
            else:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._interactive and event.button() == Qt.MouseButton.LeftButton:
            region = self.region_at(event.position())
            if region is not None:
                self.region_clicked.emit(region.muscle_id, region.side.value)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            region = self.region_at(QPointF(event.pos()))
            if region is None:
                QToolTip.hideText()
                event.ignore()
            else:
                hint = "" if not self._interactive else "\nClick to add a site"
                QToolTip.showText(event.globalPos(), self.describe(region) + hint, self)
            return True
        return super().event(event)

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._update_transforms()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for view in self._views:
            self._paint_view(painter, view)
        painter.end()

    def _paint_view(self, painter: QPainter, view: BodyMapView) -> None:
        transform = self._transforms[view.name]
        painter.save()
        painter.setTransform(transform)
        scale = transform.m11()
        painter.setPen(QPen(BODY_LINE, 1.3 / scale))
        painter.setBrush(BODY_FILL)
        painter.drawPath(self._outlines[view.name])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(GUIDE_LINE, 0.9 / scale))
        for guide in self._guides[view.name]:
            painter.drawPath(guide)
        for region in view.regions:
            recorded = (region.muscle_id, region.side) in self._recorded
            hovered = region is self._hovered
            if recorded:
                painter.setPen(QPen(RECORDED_LINE, 1.0 / scale))
                painter.setBrush(RECORDED_FILL)
            else:
                painter.setPen(QPen(REGION_LINE, 0.7 / scale))
                painter.setBrush(HOVER_FILL if hovered else REGION_FILL)
            painter.drawPath(self._region_paths[id(region)])
            if hovered and recorded:
                painter.setBrush(HOVER_FILL)
                painter.drawPath(self._region_paths[id(region)])
        painter.restore()
        self._paint_captions(painter, view, transform)

    def _paint_captions(self, painter: QPainter, view: BodyMapView, transform: QTransform) -> None:
        """ "Front" / "Back" under each figure, with R and L (the patient's sides) beside it."""
        figure = transform.map(self._outlines[view.name]).boundingRect()
        caption = QRectF(figure.left(), figure.bottom() + 4, figure.width(), CAPTION_HEIGHT)
        painter.save()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        word = VIEW_CAPTIONS.get(view.name, "")
        # A figure drawn small (the signed note's narrow column) left no room between the
        # word and the marks ("RFront L"): the caption gets at least a space's room on each
        # side of the word, centred under the figure.
        metrics = QFontMetricsF(font)
        needed = metrics.horizontalAdvance(word) + 2 * (metrics.horizontalAdvance("R  "))
        if caption.width() < needed:
            caption.adjust(-(needed - caption.width()) / 2, 0, (needed - caption.width()) / 2, 0)
        painter.setPen(CAPTION_COLOUR)
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, word)
        marks = SIDE_MARKS.get(view.name)
        if marks is not None:
            painter.setPen(MARK_COLOUR)
            middle = Qt.AlignmentFlag.AlignVCenter
            painter.drawText(caption, Qt.AlignmentFlag.AlignLeft | middle, marks[0])
            painter.drawText(caption, Qt.AlignmentFlag.AlignRight | middle, marks[1])
        painter.restore()
