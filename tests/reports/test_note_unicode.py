"""Names outside Latin-1 print in the embedded font and extract exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.reports.pdf_reading import RenderedNote, render
from tpi_desk.clinical.record import ProviderFacts
from tpi_desk.reports.note_data import ClinicHeader
from tpi_desk.reports.sample_notes import ZOE, single_site_note

NAMES = [
    ("Ñúñez", "Zoë"),
    ("Wiśniewski", "Łukasz"),
    ("Nguyễn", "Thị Hoa"),
    ("Ødegård", "Ingrid"),
    ("Çelik", "Ayşe"),
    ("Þórsdóttir", "Guðrún"),
]


@pytest.mark.parametrize(("family", "given"), NAMES)
def test_patient_names_extract_exactly_in_the_patient_block_and_every_footer(
    family: str, given: str
) -> None:
    data = single_site_note()
    note = render(replace(data, patient=replace(ZOE, family_name=family, given_name=given)))
    assert f"Name\n{family}, {given}\n" in note.pages[0]
    for page in note.pages:
        assert f"{family}, {given} · MRN D-104233" in page


def test_clinic_and_provider_names_extract_exactly() -> None:
    data = replace(
        single_site_note(),
        clinic=ClinicHeader(
            "Klinika Bólu Łódź", ("ul. Piotrkowska 12", "90-001 Łódź"), "+48 42 555"
        ),
        provider=ProviderFacts("lnguyen", "Nguyễn Văn Long", "MD", "1234567893"),
    )
    note = render(data)
    assert note.pages[0].startswith("Klinika Bólu Łódź\nul. Piotrkowska 12\n90-001 Łódź\n")
    assert "Performed by Nguyễn Văn Long, MD · NPI 1234567893" in note.words


def test_only_the_embedded_dejavu_fonts_are_used(every_layout: dict[str, RenderedNote]) -> None:
    for layout, note in every_layout.items():
        fonts = note.font_names()
        assert fonts, layout
        # Embedded subsets are named "ABCDEF+DejaVuSans"; no standard (Latin-1) font sneaks in.
        assert all(name.split("+")[-1] in {"DejaVuSans", "DejaVuSans-Bold"} for name in fonts), (
            layout,
            fonts,
        )
