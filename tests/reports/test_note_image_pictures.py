"""How each retained image is prepared for the note: decoded once, made 8-bit, shrunk to what
print needs, and scaled into its box with its aspect kept."""

from __future__ import annotations

import io

import numpy
import pytest
from PIL import Image
from reportlab.lib.units import cm

from tests.image_support import dicom_bytes, jpeg_bytes, png_bytes
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import UltrasoundImage
from tpi_desk.reports.note_images import (
    MAX_PRINTED_PIXELS,
    PICTURE_MAX_HEIGHT,
    PICTURE_MAX_WIDTH,
    caption,
    printable_picture,
    ultrasound_images_section,
)
from tpi_desk.reports.note_styles import note_stylesheet


def png_of(picture: Image.Image, name: str = "still.png") -> UltrasoundImage:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return read_ultrasound_image(name, buffer.getvalue())


def test_the_printed_box_is_at_most_8_cm_wide_and_300_dpi_at_that_width() -> None:
    assert pytest.approx(8 * cm) == PICTURE_MAX_WIDTH
    assert MAX_PRINTED_PIXELS == 945  # 8 cm = 3.15 in, x 300 dpi


def test_a_large_png_is_shrunk_to_print_resolution_keeping_its_aspect() -> None:
    reader = printable_picture(read_ultrasound_image("big.png", png_bytes(2000, 1500)))
    assert reader.getSize() == (945, 709)
    assert reader.jpeg_fh() is None  # lossless: a PNG stays exact


def test_a_small_jpeg_is_kept_as_it_is_and_a_large_one_shrunk_but_still_a_jpeg() -> None:
    small = printable_picture(read_ultrasound_image("small.jpg", jpeg_bytes(640, 480)))
    assert small.getSize() == (640, 480)
    assert small.jpeg_fh() is not None
    large = printable_picture(read_ultrasound_image("large.jpg", jpeg_bytes(1600, 1200)))
    assert large.getSize() == (945, 709)
    assert large.jpeg_fh() is not None


def test_a_dicom_image_is_drawn_from_its_frame_in_greyscale() -> None:
    reader = printable_picture(read_ultrasound_image("a.dcm", dicom_bytes(width=96, height=72)))
    assert reader.getSize() == (96, 72)
    reader.getRGBData()
    assert reader.mode == "L"


def test_a_16_bit_png_is_stretched_to_8_bit_grey() -> None:
    ramp = numpy.tile(numpy.linspace(1000, 3000, 64, dtype=numpy.uint16), (48, 1))
    reader = printable_picture(png_of(Image.fromarray(ramp)))
    data = reader.getRGBData()
    assert reader.mode == "L"
    assert (data[0], data[63]) == (0, 255)  # the darkest grey black, the lightest white


def test_a_transparent_png_is_laid_on_white() -> None:
    clear = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    reader = printable_picture(png_of(clear))
    assert reader.getRGBData()[:3] == b"\xff\xff\xff"
    assert reader.mode == "RGB"


@pytest.mark.parametrize(
    ("width", "height", "printed"),
    [
        (640, 480, (PICTURE_MAX_WIDTH, PICTURE_MAX_WIDTH * 480 / 640)),  # 4:3 fills the box
        (1200, 300, (PICTURE_MAX_WIDTH, PICTURE_MAX_WIDTH / 4)),  # wide: the width limits
        (300, 900, (PICTURE_MAX_HEIGHT / 3, PICTURE_MAX_HEIGHT)),  # tall: the height limits
        (32, 24, (PICTURE_MAX_WIDTH, PICTURE_MAX_WIDTH * 24 / 32)),  # small: scaled up
    ],
)
def test_each_image_is_scaled_into_its_box_with_its_aspect_kept(
    width: int, height: int, printed: tuple[float, float]
) -> None:
    image = read_ultrasound_image("still.png", png_bytes(width, height))
    section = ultrasound_images_section([image], note_stylesheet())
    picture = section[0]._content[1]._cellvalues[0][0][0]  # heading, row table, cell, picture
    assert picture.wrap(1000, 1000) == pytest.approx(printed, rel=0.005)  # shrunk: whole pixels


def test_the_caption_names_the_file_its_format_size_and_hash_and_a_dicom_patient_id() -> None:
    png = read_ultrasound_image("a.png", png_bytes(64, 48))
    assert caption(1, png) == [
        "Image 1: a.png",
        f"PNG, 64 x 48 px · SHA-256 {png.sha256[:12]}…",
    ]
    dicom = read_ultrasound_image("b.dcm", dicom_bytes(patient_id="D-104233"))
    assert caption(2, dicom)[2] == "DICOM patient id D-104233"
    anonymous = read_ultrasound_image("c.dcm", dicom_bytes(patient_id=""))
    assert len(caption(3, anonymous)) == 2


def test_no_images_no_section() -> None:
    assert ultrasound_images_section([], note_stylesheet()) == []
