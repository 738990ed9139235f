"""The note layout's shortcuts (shared cell styles, parsed-once paragraphs, wrapped-once
paragraphs, encoded-once texts) give the very PDF that ReportLab's own way gives."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from tpi_desk.paths import resource_path
from tpi_desk.reports.fonts import REGULAR, RepeatedTextFont, register_fonts
from tpi_desk.reports.note_blocks import Column, data_table, facts_table
from tpi_desk.reports.note_styles import (
    data_table_style,
    key_value_style,
    note_stylesheet,
    side_by_side_style,
    text_commands,
)
from tpi_desk.reports.parsed_text import NoteParagraph, shared_paragraph
from tpi_desk.reports.table_cells import shaped_table, styled_table

CELL_ATTRIBUTES = (
    "fontname", "fontsize", "leading", "leftPadding", "rightPadding", "topPadding",
    "bottomPadding", "color", "alignment", "valign",
)  # fmt: skip


class _Document:
    """Something a font's per-document state can be kept for (weakly referenced)."""


def _pdf(story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, invariant=1).build(story)
    return buffer.getvalue()


def _zebra_table(make: Callable[..., Table], rows: int) -> Table:
    styles = note_stylesheet()
    style = data_table_style(rows + 1)
    for command in text_commands(styles["table_header"], (0, 0), (-1, 0)):
        style.add(*command)
    for command in text_commands(styles["table_number"], (1, 1), (1, -1)):
        style.add(*command)
    style.add("SPAN", (0, 2), (1, 2))
    data = [["Muscle", "mL"]] + [[f"Site {n} trapezius", f"{n}.0"] for n in range(rows)]
    return make(data, style, colWidths=[200, 60], repeatRows=1, hAlign="LEFT")


def _plain_table(data: Any, style: TableStyle, **options: Any) -> Table:
    return Table(data, style=style, **options)


def test_shared_cell_styles_are_the_ones_reportlab_works_out() -> None:
    register_fonts()
    ours, theirs = _zebra_table(styled_table, 6), _zebra_table(_plain_table, 6)
    for our_row, their_row in zip(ours._cellStyles, theirs._cellStyles, strict=True):
        for our_cell, their_cell in zip(our_row, their_row, strict=True):
            for name in CELL_ATTRIBUTES:
                assert getattr(our_cell, name) == getattr(their_cell, name), name


def test_a_table_with_shared_cell_styles_draws_the_same_pdf_even_split_over_pages() -> None:
    register_fonts()
    # 120 rows run over three pages: the halves of a split share the styles.
    assert _pdf([_zebra_table(styled_table, 120)]) == _pdf([_zebra_table(_plain_table, 120)])


def test_nested_layout_tables_draw_the_same_pdf() -> None:
    styles = note_stylesheet()

    def blocks(make: Callable[..., Table]) -> Table:
        inner = make(
            [["Name", "Ñúñez, Zoë"], ["MRN", "D-1042"]], key_value_style(), colWidths=[60, 150]
        )
        cells = [[Paragraph("PATIENT", styles["block_heading"]), inner], [Paragraph("right")]]
        return make([cells], side_by_side_style(2), colWidths=[250, 250])

    assert _pdf([blocks(styled_table)]) == _pdf([blocks(_plain_table)])


def test_a_style_with_table_options_is_left_to_reportlab() -> None:
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)], spaceBefore=6)
    table = styled_table([["a", "b"]], style)
    assert table.spaceBefore == 6


def test_tables_of_one_shape_draw_the_same_pdf_as_tables_styled_each_time() -> None:
    register_fonts()

    def zebra(make: Callable[..., Table], rows: int) -> Table:
        if make is _plain_table:
            return _zebra_table(make, rows)
        return _zebra_table(
            lambda data, style, **options: make(data, "zebra", lambda: style, **options), rows
        )

    # Sizes seen before and new ones, in turn: each table gets its own size's styles.
    sizes = [6, 3, 6, 120, 3]
    assert _pdf([zebra(shaped_table, n) for n in sizes]) == _pdf(
        [zebra(_plain_table, n) for n in sizes]
    )


def test_a_shaped_table_keeps_its_own_cells_and_never_the_last_ones() -> None:
    styles = note_stylesheet()
    columns = [Column("Muscle", 200), Column("mL", 60, "table_number", "table_header_number")]
    first = data_table(styles, columns, [["Upper trapezius", "1.0"]])
    second = data_table(styles, columns, [["Levator scapulae", "2.5"]])
    assert second._cellvalues[1] == ["Levator scapulae", "2.5"]
    assert first._cellvalues[1] == ["Upper trapezius", "1.0"]
    assert second._cellStyles[1][1] is first._cellStyles[1][1]  # the shape's, shared
    facts = facts_table(styles, [("Consent", "Written"), ("Position", "Prone")])
    assert [row[1] for row in facts._cellvalues] == ["Written", "Prone"]


def test_shared_paragraphs_start_from_the_same_fragments() -> None:
    style = note_stylesheet()["heading"]
    first, second = shared_paragraph("Indication", style), shared_paragraph("Indication", style)
    assert first.frags is second.frags
    assert first.getPlainText() == Paragraph("Indication", style).getPlainText()


def test_shared_and_wrapped_once_paragraphs_draw_the_same_pdf() -> None:
    styles = note_stylesheet()
    long_text = " ".join(f"word{n} <b>bold{n}</b> Ñúñez &amp; Zoë" for n in range(900))

    def story(make: Callable[[str, Any], Paragraph]) -> list[Flowable]:
        paragraphs: list[Flowable] = []
        for _note in range(3):
            paragraphs += [make("Procedure", styles["heading"]), make(long_text, styles["body"])]
            cell = make("A value that is long enough to wrap in a narrow column", styles["value"])
            paragraphs.append(Table([["Label", cell]], colWidths=[60, 90]))
        return paragraphs

    assert _pdf(story(shared_paragraph)) == _pdf(story(Paragraph))
    assert _pdf(story(NoteParagraph)) == _pdf(story(Paragraph))


def test_a_wrapped_once_paragraph_wraps_again_for_another_width() -> None:
    paragraph = NoteParagraph("one two three four five six seven", note_stylesheet()["body"])
    _, narrow = paragraph.wrap(40, 1000)
    _, wide = paragraph.wrap(400, 1000)
    assert wide < narrow
    assert paragraph.wrap(40, 1000)[1] == narrow


def test_texts_are_encoded_once_per_document_and_as_reportlab_encodes_them() -> None:
    path = str(resource_path("fonts", "DejaVuSans.ttf"))
    ours, theirs = RepeatedTextFont("RepeatedTest", path), TTFont("PlainTest", path)
    for font in (ours, theirs):
        pdfmetrics.registerFont(font)
    our_doc, their_doc = _Document(), _Document()
    texts = ["Ñúñez, Zoë", "MRN", "Ñúñez, Zoë", "→ 1 mL", "MRN", "Ω"]
    for text in texts:
        assert ours.splitString(text, our_doc) == theirs.splitString(text, their_doc)
    assert ours.splitString("MRN", our_doc) is ours.splitString("MRN", our_doc)
    assert ours.splitString("MRN", _Document()) == theirs.splitString("MRN", _Document())


def test_reportlab_runs_with_its_c_accelerator() -> None:
    """rl-accel (a dependency) is what ReportLab formats numbers and measures strings with."""
    from reportlab.lib import rl_accel

    assert {"fp_str", "instanceStringWidthTTF", "escapePDF"} <= set(rl_accel._c_funcs)
