"""The synthetic notes of every layout, each rendered once per test session."""

from __future__ import annotations

import pytest

from tests.reports.pdf_reading import RenderedNote, render
from tpi_desk.reports import sample_notes


@pytest.fixture(scope="session")
def single_site() -> RenderedNote:
    return render(sample_notes.single_site_note())


@pytest.fixture(scope="session")
def many_sites() -> RenderedNote:
    return render(sample_notes.many_sites_note(30))


@pytest.fixture(scope="session")
def long_text() -> RenderedNote:
    return render(sample_notes.long_text_note(5_000))


@pytest.fixture(scope="session")
def with_addenda() -> RenderedNote:
    return render(sample_notes.signed_note_with_addenda())


@pytest.fixture(scope="session")
def with_images() -> RenderedNote:
    return render(sample_notes.ultrasound_images_note())


@pytest.fixture(scope="session")
def draft() -> RenderedNote:
    return render(sample_notes.draft_note())


@pytest.fixture(scope="session")
def entered_in_error() -> RenderedNote:
    return render(sample_notes.entered_in_error_note())


@pytest.fixture(scope="session")
def every_layout(
    single_site: RenderedNote,
    many_sites: RenderedNote,
    long_text: RenderedNote,
    with_addenda: RenderedNote,
    with_images: RenderedNote,
    draft: RenderedNote,
    entered_in_error: RenderedNote,
) -> dict[str, RenderedNote]:
    return {
        "single site": single_site,
        "30 sites": many_sites,
        "5,000-character notes": long_text,
        "signed with addenda": with_addenda,
        "ultrasound images": with_images,
        "draft": draft,
        "entered in error": entered_in_error,
    }
