"""The billing export carries each note's ultrasound images: in the merged PDF written in one
process, and through the parts that worker processes lay out and the parent joins."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from tests.reports.pdf_reading import image_objects, pixel_size
from tpi_desk.reports import sample_notes
from tpi_desk.reports.batch_export import export_batch
from tpi_desk.reports.batch_parts import render_part
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.pdf_join import PdfJoiner


def batch() -> list[NoteData]:
    """A note with two images between notes without any (ids made unique)."""
    notes = [
        sample_notes.single_site_note(),
        sample_notes.ultrasound_images_note(),
        sample_notes.signed_note_with_addenda(),
    ]
    return [replace(note, session_id=str(301 + index)) for index, note in enumerate(notes)]


def images_by_page(reader: PdfReader) -> list[list[tuple[int, int]]]:
    return [
        sorted(pixel_size(image) for image in image_objects(reader, n))
        for n in range(len(reader.pages))
    ]


def pages_of_the_images_note(reader: PdfReader) -> list[int]:
    return [
        n for n, page in enumerate(reader.pages) if "ULTRASOUND IMAGES (2)" in page.extract_text()
    ]


def test_the_merged_pdf_prints_the_images_on_their_notes_first_page(tmp_path: Path) -> None:
    merged = tmp_path / "batch.pdf"
    export_batch(batch(), merged_pdf=merged)
    reader = PdfReader(merged)
    by_page = images_by_page(reader)
    first = pages_of_the_images_note(reader)[0]
    assert by_page[first] == [(640, 480), (800, 600)]
    assert sum(map(len, by_page)) == 2  # the other notes have none
    assert "Image 2: serratus_anterior.jpg" in reader.pages[first].extract_text()


def test_parts_joined_from_workers_keep_the_images_byte_for_byte(tmp_path: Path) -> None:
    notes = batch()
    paths = []
    for number, note in enumerate(notes, start=1):
        path = tmp_path / f"part-{number}.pdf"
        render_part([note], path, first_number=number, with_json=False, note_done=lambda: None)
        paths.append(path)
    buffer = io.BytesIO()
    joiner = PdfJoiner(buffer)
    for path in paths:
        joiner.add(path)
    joiner.finish()

    joined = PdfReader(io.BytesIO(buffer.getvalue()))
    part = PdfReader(paths[1])
    first = pages_of_the_images_note(joined)[0]
    joined_images = [image.get_data() for image in image_objects(joined, first)]
    part_images = [image.get_data() for image in image_objects(part, 0)]
    assert len(joined_images) == 2
    assert sorted(joined_images) == sorted(part_images)
    jpeg = notes[1].entry.ultrasound_images[1].content
    assert jpeg in joined_images  # the JPEG as attached, through the join
