"""The lot recall list (issue 15) as CSV and as a PDF to hand to whoever calls the patients.

Plain data in (``clinical.lot_recall.LotRecall``), a file out. The PDF is Letter landscape,
one row per medication line, in the embedded Unicode font, with the clinic, the lot, when
the list was made and how many patients, sessions and lines it holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.lot_recall import LotRecall, RecallLine
from tpi_desk.reports.claims_csv import neutralise_formula
from tpi_desk.reports.fonts import BOLD, REGULAR, register_fonts
from tpi_desk.reports.note_pages import binary_streams

RECALL_COLUMNS = (
    "performed_at",
    "patient_mrn",
    "patient_name",
    "date_of_birth",
    "site",
    "location",
    "drug",
    "dose",
    "unit",
    "volume_ml",
    "lot",
    "expires",
    "ndc",
    "clinician",
    "note_status",
    "session_id",
)
MARGIN = 0.5 * inch
CELL_FONT_SIZE = 8
CELL_PADDING = 3
LEADING = 10
HEADER_FILL = colors.HexColor("#e8edf3")
GRID = colors.HexColor("#b8c2cc")
# Column widths of the PDF table, in inches (landscape Letter less the margins: 10 in).
_WIDTHS = (1.05, 1.7, 1.45, 1.0, 1.35, 1.0, 1.45, 1.0)
_PDF_HEADINGS = (
    "Date",
    "Patient",
    "Site",
    "Location",
    "Drug, dose",
    "Lot, expiry",
    "Clinician",
    "Note",
)


def recall_rows(recall: LotRecall) -> Iterator[tuple[str, ...]]:
    """The list's rows, cells in RECALL_COLUMNS order, safe to open in a spreadsheet."""
    for line in recall.lines:
        cells = (
            line.performed_at.isoformat(timespec="minutes"),
            line.patient_mrn,
            line.patient_name,
            line.date_of_birth.isoformat(),
            line.site,
            line.location,
            line.drug,
            decimal_text(line.dose),
            line.unit,
            decimal_text(line.volume_ml),
            line.lot,
            line.expires.isoformat() if line.expires else "",
            line.ndc,
            line.clinician,
            line.note_status.value,
            str(line.session_id),
        )
        yield tuple(neutralise_formula(cell) for cell in cells)


def _refuse_partial(recall: LotRecall) -> None:
    """A recall list handed to anyone holds every line: a screen's first page is refused."""
    if not recall.complete:
        raise ValueError(
            f"the list holds {len(recall.lines):,} of {recall.line_count:,} lines; "
            "search again for all of them"
        )


def write_recall_csv(recall: LotRecall, path: Path) -> None:
    """The list as UTF-8 CSV (with a byte-order mark, so spreadsheets read the names right)."""
    _refuse_partial(recall)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECALL_COLUMNS)
        writer.writerows(recall_rows(recall))


def render_recall_pdf(recall: LotRecall, clinic_name: str) -> bytes:
    """The list as PDF bytes (a line saying so when nothing was given from the lot).

    Drawn row by row on the canvas, not as a platypus table: a month's lot of a busy
    clinic runs to thousands of rows, which a table lays out a hundred times slower.
    """
    _refuse_partial(recall)
    register_fonts()
    target = io.BytesIO()
    canvas = Canvas(target, pagesize=landscape(LETTER), pageCompression=1)
    title = f"Lot recall: {recall.title()}"
    canvas.setTitle(title)
    canvas.setAuthor(clinic_name)
    canvas.setSubject("Patients who received a drug lot")
    canvas.setCreator("TPI Desk")
    with binary_streams():
        _RecallPages(canvas, recall, clinic_name, title).draw()
        canvas.save()
    return target.getvalue()


def write_recall_pdf(recall: LotRecall, clinic_name: str, path: Path) -> None:
    path.write_bytes(render_recall_pdf(recall, clinic_name))


def _cells(line: RecallLine) -> tuple[str, ...]:
    expiry = f"exp. {line.expires.isoformat()}" if line.expires else "no expiry recorded"
    ndc = f"\nNDC {line.ndc}" if line.ndc else ""
    return (
        line.performed_at.strftime("%Y-%m-%d %H:%M"),
        f"{line.patient_name}\nMRN {line.patient_mrn}\nborn {line.date_of_birth.isoformat()}",
        line.site,
        line.location or "clinic",
        f"{line.drug}\n{decimal_text(line.dose)} {line.unit} in {decimal_text(line.volume_ml)} mL",
        f"{line.lot}\n{expiry}{ndc}",
        line.clinician,
        f"{line.note_status.value.replace('_', ' ')}\n#{line.session_id}",
    )


def _wrapped(text: str, width: float, font: str = REGULAR) -> list[str]:
    """``text`` broken into lines that fit ``width`` points (nothing is cut off)."""
    return [
        piece
        for line in text.split("\n")
        for piece in simpleSplit(line, font, CELL_FONT_SIZE, width) or [""]
    ]


class _RecallPages:
    """Lays the list out: a heading on the first page, the column heads on every page."""

    def __init__(self, canvas: Canvas, recall: LotRecall, clinic_name: str, title: str) -> None:
        self._canvas = canvas
        self._recall = recall
        self._clinic_name = clinic_name
        self._title = title
        width, height = landscape(LETTER)
        self._top = height - MARGIN
        self._right = width - MARGIN
        self._x = [MARGIN]
        for column in _WIDTHS[:-1]:
            self._x.append(self._x[-1] + column * inch)
        self._inner = [column * inch - 2 * CELL_PADDING for column in _WIDTHS]
        self._y = self._top

    def draw(self) -> None:
        self._heading()
        if not self._recall.lines:
            self._text(MARGIN, self._y, "No session recorded a line from this lot.", REGULAR, 10)
            self._footer()
            return
        self._column_heads()
        for line in self._recall.lines:
            cells = [
                _wrapped(text, width) for text, width in zip(_cells(line), self._inner, strict=True)
            ]
            height = max(len(cell) for cell in cells) * LEADING + 2 * CELL_PADDING
            if self._y - height < MARGIN:
                self._footer()
                self._canvas.showPage()
                self._y = self._top
                self._column_heads()
            self._row(cells, REGULAR)
        self._footer()

    def _heading(self) -> None:
        if self._clinic_name:
            self._text(MARGIN, self._y - 11, self._clinic_name, BOLD, 11)
            self._y -= 16
        self._text(MARGIN, self._y - 15, self._title, BOLD, 15)
        self._y -= 22
        searched = self._recall.searched_at.astimezone().strftime("%Y-%m-%d %H:%M")
        listed = f"{self._recall.summary()}. Listed {searched}, newest first."
        for piece in simpleSplit(listed, REGULAR, 10, self._right - MARGIN):
            self._text(MARGIN, self._y - 10, piece, REGULAR, 10)
            self._y -= 13
        self._y -= 8

    def _column_heads(self) -> None:
        heads = [
            _wrapped(text, width, BOLD)
            for text, width in zip(_PDF_HEADINGS, self._inner, strict=True)
        ]
        height = max(len(cell) for cell in heads) * LEADING + 2 * CELL_PADDING
        self._canvas.setFillColor(HEADER_FILL)
        self._canvas.rect(MARGIN, self._y - height, self._right - MARGIN, height, stroke=0, fill=1)
        self._canvas.setFillColor(colors.black)
        self._row(heads, BOLD)

    def _row(self, cells: list[list[str]], font: str) -> None:
        height = max(len(cell) for cell in cells) * LEADING + 2 * CELL_PADDING
        for x, cell in zip(self._x, cells, strict=True):
            for number, piece in enumerate(cell):
                baseline = self._y - CELL_PADDING - CELL_FONT_SIZE - number * LEADING
                self._text(x + CELL_PADDING, baseline, piece, font, CELL_FONT_SIZE)
        self._y -= height
        self._canvas.setStrokeColor(GRID)
        self._canvas.setLineWidth(0.25)
        self._canvas.line(MARGIN, self._y, self._right, self._y)

    def _text(self, x: float, y: float, text: str, font: str, size: float) -> None:
        self._canvas.setFont(font, size)
        self._canvas.drawString(x, y, text)

    def _footer(self) -> None:
        page = self._canvas.getPageNumber()
        self._canvas.setFont(REGULAR, 8)
        self._canvas.drawRightString(self._right, MARGIN / 2, f"Lot recall, page {page}")
