"""Small building blocks the note's sections share: headings, paragraphs, label/value rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import FrameBreak

from tpi_desk.reports.note_format import NBSP, markup
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import (
    BLOCK_GAP,
    CELL_PADDING,
    FACT_LABEL_WIDTH,
    HEADING_MIN_ROOM,
    KEY_VALUE_GAP,
    data_table_style,
    key_value_style,
    side_by_side_style,
    text_commands,
)
from tpi_desk.reports.parsed_text import NoteParagraph, shared_paragraph
from tpi_desk.reports.table_cells import shaped_table

# Taller than this (a third of a letter page), side-by-side blocks are stacked instead.
SIDE_BY_SIDE_MAX_HEIGHT = 3.5 * inch
# Blocks with fewer characters of values fit that height whatever they say (about 20 lines
# of 45 characters), so only longer ones are laid out first to measure them.
SURELY_SHORT_CHARACTERS = 700
# Room in which any table's header and first rows fit (a site with five drugs is ~150 pt):
# below it, the start is laid out to see whether it fits under its heading.
SURE_TABLE_START = 3 * inch
# Distinct (text, font, size) widths remembered: labels, headers, drugs and muscles recur in
# every note of a batch.
WIDTHS_REMEMBERED = 8192


def heading(styles: StyleSheet1, title: str) -> list[Flowable]:
    """A section heading, moved to the next page when too little room is left under it.

    (A ``keepWithNext`` heading would push a long table whole onto the next page.)
    """
    return [CondPageBreak(HEADING_MIN_ROOM), heading_paragraph(styles, title)]


def heading_paragraph(styles: StyleSheet1, title: str) -> Paragraph:
    """The heading alone, for sections that keep themselves together (KeepTogether)."""
    return shared_paragraph(markup(title), styles["heading"])


def heading_with_table(
    styles: StyleSheet1, title: str, table: Table, start: Callable[[], Table]
) -> list[Flowable]:
    """A section heading and its table, the heading never left alone at the foot of a page.

    Like ``heading``, but when not even the table's start (``start()``: its header and first
    rows alone, a site's rows spanned together, say; made only when room is short) fits
    under the heading, both move to the next page.
    """
    heading = heading_paragraph(styles, title)
    return [CondPageBreak(HEADING_MIN_ROOM), _StartsWithItsTable(heading, table, start)]


class _StartsWithItsTable(KeepTogether):
    """A heading that goes where its table starts: here when the table's start fits in the
    room left under the heading, else on the next page with it."""

    def __init__(self, heading: Paragraph, table: Table, start: Callable[[], Table]) -> None:
        super().__init__([heading, table])
        self._start = start

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always split (below), never laid out whole here

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        heading, table = self._content
        _, heading_height = heading.wrap(available_width, available_height)
        room = available_height - heading_height - heading.getSpaceAfter()
        frame = getattr(self, "_frame", None)
        at_top = frame is not None and getattr(frame, "_atTop", False)
        if (
            at_top
            or room >= SURE_TABLE_START
            or self._start().wrap(available_width, room)[1] <= room
        ):
            return [heading, table]
        return [FrameBreak(), heading, table]


def text(styles: StyleSheet1, value: str, style: str = "body") -> Paragraph:
    """Plain text as a paragraph (escaped; never interpreted as markup)."""
    return shared_paragraph(markup(value), styles[style])


def text_paragraphs(styles: StyleSheet1, value: str, style: str = "note_text") -> list[Flowable]:
    """Free text split into paragraphs at blank lines; single line breaks are kept."""
    blocks = [block.strip() for block in value.replace("\r\n", "\n").split("\n\n")]
    return [
        Paragraph(markup(block).replace("\n", "<br/>"), styles[style]) for block in blocks if block
    ]


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: header, width in points, and the styles of its header and cells."""

    header: str
    width: float
    style: str = "table_cell"
    header_style: str = "table_header"


def fill_width(columns: Sequence[Column], flexible: int) -> tuple[Column, ...]:
    """The columns with column ``flexible`` widened to make up the page's content width."""
    spare = CONTENT_WIDTH - sum(column.width for column in columns)
    widened = replace(columns[flexible], width=columns[flexible].width + spare)
    return (*columns[:flexible], widened, *columns[flexible + 1 :])


def cell(style: ParagraphStyle, value: str, room: float) -> str | Paragraph:
    """A plain string when each line of ``value`` fits in ``room`` points, else a paragraph.

    Strings are drawn by the table in the column's text style (see ``text_commands``).
    """
    lines = value.split("\n")
    if all(_fits(line, style, room) for line in lines):
        return value
    return NoteParagraph(markup(value).replace("\n", "<br/>"), style)


def _fits(line: str, style: ParagraphStyle, room: float) -> bool:
    # No glyph of the font is wider than 1.1 em: short texts need no measuring.
    size = style.fontSize
    return len(line) * size * 1.1 <= room or _width(line, style.fontName, size) <= room


@lru_cache(maxsize=WIDTHS_REMEMBERED)
def _width(line: str, font_name: str, size: float) -> float:
    """The text's width in points (measured once per text, font and size)."""
    return float(stringWidth(line, font_name, size))


def data_table(
    styles: StyleSheet1,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    zebra_groups: Sequence[tuple[int, int]] | None = None,
    padding: float = CELL_PADDING,
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Table:
    """A light-grid table with a repeated header row; ``rows`` hold plain text."""
    header = [cell(styles[c.header_style], c.header, c.width - 2 * padding) for c in columns]
    body = [
        [
            cell(styles[c.style], value, c.width - 2 * padding)
            for c, value in zip(columns, row, strict=True)
        ]
        for row in rows
    ]
    rows_count = len(body) + 1
    header_styles = tuple(c.header_style for c in columns)
    cell_styles = tuple(c.style for c in columns)

    def make_style() -> TableStyle:
        style = data_table_style(rows_count, zebra_groups=zebra_groups, padding=padding)
        for row, names in ((0, header_styles), (1, cell_styles)):
            last_row = row if row == 0 else -1
            base = styles[names[0]]
            for command in text_commands(base, (0, row), (-1, last_row)):
                style.add(*command)
            for first, last, name in _runs(names):
                for command in text_commands(
                    styles[name], (first, row), (last, last_row), base=base
                ):
                    style.add(*command)
        for start, stop in spans:
            style.add("SPAN", start, stop)
        return style

    zebra = tuple(zebra_groups) if zebra_groups is not None else None
    shape = ("data", styles, header_styles, cell_styles, zebra, padding, tuple(spans))
    return shaped_table(
        [header, *body],
        shape,
        make_style,
        colWidths=[column.width for column in columns],
        repeatRows=1,
        hAlign="LEFT",
    )


def _runs(names: Sequence[str]) -> list[tuple[int, int, str]]:
    """Consecutive equal names as (first index, last index, name)."""
    runs: list[tuple[int, int, str]] = []
    for index, name in enumerate(names):
        if runs and runs[-1][2] == name:
            runs[-1] = (runs[-1][0], index, name)
        else:
            runs.append((index, index, name))
    return runs


def facts_table(styles: StyleSheet1, rows: Sequence[tuple[str, str]]) -> Table:
    """Label / value rows across the page (consent, technique, outcome)."""
    return _key_values(styles, rows, FACT_LABEL_WIDTH, CONTENT_WIDTH - FACT_LABEL_WIDTH)


def key_value_blocks(
    styles: StyleSheet1,
    blocks: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    label_width: float,
) -> list[Flowable]:
    """Titled label/value blocks side by side (patient | session), a hairline between them.

    Each block is its own table, so a value wrapping in one block leaves the other alone.
    A table row cannot break across pages, so blocks too tall to sit side by side (a value
    of thousands of characters) are stacked as paragraphs instead, which can: nothing is
    cut and the note still renders.
    """
    side_by_side = _side_by_side(styles, blocks, label_width)
    longest = max(sum(len(value) for _, value in rows) for _, rows in blocks)
    if longest <= SURELY_SHORT_CHARACTERS:
        return [side_by_side]  # the usual note: no trial layout needed
    _, height = side_by_side.wrap(CONTENT_WIDTH, SIDE_BY_SIDE_MAX_HEIGHT)
    if height <= SIDE_BY_SIDE_MAX_HEIGHT:
        return [side_by_side]
    stacked: list[Flowable] = []
    for title, rows in blocks:
        stacked.append(text(styles, title, "block_heading"))
        label = styles["label"]
        for name, value in rows:
            stacked.append(
                Paragraph(
                    f'<font size="{label.fontSize}" color="{label.textColor.hexval()}">'
                    f"{markup(name)}</font>{NBSP}{NBSP}{markup(value)}",
                    styles["value"],
                )
            )
    return stacked


def _side_by_side(
    styles: StyleSheet1,
    blocks: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    label_width: float,
) -> Table:
    block_width = CONTENT_WIDTH / len(blocks)
    cells = []
    for index, (title, rows) in enumerate(blocks):
        left = BLOCK_GAP / 2 if index > 0 else 0
        right = BLOCK_GAP / 2 if index < len(blocks) - 1 else 0
        value_width = block_width - left - right - label_width
        cells.append(
            [
                text(styles, title, "block_heading"),
                _key_values(styles, rows, label_width, value_width),
            ]
        )
    return shaped_table(
        [cells],
        "side_by_side",
        lambda: side_by_side_style(len(blocks)),
        colWidths=[block_width] * len(blocks),
        hAlign="LEFT",
    )


def _key_values(
    styles: StyleSheet1, rows: Sequence[tuple[str, str]], label_width: float, value_width: float
) -> Table:
    label, value = styles["label"], styles["value"]
    cells = [
        [cell(label, name, label_width - KEY_VALUE_GAP), cell(value, text, value_width)]
        for name, text in rows
    ]

    def make_style() -> TableStyle:
        style = key_value_style()
        commands = text_commands(label, (0, 0), (0, -1)) + text_commands(value, (1, 0), (1, -1))
        for command in commands:
            style.add(*command)
        return style

    return shaped_table(
        cells,
        ("key_values", label, value),
        make_style,
        colWidths=[label_width, value_width],
        hAlign="LEFT",
    )
