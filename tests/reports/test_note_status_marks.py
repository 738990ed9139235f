"""DRAFT and ENTERED IN ERROR are unmistakable on every page, and only where they belong."""

from __future__ import annotations

import pytest

from tests.reports.pdf_reading import RenderedNote


def test_a_draft_says_draft_not_signed_in_the_header_and_on_every_page(
    draft: RenderedNote,
) -> None:
    assert len(draft.pages) >= 2
    assert "DRAFT — NOT SIGNED" in draft.pages[0].split("PATIENT")[0]
    for page in draft.pages:
        assert "DRAFT — NOT SIGNED" in page
        assert "\nDRAFT\n" in f"\n{page}\n"  # the diagonal watermark


def test_a_draft_is_not_signed_and_says_so(draft: RenderedNote) -> None:
    assert "Electronically signed" not in draft.text
    assert "Not signed. This draft is not part of the medical record" in draft.text
    assert "Content hash" not in draft.text


def test_a_draft_lists_alerts_and_open_checklist_items_for_review(draft: RenderedNote) -> None:
    words = draft.words
    assert "Review before signing" in words
    assert "Warning: Patient weight not recorded" in words
    assert "Warning: M54.2 (Cervicalgia) is not on the covered diagnosis list" in words
    assert "Missing: Time-out performed" in words
    assert "Missing: Pain before and after (0-10) — Pain after not recorded" in words
    assert "Site 1 (Levator scapulae, right), medication 2: lot number and expiry date" in words


@pytest.mark.parametrize("layout", ["single site", "30 sites", "signed with addenda"])
def test_signed_notes_carry_no_draft_or_error_mark(
    every_layout: dict[str, RenderedNote], layout: str
) -> None:
    text = every_layout[layout].text
    assert "DRAFT" not in text
    assert "ENTERED IN ERROR" not in text
    assert "Not signed" not in text


def test_a_note_entered_in_error_is_marked_on_every_page_and_keeps_its_signature(
    entered_in_error: RenderedNote,
) -> None:
    assert "ENTERED IN ERROR" in entered_in_error.pages[0].split("PATIENT")[0]
    for page in entered_in_error.pages:
        assert page.count("ENTERED IN ERROR") >= 2  # running mark and watermark
    words = entered_in_error.words
    assert "Electronically signed by Amara Okafor, MD" in words
    assert "This note was marked ENTERED IN ERROR" in words
    assert "DRAFT" not in words


def test_a_note_entered_in_error_says_who_marked_it_when_and_why(
    entered_in_error: RenderedNote,
) -> None:
    words = entered_in_error.words
    assert (
        "Marked entered in error by Amara Okafor on 2026-03-05 17:02 (UTC-05:00). Reason:" in words
    )
    assert "Documented for the wrong patient (meant Łukasz Ødegård, MRN D-104240)." in words
