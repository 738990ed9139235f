"""Joining the parts of the billing export: every page, outline entry and word of each part,
in order, in a file a strict reader accepts, with the first part's document information."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject

from tests.reports.pdf_reading import integer
from tpi_desk.reports import sample_notes
from tpi_desk.reports.batch_parts import render_part
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.pdf_join import PdfJoiner, PdfJoinError


def notes() -> list[NoteData]:
    """Notes of one, two and several pages; one name holds what looks like a reference."""
    single = sample_notes.single_site_note()
    odd_name = replace(single.patient, family_name="Ref (3 0 R) <4f> O'Brien\\")
    return [
        replace(note, session_id=str(201 + index))
        for index, note in enumerate(
            [
                single,
                sample_notes.many_sites_note(30),
                replace(single, patient=odd_name),
                sample_notes.draft_note(),
                sample_notes.signed_note_with_addenda(),
            ]
        )
    ]


def parts(folder: Path, batch: list[NoteData], sizes: list[int]) -> list[Path]:
    """``batch`` rendered as consecutive parts of the given numbers of notes."""
    folder.mkdir()
    paths, start = [], 0
    for size in sizes:
        path = folder / f"part-{start}.pdf"
        render_part(
            batch[start : start + size],
            path,
            first_number=start + 1,
            with_json=False,
            note_done=lambda: None,
        )
        paths.append(path)
        start += size
    return paths


def joined(paths: list[Path]) -> bytes:
    buffer = io.BytesIO()
    joiner = PdfJoiner(buffer)
    for path in paths:
        joiner.add(path)
    joiner.finish()
    return buffer.getvalue()


def outline(reader: PdfReader) -> list[tuple[str, int | None]]:
    entries = []
    for item in reader.outline:
        assert isinstance(item, Destination), "the outline is flat: one entry per note"
        entries.append((str(item.title), reader.get_destination_page_number(item)))
    return entries


@pytest.mark.parametrize("sizes", [[5], [2, 1, 2], [1, 1, 1, 1, 1], [3, 2]])
def test_joined_parts_read_as_the_whole_batch_in_one_part(tmp_path: Path, sizes: list[int]) -> None:
    batch = notes()
    (whole,) = parts(tmp_path / "whole", batch, [len(batch)])
    pieces = parts(tmp_path / "split", batch, sizes)

    reader = PdfReader(io.BytesIO(joined(pieces)), strict=True)
    expected = PdfReader(whole)

    assert len(reader.pages) == len(expected.pages)
    assert [page.extract_text() for page in reader.pages] == [
        page.extract_text() for page in expected.pages
    ]
    assert outline(reader) == outline(expected)
    assert len(outline(reader)) == len(batch)
    assert "Ref (3 0 R) <4f> O'Brien\\" in outline(reader)[2][0]
    assert reader.page_mode == "/UseOutlines"
    assert reader.metadata is not None and expected.metadata is not None
    assert reader.metadata.title == expected.metadata.title == "Procedure notes — billing export"
    assert reader.metadata.author == expected.metadata.author == batch[0].clinic.name


def test_every_page_belongs_to_the_one_page_tree(tmp_path: Path) -> None:
    pieces = parts(tmp_path / "parts", notes(), [2, 3])

    reader = PdfReader(io.BytesIO(joined(pieces)), strict=True)

    root = reader.root_object["/Pages"].get_object()
    assert isinstance(root, DictionaryObject)
    assert integer(root, "/Count") == len(reader.pages)
    assert all(page["/Parent"] == root for page in reader.pages)


def test_a_file_of_another_shape_is_refused_in_words(tmp_path: Path) -> None:
    stray = tmp_path / "stray.pdf"
    stray.write_bytes(b"%PDF-1.4\nnot really\n")

    with pytest.raises(PdfJoinError, match=r"stray\.pdf is not a complete PDF"):
        PdfJoiner(io.BytesIO()).add(stray)
    with pytest.raises(PdfJoinError, match="No PDF"):
        PdfJoiner(io.BytesIO()).finish()
