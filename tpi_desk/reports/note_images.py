"""The retained ultrasound images as the note prints them: under the technique, two to a row,
each scaled to fit its box with its aspect kept, and captioned with what identifies the file
(its name, format, pixel size, the start of its SHA-256 and, for DICOM, the patient id its
header names), so that a printed image can be matched to the stored one.

Each image is decoded once, and only here: its picture (a DICOM file's frame drawn as a PNG)
is made 8-bit, shrunk to what the print needs (300 dpi at its largest printed size), and
handed to ReportLab as one ImageReader. A JPEG goes into the PDF as a JPEG: its own bytes when
it needs no shrinking (not re-encoded), else shrunk and saved again at high quality. PNG and
DICOM pictures go in losslessly. A stored image that cannot be drawn prints its caption and
the reason; it never stops the note from printing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from tpi_desk.clinical.image_reading import display_picture
from tpi_desk.clinical.ultrasound_images import ImageFormat, UltrasoundImage
from tpi_desk.reports.note_blocks import text
from tpi_desk.reports.note_format import markup
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import ALERT_RED, GRID, PANEL_FILL, layout_table_style

IMAGES_PER_ROW = 2
CELL_WIDTH = CONTENT_WIDTH / IMAGES_PER_ROW
# The box each image is scaled to fit (up or down), its aspect kept.
PICTURE_MAX_WIDTH = 8 * cm
PICTURE_MAX_HEIGHT = 6 * cm
# Longest side, in pixels, of the picture put into the PDF: 300 dpi at the box's width.
MAX_PRINTED_PIXELS = round(PICTURE_MAX_WIDTH / 72 * 300)
SHRUNK_JPEG_QUALITY = 92
HASH_DIGITS_SHOWN = 12
ROW_GAP = 8
UNDRAWABLE = "The image cannot be drawn: its stored file is damaged or not a picture."
_EIGHT_BIT_MODES = ("L", "RGB")


def ultrasound_images_section(
    images: Sequence[UltrasoundImage], styles: StyleSheet1
) -> list[Flowable]:
    """The images under a small heading, a row at a time (a row never splits across pages,
    and the heading stays with the first row); nothing at all when there are none."""
    if not images:
        return []
    cells = [_image_cell(number, image, styles) for number, image in enumerate(images, start=1)]
    rows = [
        _row(cells[start : start + IMAGES_PER_ROW])
        for start in range(0, len(cells), IMAGES_PER_ROW)
    ]
    title = "ULTRASOUND IMAGE" if len(images) == 1 else f"ULTRASOUND IMAGES ({len(images)})"
    return [KeepTogether([text(styles, title, "image_heading"), rows[0]]), *rows[1:]]


def caption(number: int, image: UltrasoundImage) -> list[str]:
    """The caption's lines: "Image 1: name", "PNG, 640 x 480 px · SHA-256 3f9a1b2c3d4e…",
    and for DICOM the patient id of its header, when it names one."""
    lines = [
        f"Image {number}: {image.file_name}",
        f"{image.image_format.words}, {image.width} x {image.height} px"
        f" · SHA-256 {image.sha256[:HASH_DIGITS_SHOWN]}…",
    ]
    patient_id = image.dicom_patient_id.strip()
    if image.image_format is ImageFormat.DICOM and patient_id:
        lines.append(f"DICOM patient id {patient_id}")
    return lines


def printable_picture(image: UltrasoundImage) -> ImageReader:
    """The image decoded once, as ReportLab draws it: 8-bit greyscale or RGB, at most
    ``MAX_PRINTED_PIXELS`` on its longer side. Raises what decoding raises."""
    content, picture_format = display_picture(image)
    opened = Image.open(io.BytesIO(content))
    fits = max(opened.size) <= MAX_PRINTED_PIXELS
    if picture_format is ImageFormat.JPEG and opened.mode in _EIGHT_BIT_MODES and fits:
        return ImageReader(io.BytesIO(content))  # its own bytes go in: not re-encoded
    picture = _eight_bit(opened)
    if not fits:
        picture.thumbnail((MAX_PRINTED_PIXELS, MAX_PRINTED_PIXELS), Image.Resampling.BICUBIC)
    if picture_format is ImageFormat.JPEG:  # lossy already: shrunk, it stays a JPEG
        shrunk = io.BytesIO()
        picture.save(shrunk, format="JPEG", quality=SHRUNK_JPEG_QUALITY)
        return ImageReader(io.BytesIO(shrunk.getvalue()))
    return ImageReader(picture)


class _Picture(Flowable):
    """An image drawn at a fixed size inside a hairline frame; without one (``reader`` None),
    an empty grey frame where the picture would be."""

    def __init__(self, reader: ImageReader | None, width: float, height: float) -> None:
        super().__init__()
        self.reader = reader
        self.width = width
        self.height = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.reader is not None:
            canvas.drawImage(self.reader, 0, 0, self.width, self.height)
        canvas.setStrokeColor(GRID)
        canvas.setFillColor(PANEL_FILL)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=int(self.reader is None))


def _image_cell(number: int, image: UltrasoundImage, styles: StyleSheet1) -> list[Flowable]:
    lines = [markup(line) for line in caption(number, image)]
    try:
        reader = printable_picture(image)
    except Exception:  # Pillow and pydicom raise many kinds for bytes they cannot draw
        # Their messages name internals (objects, addresses): the reason is said in words.
        lines.append(f'<font color="{ALERT_RED.hexval()}">{markup(UNDRAWABLE)}</font>')
        empty = _Picture(None, PICTURE_MAX_WIDTH, PICTURE_MAX_HEIGHT)
        return [empty, Paragraph("<br/>".join(lines), styles["image_caption"])]
    pixel_width, pixel_height = reader.getSize()
    scale = min(PICTURE_MAX_WIDTH / pixel_width, PICTURE_MAX_HEIGHT / pixel_height)
    picture = _Picture(reader, pixel_width * scale, pixel_height * scale)
    return [picture, Paragraph("<br/>".join(lines), styles["image_caption"])]


def _row(cells: Sequence[list[Flowable]]) -> Table:
    padded: list[list[Flowable] | str] = [*cells, *([""] * (IMAGES_PER_ROW - len(cells)))]
    style = layout_table_style()  # in the note's font: no standard font enters the PDF
    style.add("RIGHTPADDING", (0, 0), (-1, -1), CELL_WIDTH - PICTURE_MAX_WIDTH)
    style.add("BOTTOMPADDING", (0, 0), (-1, -1), ROW_GAP)
    return Table([padded], colWidths=[CELL_WIDTH] * IMAGES_PER_ROW, style=style, hAlign="LEFT")


def _eight_bit(picture: Image.Image) -> Image.Image:
    """The picture as 8-bit greyscale or RGB: transparency laid on white, deeper greys
    stretched to 0-255 (what a 16-bit PNG from a device holds)."""
    if picture.mode in _EIGHT_BIT_MODES:
        return picture
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        return _stretched_grey(picture)
    if picture.mode in ("LA", "RGBA", "PA", "P", "La", "RGBa"):
        solid = picture.convert("RGBA")
        background = Image.new("RGBA", solid.size, "white")
        return Image.alpha_composite(background, solid).convert("RGB")
    return picture.convert("L" if picture.mode == "1" else "RGB")


def _stretched_grey(picture: Image.Image) -> Image.Image:
    wide = picture.convert("F")
    extrema = wide.getextrema()  # (lowest, highest) of the one band
    low, high = float(extrema[0]), float(extrema[1])  # type: ignore[arg-type]
    scale = 255.0 / (high - low) if high > low else 0.0
    return wide.point(lambda value: (value - low) * scale).convert("L")
