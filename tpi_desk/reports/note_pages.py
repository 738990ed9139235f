"""Page furniture of notes: footer with "Page X of Y" per note, running header, DRAFT watermark.

A note's story is framed by ``NoteStart(info)`` and ``NoteEnd()`` markers. Page numbers
count per note, so several notes can share one merged document (``join_note_stories``).
``NoteCanvas`` holds finished pages back until the end (the "NumberedCanvas" pattern), then
draws each page's furniture knowing its note's page total: one layout pass, not two. The
watermark goes over the content (translucent) so that no table shading can hide it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ActionFlowable, BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.flowables import PageBreak

from tpi_desk.reports.fonts import BOLD, REGULAR, register_fonts
from tpi_desk.reports.note_styles import (
    ALERT_RED,
    BODY_SIZE,
    FOOTER_SIZE,
    GRID,
    MUTED,
    RUNNING_HEADER_SIZE,
    WATERMARK_MAX_SIZE,
    WATERMARK_RED,
)

PAGE_SIZE = letter
SIDE_MARGIN = 0.7 * inch
TOP_MARGIN = 0.75 * inch
BOTTOM_MARGIN = 0.75 * inch
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * SIDE_MARGIN
_FOOTER_RULE_Y = BOTTOM_MARGIN - 16
_FOOTER_TEXT_Y = BOTTOM_MARGIN - 27
_RUNNING_HEADER_Y = PAGE_SIZE[1] - TOP_MARGIN + 16
# Page furniture is one line: a title too long for it is cut short (the note shows it whole).
ELLIPSIS = "…"
MARK_GAP = 12


@dataclass(frozen=True, eq=False)
class NotePageInfo:
    """What every page of one note carries (compared by identity: one object per note).

    ``footer``: "Ñúñez, Zoë · MRN D-1042 · DOS 2026-03-04"; ``running_title``: the header
    line of pages 2+; ``status_mark``: "DRAFT — NOT SIGNED" in the header of every page;
    ``watermark``: the diagonal word on every page; ``bookmark``: an outline entry (merged
    documents) as (key, title).
    """

    footer: str
    running_title: str
    status_mark: str | None = None
    watermark: str | None = None
    bookmark: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _HeldPage:
    state: dict[str, Any]
    note: NotePageInfo | None
    bookmarks: tuple[tuple[str, dict[str, Any]], ...]


class NoteCanvas(Canvas):
    """A canvas that holds pages back until ``save`` so footers can say "Page X of Y".

    ``continuing_note`` is the note whose pages are being laid out (set by NoteStart, cleared
    by NoteEnd); ``page_note`` the note the current page belongs to.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.continuing_note: NotePageInfo | None = None
        self.page_note: NotePageInfo | None = None
        self._page_bookmarks: list[tuple[str, dict[str, Any]]] = []
        self._held_pages: list[_HeldPage] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:
        """Bookmarks point at pages, which exist only at ``save``: remember them until then."""
        self._page_bookmarks.append((key, kwargs))

    def showPage(self) -> None:
        self._held_pages.append(
            _HeldPage(dict(self.__dict__), self.page_note, tuple(self._page_bookmarks))
        )
        self._page_bookmarks = []
        self.page_note = None
        self._startPage()

    def save(self) -> None:
        totals = Counter(id(page.note) for page in self._held_pages if page.note is not None)
        numbers: Counter[int] = Counter()
        for page in self._held_pages:
            self.__dict__.update(page.state)
            for key, options in page.bookmarks:
                Canvas.bookmarkPage(self, key, **options)
            if page.note is not None:
                numbers[id(page.note)] += 1
                _draw_furniture(self, page.note, numbers[id(page.note)], totals[id(page.note)])
            Canvas.showPage(self)
        Canvas.save(self)


class NoteStart(ActionFlowable):
    """Marks the first page of a note: its page furniture and (optional) bookmark begin here."""

    def __init__(self, info: NotePageInfo) -> None:
        super().__init__()
        self.info = info

    def apply(self, doc: BaseDocTemplate) -> None:
        canvas = doc.canv
        if not isinstance(canvas, NoteCanvas):
            raise TypeError("Notes must be built with NoteCanvas (see build_document)")
        canvas.continuing_note = self.info
        canvas.page_note = self.info
        if self.info.bookmark is not None:
            key, title = self.info.bookmark
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(title, key, level=0)


class NoteEnd(ActionFlowable):
    """Marks the end of a note: pages after it no longer carry its furniture."""

    def __init__(self) -> None:
        super().__init__()

    def apply(self, doc: BaseDocTemplate) -> None:
        canvas = doc.canv
        if isinstance(canvas, NoteCanvas):
            canvas.continuing_note = None


def join_note_stories(stories: Iterable[Sequence[Flowable]]) -> list[Flowable]:
    """Several notes' stories as one, each note starting on a new page."""
    joined: list[Flowable] = []
    for story in stories:
        if joined:
            joined.append(PageBreak())
        joined.extend(story)
    return joined


def note_document(
    target: Any, *, title: str, author: str, subject: str, invariant: bool = False
) -> BaseDocTemplate:
    """A Letter document with the note page template; ``target`` is a path or a file object."""
    register_fonts()
    document = BaseDocTemplate(
        target,
        pagesize=PAGE_SIZE,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="TPI Desk",
        invariant=int(invariant),
        # Every page starts in the embedded font, so no standard font is ever referenced.
        initialFontName=REGULAR,
        initialFontSize=BODY_SIZE,
    )
    frame = Frame(
        SIDE_MARGIN,
        BOTTOM_MARGIN,
        CONTENT_WIDTH,
        PAGE_SIZE[1] - TOP_MARGIN - BOTTOM_MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="note", frames=[frame], onPage=_begin_page)])
    return document


def build_document(document: BaseDocTemplate, story: list[Flowable]) -> None:
    """Lay out ``story`` (consumed) on ``document`` with the note canvas."""
    with binary_streams():
        document.build(story, canvasmaker=NoteCanvas)


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write PDF streams compressed but not ASCII85-wrapped while a document is saved.

    ReportLab's default wraps every stream (the embedded font subsets above all) in
    ASCII85, which is pure Python without the optional C accelerator: about half of a
    note's time and a quarter of its size, for no benefit to a PDF reader.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _begin_page(canvas: Canvas, _document: BaseDocTemplate) -> None:
    """A new page belongs to the note that ran onto it (if any)."""
    if isinstance(canvas, NoteCanvas):
        canvas.page_note = canvas.continuing_note


def _draw_furniture(canvas: Canvas, note: NotePageInfo, number: int, total: int) -> None:
    """Footer on every page, running header from page 2, watermark over the content."""
    _draw_footer(canvas, note, number, total)
    if number > 1:
        _draw_running_header(canvas, note)
    _draw_watermark(canvas, note)


def _draw_running_header(canvas: Canvas, note: NotePageInfo) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, RUNNING_HEADER_SIZE)
    canvas.setFillColor(MUTED)
    room = CONTENT_WIDTH - _mark_width(note, RUNNING_HEADER_SIZE + 1)
    title = fitted(note.running_title, REGULAR, RUNNING_HEADER_SIZE, room)
    canvas.drawString(SIDE_MARGIN, _RUNNING_HEADER_Y, title)
    if note.status_mark:
        canvas.setFont(BOLD, RUNNING_HEADER_SIZE + 1)
        canvas.setFillColor(ALERT_RED)
        canvas.drawRightString(PAGE_SIZE[0] - SIDE_MARGIN, _RUNNING_HEADER_Y, note.status_mark)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    line_y = _RUNNING_HEADER_Y - 5
    canvas.line(SIDE_MARGIN, line_y, PAGE_SIZE[0] - SIDE_MARGIN, line_y)
    canvas.restoreState()


def _draw_footer(canvas: Canvas, note: NotePageInfo, number: int, total: int) -> None:
    canvas.saveState()
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    canvas.line(SIDE_MARGIN, _FOOTER_RULE_Y, PAGE_SIZE[0] - SIDE_MARGIN, _FOOTER_RULE_Y)
    canvas.setFont(REGULAR, FOOTER_SIZE)
    canvas.setFillColor(MUTED)
    page = f" · Page {number} of {total}"
    room = CONTENT_WIDTH - _mark_width(note, FOOTER_SIZE) - stringWidth(page, REGULAR, FOOTER_SIZE)
    canvas.drawString(
        SIDE_MARGIN, _FOOTER_TEXT_Y, fitted(note.footer, REGULAR, FOOTER_SIZE, room) + page
    )
    if note.status_mark:
        canvas.setFont(BOLD, FOOTER_SIZE)
        canvas.setFillColor(ALERT_RED)
        canvas.drawRightString(PAGE_SIZE[0] - SIDE_MARGIN, _FOOTER_TEXT_Y, note.status_mark)
    canvas.restoreState()


def _mark_width(note: NotePageInfo, size: float) -> float:
    """Room the status mark takes on the right, with a gap before it (0 without a mark)."""
    if not note.status_mark:
        return 0
    return stringWidth(note.status_mark, BOLD, size) + MARK_GAP


def fitted(text: str, font: str, size: float, room: float) -> str:
    """``text``, cut short with an ellipsis if it is wider than ``room`` points."""
    if stringWidth(text, font, size) <= room:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis: binary search
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + ELLIPSIS, font, size) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _draw_watermark(canvas: Canvas, note: NotePageInfo) -> None:
    """The diagonal light-red word across the page (drafts and notes entered in error)."""
    if not note.watermark:
        return
    width, height = PAGE_SIZE
    diagonal = math.hypot(width, height)
    size = min(WATERMARK_MAX_SIZE, 0.7 * diagonal / canvas.stringWidth(note.watermark, BOLD, 1))
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))
    canvas.setFont(BOLD, size)
    canvas.setFillColor(WATERMARK_RED)
    canvas.setFillAlpha(WATERMARK_RED.alpha)
    canvas.drawCentredString(0, -size * 0.35, note.watermark)
    canvas.restoreState()
