"""Retained ultrasound images print on the note under the technique, with the interpretation
and a caption each (issue 15 item 5), read back from the PDF with pypdf."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import StreamObject

from tests.image_support import dicom_bytes, jpeg_bytes, png_bytes, speckle
from tests.reports.pdf_reading import RenderedNote, image_objects, integer, pixel_size, render
from tests.reports.poppler_support import render_pages
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.ultrasound_images import UltrasoundImage
from tpi_desk.reports import sample_notes
from tpi_desk.reports.aftercare_handout import render_aftercare_handout
from tpi_desk.reports.note_data import NoteData

INTERPRETATION = "Needle tip seen in the upper trapezius; no vessel in the path."


def note_with(*images: UltrasoundImage) -> NoteData:
    entry = replace(
        sample_notes.single_site_entry(),
        ultrasound_guided=True,
        ultrasound_image_retained=True,
        ultrasound_device="Linear probe, 12 MHz",
        ultrasound_interpretation=INTERPRETATION,
        ultrasound_images=images,
    )
    return sample_notes.make_note(entry, sample_notes.ZOE)


PNG = read_ultrasound_image("trapezius long axis.png", png_bytes(64, 48, seed=1))
JPEG = read_ultrasound_image("trapezius_short_axis.jpg", jpeg_bytes(80, 60, seed=2))
DICOM = read_ultrasound_image(
    "US000003.dcm", dicom_bytes(patient_id="D-104233", width=64, height=64, seed=3)
)


@pytest.fixture(scope="module")
def three_images() -> RenderedNote:
    return render(note_with(PNG, JPEG, DICOM))


def filters(image: StreamObject) -> list[str]:
    value = image["/Filter"]
    return [str(name) for name in value] if isinstance(value, list) else [str(value)]


def test_a_png_a_jpeg_and_a_dicom_image_print_two_to_a_row(three_images: RenderedNote) -> None:
    def sizes(page_number: int) -> list[tuple[int, int]]:
        images = image_objects(three_images.reader, page_number)
        return [pixel_size(image) for image in images]

    # The first row (PNG, JPEG) fits under the technique; the DICOM's row starts page 2.
    assert sorted(sizes(0)) == [(64, 48), (80, 60)]
    assert sizes(1) == [(64, 64)]
    assert len(image_objects(three_images.reader)) == 3


def test_each_image_has_its_caption_and_the_interpretation_prints(
    three_images: RenderedNote,
) -> None:
    words = three_images.body_words
    assert INTERPRETATION in words
    assert "3 images retained, printed below" in words
    assert "ULTRASOUND IMAGES (3)" in words
    assert "Image 1: trapezius long axis.png" in words
    assert f"PNG, 64 x 48 px · SHA-256 {PNG.sha256[:12]}…" in words
    assert "Image 2: trapezius_short_axis.jpg" in words
    assert f"JPEG, 80 x 60 px · SHA-256 {JPEG.sha256[:12]}…" in words
    assert "Image 3: US000003.dcm" in words
    assert f"DICOM, 64 x 64 px · SHA-256 {DICOM.sha256[:12]}…" in words
    assert "DICOM patient id D-104233" in words
    assert PNG.sha256[:13] not in words  # only the start of the hash prints


def test_the_images_print_after_the_technique_and_before_the_sites(
    three_images: RenderedNote,
) -> None:
    words = three_images.body_words
    assert words.index(INTERPRETATION) < words.index("Image 1:") < words.index("Injection sites")


def test_a_jpeg_goes_into_the_pdf_as_its_own_bytes(three_images: RenderedNote) -> None:
    jpegs = [i for i in image_objects(three_images.reader) if filters(i) == ["/DCTDecode"]]
    assert [stream.get_data() for stream in jpegs] == [JPEG.content]


def test_png_and_dicom_pictures_go_in_losslessly_as_greyscale(three_images: RenderedNote) -> None:
    lossless = [i for i in image_objects(three_images.reader) if filters(i) == ["/FlateDecode"]]
    assert len(lossless) == 2
    assert {str(stream["/ColorSpace"]) for stream in lossless} == {"/DeviceGray"}
    png = next(stream for stream in lossless if integer(stream, "/Height") == 48)
    assert png.get_data() == speckle(64, 48, seed=1).tobytes()


def test_a_note_without_images_prints_as_before(every_layout: dict[str, RenderedNote]) -> None:
    for layout, note in every_layout.items():
        if note.data.entry.ultrasound_images:
            continue
        assert image_objects(note.reader) == [], layout  # the body map is drawn, not an image
        assert "ULTRASOUND IMAGE" not in note.text, layout
        assert "printed below" not in note.text, layout


def test_the_guidance_line_of_a_note_without_images_is_unchanged(
    with_addenda: RenderedNote,
) -> None:
    assert "Used; device Butterfly iQ3, linear preset; image retained" in with_addenda.words


def test_one_image_is_captioned_in_the_singular() -> None:
    note = render(note_with(PNG))
    assert "ULTRASOUND IMAGE Image 1: trapezius long axis.png" in note.body_words
    assert "1 image retained, printed below" in note.body_words
    assert "/Helvetica" not in note.font_names()  # the empty cell beside it is in our font


def test_images_of_an_unguided_session_print_and_the_guidance_line_says_so() -> None:
    note = note_with(PNG, JPEG)
    unguided = replace(note, entry=replace(note.entry, ultrasound_guided=False))
    words = render(unguided).body_words
    assert "Ultrasound guidance Not used (2 images attached, printed below)" in words
    assert "Image 2: trapezius_short_axis.jpg" in words


def test_twelve_images_print_two_to_a_row_over_the_pages_each_with_its_caption() -> None:
    images = tuple(
        read_ultrasound_image(f"still_{number:02}.png", png_bytes(64, 48, seed=number))
        for number in range(1, 13)
    )
    note = render(note_with(*images))
    assert len(image_objects(note.reader)) == 12
    for number, image in enumerate(images, start=1):
        assert f"Image {number}: still_{number:02}.png" in note.body_words
        assert image.sha256[:12] in note.body_words
    # Each page's images are whole with their captions: a caption is on its image's page.
    for page_number, page_text in enumerate(note.pages):
        captions = page_text.count("SHA-256 ")
        assert captions == len(image_objects(note.reader, page_number))
    assert note.page_numbers()[-1][1] == len(note.pages)


def test_a_stored_image_that_cannot_be_drawn_prints_its_caption_and_why() -> None:
    damaged = replace(PNG, file_name="damaged.png", content=PNG.content[:40])
    note = render(note_with(damaged, JPEG))
    assert "Image 1: damaged.png" in note.body_words
    assert (
        "The image cannot be drawn: its stored file is damaged or not a picture." in note.body_words
    )
    assert " at 0x" not in note.text  # no exception text with its addresses
    assert render(note.data).pdf == note.pdf  # reproducible, damaged image and all
    assert len(image_objects(note.reader)) == 1  # the JPEG still prints


def test_the_aftercare_handout_shows_no_images() -> None:
    reader = PdfReader(io.BytesIO(render_aftercare_handout(note_with(PNG, JPEG, DICOM), "en")))
    assert image_objects(reader) == []
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "SHA-256" not in text
    assert "Image 1" not in text


def test_poppler_draws_the_images_where_the_layout_put_them(
    with_images: RenderedNote, tmp_path: Path
) -> None:
    (first_page,) = render_pages(with_images.pdf, tmp_path, 60, pages=1)
    with Image.open(first_page) as page:
        grey = page.convert("L")
    # The two stills sit side by side in the lower half of page 1 (8 cm = 189 px at 60 dpi):
    # mostly black fans where they are drawn, white paper in the gap between them.
    band = grey.crop((42, 380, 42 + 400, 500))
    dark = sum(band.histogram()[:64]) / (band.width * band.height)
    assert dark > 0.3
    gap = grey.crop((235, 380, 250, 500))
    lowest, _highest = gap.getextrema()  # one band (grey): a number each, not a pair per band
    assert isinstance(lowest, int | float)
    assert lowest > 200
