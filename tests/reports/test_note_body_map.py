"""The body-map figure: treated regions filled and numbered, upright, with an honest legend."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import cast

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject
from reportlab.lib.rl_accel import fp_str

from tests.reports.pdf_reading import RenderedNote, render
from tpi_desk.clinical.record import Side, SiteEntry
from tpi_desk.reports.batch_parts import render_part
from tpi_desk.reports.note_body_map import (
    SIMPLIFY_TOLERANCE,
    shipped_body_map,
    simplified,
    treated_regions,
)
from tpi_desk.reports.note_styles import BODY_FILL, TREATED_FILL
from tpi_desk.reports.sample_notes import ZOE, make_note, single_site_entry, single_site_note


def test_a_bilateral_site_fills_both_sides_and_repeated_sites_share_a_label() -> None:
    body_map = shipped_body_map()
    sites = [
        ("upper_trapezius", Side.BILATERAL),
        ("upper_trapezius", Side.LEFT),
        ("deltoid", Side.RIGHT),
    ]
    labels, missing = treated_regions(body_map, sites)
    trapezius = {
        region.side: numbers
        for region, numbers in labels.items()
        if region.muscle_id == "upper_trapezius"
    }
    assert trapezius == {Side.LEFT: [1, 2], Side.RIGHT: [1]}
    deltoid = [region for region in labels if region.muscle_id == "deltoid"]
    assert deltoid and all(region.side is Side.RIGHT for region in deltoid)
    assert missing == []


def test_a_muscle_not_on_the_map_is_named_in_the_legend() -> None:
    entry = single_site_entry()
    extra = SiteEntry("musculus_fictus", Side.LEFT, 1, 25, Decimal("38"))
    note = render(make_note(replace(entry, sites=(*entry.sites, extra)), ZOE))
    assert "Not drawn on the map: 2 musculus_fictus, left." in note.words


def test_treated_regions_are_filled_on_the_body_map_page(single_site: RenderedNote) -> None:
    fill = fp_str(*TREATED_FILL.rgb())  # as ReportLab writes numbers into the page
    (page,) = [
        p
        for p, text in zip(single_site.reader.pages, single_site.pages, strict=True)
        if "Body map" in text
    ]
    contents = page.get_contents()
    assert contents is not None
    content = contents.get_data().decode("latin-1")
    assert content.count(f"{fill} rg") == 1  # the back view's one treated region


def test_the_figure_is_upright_with_the_label_on_the_treated_shoulder() -> None:
    # A left upper trapezius: on the back view, high up, on the patient's left.
    reader = PdfReader(io.BytesIO(render(single_site_note()).pdf))
    positions: dict[str, tuple[float, float]] = {}

    def remember(text: str, _cm: object, matrix: list[float], *_: object) -> None:
        if text.strip() in {"1", "Back", "Front"} and text.strip() not in positions:
            positions[text.strip()] = (matrix[4], matrix[5])

    page = next(p for p in reader.pages if "Body map" in p.extract_text())
    page.extract_text(visitor_text=remember)
    label_x, label_y = positions["1"]
    back_x, back_y = positions["Back"]
    front_x, _ = positions["Front"]
    assert label_y > back_y + 150  # near the top of a 200-point figure, not mirrored below
    assert label_x > (front_x + back_x) / 2  # on the back view
    assert label_x < back_x + 10  # on the patient's left, which is the left of a back view


def test_crowded_sites_are_filled_without_numbers(many_sites: RenderedNote) -> None:
    words = many_sites.words
    assert "the sites lie too close together to number them (see the sites table)" in words
    assert "1 Upper trapezius, left" not in words


def test_outline_simplification_keeps_shape_within_the_tolerance() -> None:
    view = shipped_body_map().view("front")
    outline = (*view.outline, view.outline[0])
    kept = simplified(outline, SIMPLIFY_TOLERANCE)
    assert kept[0] == outline[0] and kept[-1] == outline[-1]
    assert len(kept) < len(outline) / 2
    assert set(kept) <= set(outline)


def test_the_outlines_are_written_once_per_document_and_shown_on_every_note(
    tmp_path: Path,
) -> None:
    notes = [single_site_note(), make_note(single_site_entry(), ZOE), single_site_note()]
    path = tmp_path / "part.pdf"
    render_part(notes, path, first_number=1, with_json=False, note_done=lambda: None)
    reader = PdfReader(path)
    shown: list[tuple[str, int]] = []
    for page in reader.pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        forms = cast(DictionaryObject, resources.get("/XObject", DictionaryObject()))
        shown += [(name, ref.idnum) for name, ref in forms.items() if "BodyMap" in name]
    assert len(shown) == 2 * len(notes)  # front and back on each note's body-map page
    assert len({ref for _name, ref in shown}) == 2  # one drawing of each view
    outline_fill = f"{fp_str(*BODY_FILL.rgb())} rg"
    for _name, ref in set(shown):
        drawing = cast(StreamObject, reader.get_object(ref))
        assert outline_fill in drawing.get_data().decode("latin-1")
