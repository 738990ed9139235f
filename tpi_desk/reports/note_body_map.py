"""The body-map figure: front and back outlines with the treated muscles filled and numbered.

The art (resources/body_map) is loaded once per process and its outlines are turned into
PDF paths once, drawn once per document (a form XObject each note's figure shows), so a note
pays only for the regions it fills. Design coordinates have y
pointing down; the figure flips them.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Flowable, KeepTogether

from tpi_desk.clinical.body_map import (
    BODY_MAP_RESOURCE,
    BodyMap,
    BodyMapRegion,
    BodyMapView,
    Point,
    load_body_map,
)
from tpi_desk.clinical.record import Side
from tpi_desk.paths import resource_path
from tpi_desk.reports.fonts import BOLD, REGULAR
from tpi_desk.reports.map_labels import Label, place_labels
from tpi_desk.reports.note_blocks import heading_paragraph, text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import SIDE_LABELS, muscle_name
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import (
    BODY_FILL,
    BODY_LINE,
    MAP_LABEL_SIZE,
    MUTED,
    REGION_LINE,
    TREATED_FILL,
    TREATED_LINE,
    layout_table_style,
)
from tpi_desk.reports.table_cells import shaped_table

VIEWS = ("front", "back")
FIGURE_HEIGHT = 2.8 * inch
VIEW_GAP = 34
CAPTION_ROOM = 14
LABEL_RADIUS = 4.2
# Outline points closer than this (design units, about 0.3 pt on paper) to the simplified
# line are dropped, and coordinates are kept to half a unit: a third of the points, an
# invisible difference, a smaller and faster PDF.
SIMPLIFY_TOLERANCE = 0.8
# The legend lists the sites one per line up to this many; beyond, it would outgrow the figure.
MAX_LISTED_SITES = 14


@dataclass(frozen=True, slots=True)
class _ViewArt:
    """One view's static drawing, as ready-made paths in design coordinates."""

    view: BodyMapView
    outline: PDFPathObject
    details: PDFPathObject
    right_on_left: bool


@cache
def shipped_body_map() -> BodyMap:
    """The body map shipped in resources/ (read once per process)."""
    return load_body_map(resource_path(*BODY_MAP_RESOURCE))


@cache
def _shipped_art() -> tuple[_ViewArt, ...]:
    body_map = shipped_body_map()
    return tuple(_view_art(body_map.view(name)) for name in VIEWS if name in body_map.views)


def treated_regions(
    body_map: BodyMap, sites: Sequence[tuple[str, Side]]
) -> tuple[dict[BodyMapRegion, list[int]], list[int]]:
    """Each region treated, with the (1-based) site numbers on it; and the sites not drawn."""
    labels: dict[BodyMapRegion, list[int]] = {}
    missing: list[int] = []
    for number, (muscle_id, side) in enumerate(sites, start=1):
        regions = body_map.regions_for(muscle_id, side)
        if not regions:
            missing.append(number)
        for region in regions:
            labels.setdefault(region, []).append(number)
    return labels, missing


class BodyMapFigure(Flowable):
    """Front and back views side by side, treated regions filled and labelled."""

    def __init__(self, art: Sequence[_ViewArt], labels: dict[BodyMapRegion, list[int]]) -> None:
        super().__init__()
        self.art = tuple(art)
        self.labels = labels
        self.scale = (FIGURE_HEIGHT - CAPTION_ROOM) / max(a.view.height for a in self.art)
        self.width = sum(a.view.width * self.scale for a in self.art) + VIEW_GAP * (
            len(self.art) - 1
        )
        self.height = FIGURE_HEIGHT
        self.label_centres = self._place_labels()
        self.numbered = self.label_centres is not None

    def _place_labels(self) -> dict[BodyMapRegion, tuple[float, float]] | None:
        """Label centres in each view's scaled coordinates (y down), or None if crowded."""
        centres: dict[BodyMapRegion, tuple[float, float]] = {}
        for art in self.art:
            view = art.view
            labels = [
                Label(
                    region,
                    (region.label_anchor[0] * self.scale, region.label_anchor[1] * self.scale),
                    _label_width(_label_text(numbers)),
                    2 * LABEL_RADIUS,
                )
                for region, numbers in self.labels.items()
                if region.view == view.name
            ]
            bounds = (view.width * self.scale, view.height * self.scale)
            placed = place_labels(labels, bounds)
            if placed is None:
                return None
            centres.update(placed)
        return centres

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        x = 0.0
        for art in self.art:
            self._draw_view(canvas, art, x)
            x += art.view.width * self.scale + VIEW_GAP

    def _draw_view(self, canvas: Canvas, art: _ViewArt, left: float) -> None:
        view, scale = art.view, self.scale
        top = self.height
        form = _art_form(canvas, art, scale)
        canvas.saveState()
        canvas.translate(left, top)
        canvas.scale(scale, -scale)
        canvas.doForm(form)
        treated = [region for region in self.labels if region.view == view.name]
        if treated:
            canvas.setLineJoin(1)
            canvas.setFillColor(TREATED_FILL)
            canvas.setStrokeColor(TREATED_LINE)
            canvas.setLineWidth(0.6 / scale)
        for region in treated:
            canvas.drawPath(_polygon(region.points), stroke=1, fill=1)
        canvas.restoreState()
        if self.label_centres is not None:
            for region, numbers in self.labels.items():
                if region.view == view.name:
                    centre = self.label_centres[region]
                    self._draw_label(canvas, left, top, region.label_anchor, centre, numbers)
        self._draw_caption(canvas, art, left)

    def _draw_label(
        self,
        canvas: Canvas,
        left: float,
        top: float,
        anchor: Point,
        centre: tuple[float, float],
        numbers: list[int],
    ) -> None:
        """The numbers in a pill at ``centre``, with a leader line when moved off the anchor."""
        x, y = left + centre[0], top - centre[1]
        label = _label_text(numbers)
        width = _label_width(label)
        canvas.saveState()
        canvas.setFillColor(TREATED_LINE)
        canvas.setStrokeColor(TREATED_LINE)
        anchor_x, anchor_y = left + anchor[0] * self.scale, top - anchor[1] * self.scale
        if (anchor_x, anchor_y) != (x, y):
            canvas.setLineWidth(0.5)
            canvas.line(anchor_x, anchor_y, x, y)
            canvas.circle(anchor_x, anchor_y, 0.9, stroke=0, fill=1)
        canvas.roundRect(
            x - width / 2, y - LABEL_RADIUS, width, 2 * LABEL_RADIUS, LABEL_RADIUS, 0, 1
        )
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(BOLD, MAP_LABEL_SIZE)
        canvas.drawCentredString(x, y - MAP_LABEL_SIZE * 0.35, label)
        canvas.restoreState()

    def _draw_caption(self, canvas: Canvas, art: _ViewArt, left: float) -> None:
        width = art.view.width * self.scale
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 7.5)
        canvas.drawCentredString(left + width / 2, 2, art.view.name.capitalize())
        canvas.setFont(REGULAR, 7)
        near, far = ("R", "L") if art.right_on_left else ("L", "R")
        canvas.drawString(left, 2, near)
        canvas.drawRightString(left + width, 2, far)
        canvas.restoreState()


def body_map_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """Heading, figure and legend, kept together on one page."""
    art = _shipped_art()
    sites = [(site.muscle_id, site.side) for site in data.entry.sites]
    if not art or not sites:
        return []
    labels, missing = treated_regions(shipped_body_map(), sites)
    figure = BodyMapFigure(art, labels)
    legend = _legend(data, styles, sites, missing, numbered=figure.numbered)
    figure_width = figure.width + 24
    table = shaped_table(
        [[figure, legend]],
        "layout",
        layout_table_style,
        colWidths=[figure_width, CONTENT_WIDTH - figure_width],
        hAlign="LEFT",
    )
    return [KeepTogether([heading_paragraph(styles, "Body map"), table])]


def _legend(
    data: NoteData,
    styles: StyleSheet1,
    sites: list[tuple[str, Side]],
    missing: list[int],
    *,
    numbered: bool,
) -> list[Flowable]:
    def site_name(number: int) -> str:
        muscle_id, side = sites[number - 1]
        return f"{muscle_name(data.catalog, muscle_id)}, {SIDE_LABELS[side].lower()}"

    if numbered:
        intro = "Treated muscles are filled and labelled with their site numbers."
    else:
        intro = (
            "Treated muscles are filled; the sites lie too close together to number them "
            "(see the sites table)."
        )
    legend: list[Flowable] = [
        text(styles, intro, "body_small"),
        text(styles, "R and L mark the patient's right and left.", "map_legend_last"),
    ]
    if numbered and len(sites) <= MAX_LISTED_SITES:
        legend += [
            text(styles, f"{number}  {site_name(number)}", "map_legend_item")
            for number in range(1, len(sites) + 1)
        ]
    if missing:
        names = "; ".join(f"{number} {site_name(number)}" for number in missing)
        legend.append(text(styles, f"Not drawn on the map: {names}.", "map_legend_last"))
    return legend


def _label_text(numbers: list[int]) -> str:
    return ",".join(str(number) for number in numbers)


def _label_width(label: str) -> float:
    return max(2 * LABEL_RADIUS, stringWidth(label, BOLD, MAP_LABEL_SIZE) + 4)


def _view_art(view: BodyMapView) -> _ViewArt:
    details = PDFPathObject()
    for region in view.regions:
        _add_polygon(details, region.points)
    for guide in view.guides:
        _add_line(details, simplified(guide, SIMPLIFY_TOLERANCE))
    rights = [_centre_x(r.points) for r in view.regions if r.side is Side.RIGHT]
    lefts = [_centre_x(r.points) for r in view.regions if r.side is Side.LEFT]
    right_on_left = bool(rights and lefts) and sum(rights) / len(rights) < sum(lefts) / len(lefts)
    return _ViewArt(view, _polygon(view.outline), details, right_on_left)


def _art_form(canvas: Canvas, art: _ViewArt, scale: float) -> str:
    """The name of the view's outline and guides drawn as a form of the canvas's document,
    drawn there the first time: every note of a merged document shows the same drawing,
    so its paths are written (and compressed) once per document, not once per note."""
    name = _form_name(art, scale)
    if not canvas.hasForm(name):
        view = art.view
        # The drawing in design coordinates, with room around it for the strokes.
        canvas.beginForm(name, -view.width, -view.height, 2 * view.width, 2 * view.height)
        canvas.setLineJoin(1)
        canvas.setFillColor(BODY_FILL)
        canvas.setStrokeColor(BODY_LINE)
        canvas.setLineWidth(0.7 / scale)
        canvas.drawPath(art.outline, stroke=1, fill=1)
        canvas.setStrokeColor(REGION_LINE)
        canvas.setLineWidth(0.3 / scale)
        canvas.drawPath(art.details, stroke=1, fill=0)
        canvas.endForm()
    return name


@cache
def _form_name(art: _ViewArt, scale: float) -> str:
    """A name that only this drawing at this scale has (the same in every process)."""
    drawn = f"{scale!r} {art.outline.getCode()} {art.details.getCode()}".encode()
    return f"BodyMap{art.view.name.capitalize()}{zlib.crc32(drawn):08x}"


@cache
def _polygon(points: tuple[Point, ...]) -> PDFPathObject:
    path = PDFPathObject()
    _add_polygon(path, points)
    return path


def _add_polygon(path: PDFPathObject, points: tuple[Point, ...]) -> None:
    _add_line(path, simplified((*points, points[0]), SIMPLIFY_TOLERANCE)[:-1])
    path.close()


def _add_line(path: PDFPathObject, points: Sequence[Point]) -> None:
    path.moveTo(*_half_units(points[0]))
    for point in points[1:]:
        path.lineTo(*_half_units(point))


def _half_units(point: Point) -> Point:
    return round(point[0] * 2) / 2, round(point[1] * 2) / 2


def simplified(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The polyline with points dropped while it stays within ``tolerance`` (Douglas-Peucker)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            gap = _distance_to_segment(points[index], points[first], points[last])
            if gap > distance:
                farthest, distance = index, gap
        if distance > tolerance:
            keep[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length_squared = dx * dx + dy * dy
    if length_squared == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length_squared))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _centre_x(points: tuple[Point, ...]) -> float:
    return sum(x for x, _ in points) / len(points)
