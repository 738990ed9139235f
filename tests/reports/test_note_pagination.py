"""Long notes split across pages: repeated table headers, correct "Page X of Y", nothing lost."""

from __future__ import annotations

import re

from tests.reports.pdf_reading import RenderedNote, lines
from tpi_desk.reports.sample_notes import long_notes_text

SITES_HEADER = lines(
    "#", "Muscle", "Side", "Points", "Needle", "Twitch", "Drug", "Concentration", "mL", "mg",
    "Lot / expiry",
)  # fmt: skip


def test_every_page_says_page_x_of_y_with_the_right_total(
    every_layout: dict[str, RenderedNote],
) -> None:
    for layout, note in every_layout.items():
        total = len(note.pages)
        assert note.page_numbers() == [(n, total) for n in range(1, total + 1)], layout


def test_thirty_sites_split_across_pages_with_the_header_repeated(
    many_sites: RenderedNote,
) -> None:
    pages_with_sites = [
        page for page in many_sites.pages if re.search(r"^exp 2027-05-31$", page, re.MULTILINE)
    ]
    assert len(pages_with_sites) >= 2
    for page in pages_with_sites:
        assert SITES_HEADER in page


def test_thirty_sites_all_print_once_and_in_order(many_sites: RenderedNote) -> None:
    catalog = many_sites.data.catalog
    names = [catalog.muscles[site.muscle_id].name for site in many_sites.data.entry.sites]
    text = many_sites.text
    position = 0
    for number, name in enumerate(names, start=1):
        # Long names wrap inside their cell: any whitespace may stand between their words.
        name_pattern = r"\s".join(map(re.escape, name.split()))
        found = re.search(rf"^{number}\n{name_pattern}\n", text[position:], re.MULTILINE)
        assert found, f"site {number} ({name}) missing or out of order"
        position += found.end()


def test_thirty_sites_sum_to_the_totals_and_the_procedure_code(many_sites: RenderedNote) -> None:
    words = many_sites.words
    assert "Lidocaine 300 mg 3.47 mg/kg" in words
    assert "CPT 20553 Trigger point injection(s), three or more muscles 1" in words
    # 30 sites, 10 of them bilateral: 40 muscles (DOMAIN.md, CPT: left and right are two).
    assert "Distinct muscles counted for the procedure code: 40." in words


def test_a_5000_character_note_prints_whole_across_pages(long_text: RenderedNote) -> None:
    notes = long_text.data.entry.notes
    assert 4_800 <= len(notes) <= 5_000
    assert notes == long_notes_text(5_000)
    assert len(long_text.pages) >= 2
    assert " ".join(notes.split()) in long_text.body_words
    assert long_text.page_numbers()[-1] == (len(long_text.pages), len(long_text.pages))


def test_the_sites_heading_starts_on_the_page_its_table_starts(
    every_layout: dict[str, RenderedNote],
) -> None:
    # The ultrasound sample's images leave too little room for a site of two drugs under the
    # heading: the heading goes to the next page with the table instead of ending page 1.
    for layout, note in every_layout.items():
        for page in note.pages:
            heading_at = page.find("Injection sites\n")
            if heading_at >= 0:
                assert "Muscle\nSide\nPoints\n" in page[heading_at:], layout
