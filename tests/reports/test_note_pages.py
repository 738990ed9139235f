"""Page furniture works per note: several notes merged into one document number their own pages."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph

from tpi_desk.reports.fonts import REGULAR
from tpi_desk.reports.note_pages import (
    NoteEnd,
    NotePageInfo,
    NoteStart,
    build_document,
    fitted,
    join_note_stories,
    note_document,
)
from tpi_desk.reports.note_pdf import build_note_story, render_note_bytes
from tpi_desk.reports.note_styles import note_stylesheet
from tpi_desk.reports.sample_notes import (
    ZOE,
    draft_note,
    make_note,
    many_sites_note,
    single_site_entry,
    single_site_note,
)


def merged_pdf(*notes: list[Flowable]) -> PdfReader:
    buffer = io.BytesIO()
    document = note_document(
        buffer, title="Batch", author="Clinic", subject="Notes", invariant=True
    )
    build_document(document, join_note_stories(notes))
    return PdfReader(io.BytesIO(buffer.getvalue()))


def footers(reader: PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        (line,) = [line for line in page.extract_text().splitlines() if " · Page " in line]
        found.append(line.split(" · DOS 2026-03-04 · ")[1])
    return found


def test_merged_notes_number_their_pages_per_note() -> None:
    reader = merged_pdf(
        build_note_story(single_site_note()),
        build_note_story(many_sites_note(30)),
        build_note_story(draft_note()),
    )
    numbers = footers(reader)
    # Thirty sites fill three pages (four while the consent listed risks nobody chose).
    assert numbers == [
        "Page 1 of 2", "Page 2 of 2",
        "Page 1 of 3", "Page 2 of 3", "Page 3 of 3",
        "Page 1 of 2", "Page 2 of 2",
    ]  # fmt: skip


def test_merged_notes_keep_their_own_patient_and_draft_mark() -> None:
    reader = merged_pdf(build_note_story(draft_note()), build_note_story(single_site_note()))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 4
    assert all("Nguyễn, Văn An · MRN D-518002" in text for text in texts[:2])
    assert all("DRAFT — NOT SIGNED" in text for text in texts[:2])
    # The signed note after a draft starts clean: no watermark or mark carried over.
    assert all("Ñúñez, Zoë · MRN D-104233" in text for text in texts[2:])
    assert not any("DRAFT" in text for text in texts[2:])


def test_bookmarked_notes_get_one_outline_entry_on_their_first_page() -> None:
    reader = merged_pdf(
        build_note_story(single_site_note(), bookmark=True),
        build_note_story(many_sites_note(30), bookmark=True),
    )
    entries = [item for item in reader.outline if isinstance(item, Destination)]
    outline = [(item.title, reader.get_destination_page_number(item)) for item in entries]
    assert outline == [("2026-03-04 Ñúñez, Zoë", 0), ("2026-03-04 Wiśniewski, Łukasz", 2)]


def test_pages_outside_any_note_carry_no_furniture() -> None:
    styles = note_stylesheet()
    info = NotePageInfo(footer="A, B · MRN 1 · DOS 2026-03-04", running_title="A")
    story = [
        Paragraph("Cover sheet", styles["body"]),
        PageBreak(),
        NoteStart(info),
        Paragraph("Note", styles["body"]),
        NoteEnd(),
        PageBreak(),
        Paragraph("Back page", styles["body"]),
    ]
    buffer = io.BytesIO()
    build_document(note_document(buffer, title="t", author="a", subject="s"), story)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages]
    assert [text.strip() for text in texts] == [
        "Cover sheet",
        "Note\nA, B · MRN 1 · DOS 2026-03-04 · Page 1 of 1",
        "Back page",
    ]


def test_a_note_story_needs_the_note_canvas() -> None:
    from reportlab.platypus import SimpleDocTemplate

    with pytest.raises(TypeError, match="NoteCanvas"):
        SimpleDocTemplate(io.BytesIO()).build(build_note_story(single_site_note()))


class Anchor(Flowable):
    """Marks its place with a bookmark at its own height, as ReportLab's anchors do."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.key, self.key)


def test_bookmarks_at_a_height_point_at_their_own_page_and_place() -> None:
    styles = note_stylesheet()
    info = NotePageInfo(footer="A, B · MRN 1 · DOS 2026-03-04", running_title="A")
    story = [
        NoteStart(info),
        Paragraph("First page", styles["body"]),
        PageBreak(),
        Paragraph("Second page", styles["body"]),
        Anchor("second"),
        NoteEnd(),
    ]
    buffer = io.BytesIO()
    build_document(note_document(buffer, title="t", author="a", subject="s"), story)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    (entry,) = [item for item in reader.outline if isinstance(item, Destination)]
    assert reader.get_destination_page_number(entry) == 1
    assert entry.top is not None
    assert 700 < float(entry.top) < 738  # under the first line, below the top margin


def test_a_name_too_long_for_the_footer_is_cut_short_and_the_page_number_kept() -> None:
    long_name = replace(ZOE, family_name="Ñúñez-Ødegård " * 40)
    reader = PdfReader(io.BytesIO(render_note_bytes(make_note(single_site_entry(), long_name))))

    for number, page in enumerate(reader.pages, start=1):
        (footer,) = [line for line in page.extract_text().splitlines() if " · Page " in line]
        assert footer.endswith(f" · Page {number} of {len(reader.pages)}")
        assert "…" in footer


@pytest.mark.parametrize("room", [0.0, 5.0, 40.0, 200.0])
def test_fitted_text_fits_its_room_with_an_ellipsis(room: float) -> None:
    long_text = "Trigger Point Injection procedure note · Ñúñez, Zoë · " * 5
    cut = fitted(long_text, REGULAR, 8, room)
    assert cut.endswith("…")
    assert long_text.startswith(cut[:-1].rstrip())
    assert stringWidth(cut, REGULAR, 8) <= max(room, stringWidth("…", REGULAR, 8))
    assert fitted("Zoë", REGULAR, 8, 200.0) == "Zoë"
