"""The note's stylesheet: paragraph styles by inheritance, colours and table styles in one place.

Layout code names styles (``styles["heading"]``, ``data_table_style(...)``) and never sets a
font, size or colour itself. ReportLab silently ignores a misspelt attribute, so
``STYLE_DEFINITIONS`` is checked against ``ParagraphStyle.defaults`` by a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import TableStyle

from tpi_desk.reports.fonts import BOLD, REGULAR, register_fonts

INK = HexColor("#1F2933")
MUTED = HexColor("#52606D")
FAINT = HexColor("#7B8794")
ACCENT = HexColor("#1F4E79")
RULE = HexColor("#9AA5B1")
GRID = HexColor("#CBD2D9")
HEADER_FILL = HexColor("#E8EDF2")
ZEBRA_FILL = HexColor("#F5F7FA")
SIGNED_GREEN = HexColor("#1E6B3A")
ALERT_RED = HexColor("#B42318")
WATERMARK_RED = Color(0.86, 0.16, 0.16, alpha=0.13)
REVIEW_FILL = HexColor("#FFF7E0")
REVIEW_BORDER = HexColor("#E3A008")
REVIEW_INK = HexColor("#6B4E07")
PANEL_FILL = HexColor("#F7F9FB")
BODY_FILL = HexColor("#F4F6F8")
BODY_LINE = HexColor("#7B8794")
REGION_LINE = HexColor("#D3DAE1")
TREATED_FILL = HexColor("#E8A0A0")
TREATED_LINE = HexColor("#B42318")

BODY_SIZE = 9
_LABEL_SIZE = 8
_VALUE_SIZE = BODY_SIZE
CELL_PADDING = 3.5
KEY_VALUE_GAP = 6
BLOCK_GAP = 20
FACT_LABEL_WIDTH = 1.45 * inch
# A heading moves to the next page unless this much room is left below it.
HEADING_MIN_ROOM = 80
FOOTER_SIZE = 7.5
RUNNING_HEADER_SIZE = 7.5
WATERMARK_MAX_SIZE = 110
MAP_LABEL_SIZE = 5.5

# name -> (parent, attributes). Every attribute must be a ParagraphStyle attribute.
STYLE_DEFINITIONS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "base": (
        None,
        {
            "fontName": REGULAR,
            "bulletFontName": REGULAR,
            "fontSize": BODY_SIZE,
            "leading": 12,
            "textColor": INK,
        },
    ),
    "body": ("base", {"spaceAfter": 3}),
    "body_small": ("base", {"fontSize": 8, "leading": 10}),
    "note_text": ("body", {"spaceAfter": 5}),
    "clinic_name": (
        "base",
        {"fontName": BOLD, "fontSize": 13, "leading": 16, "textColor": ACCENT},
    ),
    "clinic_detail": ("base", {"fontSize": 8, "leading": 10, "textColor": MUTED}),
    "document_title": (
        "base",
        {"fontName": BOLD, "fontSize": 12, "leading": 15, "alignment": TA_RIGHT},
    ),
    "document_subtitle": (
        "clinic_detail",
        {"alignment": TA_RIGHT},
    ),
    "status_signed": (
        "base",
        {
            "fontName": BOLD,
            "fontSize": 8.5,
            "leading": 11,
            "alignment": TA_RIGHT,
            "textColor": SIGNED_GREEN,
        },
    ),
    "status_alert": ("status_signed", {"textColor": ALERT_RED, "fontSize": 10, "leading": 13}),
    "heading": (
        "base",
        {
            "fontName": BOLD,
            "fontSize": 10,
            "leading": 13,
            "textColor": ACCENT,
            "spaceBefore": 10,
            "spaceAfter": 4,
        },
    ),
    "block_heading": (
        "base",
        {"fontName": BOLD, "fontSize": 7.5, "leading": 10, "textColor": MUTED, "spaceAfter": 2},
    ),
    "label": ("base", {"fontSize": _LABEL_SIZE, "leading": 11, "textColor": MUTED}),
    "value": ("base", {"fontSize": _VALUE_SIZE, "leading": 11}),
    "table_header": (
        "base",
        {"fontName": BOLD, "fontSize": 7.5, "leading": 9, "textColor": MUTED},
    ),
    "table_header_number": ("table_header", {"alignment": TA_RIGHT}),
    "table_cell": ("base", {"fontSize": 8, "leading": 10}),
    "table_number": ("table_cell", {"alignment": TA_RIGHT}),
    "table_code": ("table_cell", {"fontName": BOLD}),
    "dense_cell": ("table_cell", {"fontSize": 7.5, "leading": 9}),
    "dense_number": ("dense_cell", {"alignment": TA_RIGHT}),
    "table_footnote": ("body_small", {"textColor": MUTED, "spaceBefore": 3}),
    "review_title": (
        "base",
        {"fontName": BOLD, "textColor": REVIEW_INK, "spaceAfter": 3},
    ),
    "review_item": (
        "body_small",
        {"textColor": REVIEW_INK, "leftIndent": 10, "bulletIndent": 0, "spaceAfter": 1},
    ),
    "signature_line": ("body", {"fontName": BOLD}),
    "attestation": ("body", {}),
    "hash": ("body_small", {"textColor": MUTED}),
    "unsigned": ("body", {"fontName": BOLD, "textColor": ALERT_RED, "spaceBefore": 4}),
    "addendum_heading": ("body", {"fontName": BOLD, "spaceBefore": 4, "spaceAfter": 0}),
    "addendum_meta": ("body_small", {"textColor": MUTED, "spaceAfter": 3}),
    "map_legend_item": ("body_small", {"leftIndent": 0, "spaceAfter": 0}),
    "map_legend_last": ("body_small", {"spaceAfter": 5}),
    "image_heading": ("block_heading", {"spaceBefore": 8, "spaceAfter": 4}),
    "image_caption": ("body_small", {"fontSize": 7.5, "leading": 9.5, "spaceBefore": 3}),
    "generated": ("body_small", {"textColor": FAINT, "alignment": TA_LEFT, "spaceBefore": 8}),
}


@cache
def note_stylesheet() -> StyleSheet1:
    """The note's paragraph styles, each inheriting from its parent (built once, then shared)."""
    register_fonts()
    sheet = StyleSheet1()
    for name, (parent, attributes) in STYLE_DEFINITIONS.items():
        sheet.add(ParagraphStyle(name, parent=sheet[parent] if parent else None, **attributes))
    return sheet


def text_commands(
    style: ParagraphStyle,
    start: tuple[int, int],
    stop: tuple[int, int],
    *,
    base: ParagraphStyle | None = None,
) -> list[tuple[Any, ...]]:
    """Table commands that draw plain-string cells in ``style``'s font, size, colour, alignment.

    Cells that fit on one line are plain strings (much cheaper than paragraphs); these
    commands make them look exactly like the paragraphs of the same style. With ``base``,
    only what differs from it (already applied to the cells) is set.
    """
    values = _text_values(style)
    skip = _text_values(base) if base is not None else {}
    return [
        (command, start, stop, value)
        for command, value in values.items()
        if command not in skip or skip[command] != value
    ]


def _text_values(style: ParagraphStyle) -> dict[str, Any]:
    return {
        "FONTNAME": style.fontName,
        "FONTSIZE": style.fontSize,
        "LEADING": style.leading,
        "TEXTCOLOR": style.textColor,
        "ALIGN": {TA_LEFT: "LEFT", TA_RIGHT: "RIGHT", TA_CENTER: "CENTRE"}[style.alignment],
    }


def data_table_style(
    rows: int,
    *,
    zebra_groups: Sequence[tuple[int, int]] | None = None,
    padding: float = CELL_PADDING,
) -> TableStyle:
    """A light-grid table: shaded header row, zebra bands.

    ``zebra_groups`` lists (first_row, last_row) bands; by default each body row is its own.
    """
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("BOX", (0, 0), (-1, -1), 0.5, GRID),
    ]
    bands = zebra_groups if zebra_groups is not None else [(r, r) for r in range(1, rows)]
    for index, (first, last) in enumerate(bands):
        if index % 2 == 1:
            commands.append(("BACKGROUND", (0, first), (-1, last), ZEBRA_FILL))
    # data_table() sets every cell's font from the column styles.
    return TableStyle(commands)


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded font (never ReportLab's Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def key_value_style() -> TableStyle:
    """Label / value rows without grid; the smaller labels sit on the values' baseline."""
    return _table_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), KEY_VALUE_GAP),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (0, -1), 0.5 + _VALUE_SIZE - _LABEL_SIZE),
            ("BOTTOMPADDING", (0, 0), (0, -1), 0),
        ]
    )


def side_by_side_style(blocks: int) -> TableStyle:
    """Blocks next to each other, ``BLOCK_GAP`` apart with a hairline in the gap."""
    style = layout_table_style()
    for block in range(blocks - 1):
        style.add("LINEAFTER", (block, 0), (block, -1), 0.5, GRID)
        style.add("RIGHTPADDING", (block, 0), (block, -1), BLOCK_GAP / 2)
        style.add("LEFTPADDING", (block + 1, 0), (block + 1, -1), BLOCK_GAP / 2)
    return style


def layout_table_style() -> TableStyle:
    """An invisible grid that only places blocks side by side (header, patient/session)."""
    return _table_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
    )


def review_box_style() -> TableStyle:
    """The amber "Review before signing" box printed on drafts."""
    return _table_style(
        [
            ("BACKGROUND", (0, 0), (-1, -1), REVIEW_FILL),
            ("BOX", (0, 0), (-1, -1), 0.8, REVIEW_BORDER),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
    )


def panel_style() -> TableStyle:
    """A light panel around the signature and each addendum."""
    return _table_style(
        [
            ("BACKGROUND", (0, 0), (-1, -1), PANEL_FILL),
            ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
    )
