"""The synthetic examples in docs/x12.md (the patient insured, with their address in 2010BA,
and a dependent) are claim files pyx12 accepts, and values typed with X12 separators or letters
outside ASCII cannot break a segment."""

from __future__ import annotations

from pathlib import Path

from tests.x12_support import assert_valid_837p
from tpi_desk.reports.x12_837p import person_name
from tpi_desk.reports.x12_segments import x12_text

DOCS = Path(__file__).parents[2] / "docs" / "x12.md"


def test_the_documented_examples_validate(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = text.split("## A synthetic example", 1)[1].split("```")[1::2]
    assert len(blocks) == 2  # a patient who is the insured, then a dependent
    for number, example in enumerate(blocks):
        path = tmp_path / f"example{number}.837"
        path.write_text(example.strip() + "\n", encoding="ascii")

        segments = assert_valid_837p(path)

        assert segments[0][0] == "ISA" and segments[-1][0] == "IEA"
        # 005010X222A1 2010BA N3/N4: "Required when the patient is the subscriber" (SBR02 18).
        for start in (i for i, s in enumerate(segments) if s[:3] == ["SBR", "P", "18"]):
            names = [segment[0] for segment in segments[start + 1 : start + 5]]
            assert names == ["NM1", "N3", "N4", "DMG"], segments[start : start + 5]
    assert ["PAT", "19"] in segments


def test_values_are_folded_to_plain_ascii_without_separators() -> None:
    assert x12_text("Łukasz Ñúñez-Ødegård") == "Lukasz Nunez-Odegard"
    assert x12_text("Acme*Health~Plan:Gold^") == "Acme Health Plan Gold"
    assert x12_text("  Zoë  ") == "Zoe"
    assert person_name("Dr. Imogen Hartley") == ("Hartley", "Imogen")
    assert person_name("Réka Varga") == ("Varga", "Reka")
