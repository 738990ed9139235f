"""The synthetic notes are what they claim to be: signable when signed, open items when drafts."""

from __future__ import annotations

from dataclasses import replace

from tests.reports.pdf_reading import RenderedNote, image_objects, render
from tpi_desk.clinical.alerts import AlertSeverity
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports import sample_notes


def test_signed_samples_pass_the_signing_checklist() -> None:
    for note in (
        sample_notes.single_site_note(),
        sample_notes.many_sites_note(30),
        sample_notes.long_text_note(),
        sample_notes.signed_note_with_addenda(),
        sample_notes.ultrasound_images_note(),
    ):
        assert note.status is NoteStatus.SIGNED and note.is_signed
        assert note.analysis.ready_to_sign, note.analysis.checklist.missing
        assert not [a for a in note.analysis.alerts if a.severity is AlertSeverity.BLOCKING]


def test_the_draft_sample_has_open_items_and_no_signature() -> None:
    note = sample_notes.draft_note()
    assert note.status is NoteStatus.DRAFT
    assert note.signature is None and not note.is_signed
    assert "Time-out performed" in note.analysis.checklist.missing


def test_many_sites_builds_as_many_sites_as_asked() -> None:
    assert len(sample_notes.many_sites_note(7).entry.sites) == 7
    assert len(sample_notes.many_sites_note(30).entry.sites) == 30


def test_user_text_that_looks_like_markup_prints_as_written() -> None:
    base = sample_notes.single_site_note()
    entry = replace(base.entry, notes="Pain <b>less</b> than 3/10 & improving; see <note>.")
    note = render(replace(base, entry=entry))
    assert "Pain <b>less</b> than 3/10 & improving; see <note>." in note.text


def test_the_ultrasound_sample_prints_its_two_synthetic_images_on_page_one(
    with_images: RenderedNote,
) -> None:
    assert len(image_objects(with_images.reader, 0)) == 2
    assert "ULTRASOUND IMAGES (2)" in with_images.body_words
    assert "Image 1: pectoralis_minor_long_axis.png" in with_images.body_words
    assert "Image 2: serratus_anterior.jpg" in with_images.body_words


def test_the_sample_images_are_the_same_bytes_every_time() -> None:
    first = sample_notes.ultrasound_images_note().entry.ultrasound_images
    again = sample_notes.ultrasound_images_note().entry.ultrasound_images
    assert [image.sha256 for image in first] == [image.sha256 for image in again]
