"""Arbitrary text through the note PDF renderer: always a PDF that opens, never an exception."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.fuzz.conftest import FUZZ_PROFILE
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.clinical.validation import MAX_LIST_ITEM_LENGTH, MAX_LOT_LENGTH, MAX_NAME_LENGTH
from tpi_desk.reports.note_data import NoteAddendum, NoteData
from tpi_desk.reports.note_pdf import render_note_bytes
from tpi_desk.reports.sample_notes import (
    SESSION_TIME,
    ZOE,
    lidocaine,
    make_note,
    single_site_entry,
)

SPECIAL_TEXT = (
    "",
    "\x00",
    "Zoë\x00Ñúñez",
    "\u200f\u202eשלום\u202c مرحبا",
    "\U0001f489\U0001f9d1\u200d\u2695\ufe0f",
    "\r\n\t\x0b\x0c\x1b[31m\x7f\x85\u2028\u2029",
    "<b>unclosed & <para> &amp; &#0; ]]>",
    "Łukasz Nguyễn Ødegård",
    "x" * 10_000,
    "\u202e" * 10_000,
    "\n" * 2_000,
)


def arbitrary_text(limit: int = 10_000) -> st.SearchStrategy[str]:
    """Any Unicode (control characters, NUL, RTL marks, emoji, markup), at most ``limit`` long.

    Names, lots and allergies are cut to the length validation lets through; the free texts
    get up to 10,000 characters.
    """
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda t: t * 500),
    ).map(lambda text: text[:limit])


def note_with_texts(
    name: str, notes: str, instructions: str, lot: str, allergy: str, addendum: str
) -> NoteData:
    """The single-site sample note with arbitrary text in its free-text places."""
    base = single_site_entry()
    site = replace(base.sites[0], medications=(lidocaine("2", lot=lot),))
    entry = replace(base, notes=notes, instructions=instructions, sites=(site,))
    patient = replace(ZOE, family_name=name, given_name=name[::-1], allergies=(allergy,))
    later = SESSION_TIME + timedelta(days=1)
    addenda = (NoteAddendum(name, "MD", later, later + timedelta(minutes=3), addendum),)
    return make_note(entry, patient, addenda=addenda)


def assert_opens_as_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@settings(settings.get_profile(FUZZ_PROFILE), max_examples=25)
@given(
    name=arbitrary_text(MAX_NAME_LENGTH),
    notes=arbitrary_text(),
    instructions=arbitrary_text(),
    lot=arbitrary_text(MAX_LOT_LENGTH),
    allergy=arbitrary_text(MAX_LIST_ITEM_LENGTH),
    addendum=arbitrary_text(),
)
def test_any_text_renders_a_pdf(
    name: str, notes: str, instructions: str, lot: str, allergy: str, addendum: str
) -> None:
    note = note_with_texts(name, notes, instructions, lot, allergy, addendum)
    assert_opens_as_pdf(render_note_bytes(note))


@settings(settings.get_profile(FUZZ_PROFILE), max_examples=15)
@given(text=arbitrary_text(MAX_LOT_LENGTH), status=st.sampled_from(NoteStatus))
def test_the_same_text_everywhere_renders_in_every_status(text: str, status: NoteStatus) -> None:
    note = note_with_texts(text, text, text, text, text, text)
    addenda = note.addenda if status is NoteStatus.SIGNED else ()
    note = make_note(note.entry, note.patient, status=status, addenda=addenda)
    assert_opens_as_pdf(render_note_bytes(note, invariant=True))


def test_a_ten_thousand_character_name_renders_whole() -> None:
    # Taller than a page side by side, the patient block is stacked: every character kept.
    note = make_note(single_site_entry(), replace(ZOE, family_name="Ñ" * 10_000))
    pdf = render_note_bytes(note)
    assert_opens_as_pdf(pdf)
    assert pdf_text(pdf).count("Ñ") >= 10_000


def test_ten_thousand_nuls_in_the_notes_render() -> None:
    note = note_with_texts("Ñúñez", "\x00" * 10_000, "", "LD-1", "Latex", "ok")
    assert_opens_as_pdf(render_note_bytes(note))
