"""Rendering: reproducible bytes, files on disk, PNG pages, and fonts registered once."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from tests.reports.pdf_reading import RenderedNote
from tests.reports.poppler_support import render_pages
from tpi_desk.reports.fonts import register_fonts
from tpi_desk.reports.note_pdf import render_note, render_note_bytes
from tpi_desk.reports.sample_notes import draft_note, single_site_note


def test_invariant_output_is_byte_for_byte_reproducible() -> None:
    data = single_site_note()
    first = render_note_bytes(data, invariant=True)
    second = render_note_bytes(data, invariant=True)
    assert first == second
    assert first.startswith(b"%PDF-")


def test_different_notes_give_different_bytes() -> None:
    assert render_note_bytes(single_site_note(), invariant=True) != render_note_bytes(
        draft_note(), invariant=True
    )


def test_render_note_writes_the_same_pdf_to_a_file(tmp_path: Path) -> None:
    data = single_site_note()
    target = tmp_path / "note.pdf"
    render_note(data, target, invariant=True)
    assert target.read_bytes() == render_note_bytes(data, invariant=True)


def test_rendering_leaves_reportlabs_global_stream_setting_alone() -> None:
    from reportlab import rl_config

    before = rl_config.useA85
    render_note_bytes(single_site_note())
    assert rl_config.useA85 == before


def test_fonts_are_registered_once_per_process() -> None:
    register_fonts()
    assert register_fonts.cache_info().currsize == 1
    render_note_bytes(single_site_note())
    assert register_fonts.cache_info().misses == 1


def test_a_note_renders_to_png_pages_with_pdftoppm(
    single_site: RenderedNote, tmp_path: Path
) -> None:
    pages = render_pages(single_site.pdf, tmp_path, 70)
    assert len(pages) == len(single_site.pages)
    with Image.open(pages[0]) as image:
        assert image.size == (595, 770)  # Letter, 8.5 x 11 in at 70 dpi
        greyscale = image.convert("L")
        # Ink on the page, but far from all of it: a laid-out page, not a blank or a black box.
        histogram = greyscale.histogram()
        dark = sum(histogram[:128]) / (image.size[0] * image.size[1])
        assert 0.005 < dark < 0.2


def test_the_clinic_logo_prints_in_the_header_when_the_file_exists(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 120), (31, 78, 121)).save(logo)
    data = single_site_note()
    with_logo = replace(data, clinic=replace(data.clinic, logo_path=logo))
    missing = replace(data, clinic=replace(data.clinic, logo_path=tmp_path / "gone.png"))

    def images(pdf: bytes) -> int:
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        return len(page.images)

    assert images(render_note_bytes(with_logo)) == 1
    assert images(render_note_bytes(missing)) == 0
    text = PdfReader(io.BytesIO(render_note_bytes(with_logo))).pages[0].extract_text()
    assert text.startswith("Riverside Pain & Spine Clinic\n1200 Harbor Avenue, Suite 310")
