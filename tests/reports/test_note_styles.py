"""The stylesheet: real ReportLab attributes only, built by inheritance, every name defined."""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

import tpi_desk.reports
from tpi_desk.reports.fonts import BOLD, REGULAR
from tpi_desk.reports.note_styles import STYLE_DEFINITIONS, note_stylesheet

REPORTS = Path(tpi_desk.reports.__file__).parent


def test_every_style_attribute_is_one_reportlab_knows() -> None:
    # ReportLab accepts any keyword and silently ignores a misspelt one ("fontsize").
    known = set(ParagraphStyle.defaults)
    for name, (_, attributes) in STYLE_DEFINITIONS.items():
        unknown = set(attributes) - known
        assert not unknown, f"style {name!r} sets unknown attributes {sorted(unknown)}"


def test_every_style_inherits_from_a_style_defined_before_it() -> None:
    seen: set[str] = set()
    for name, (parent, _) in STYLE_DEFINITIONS.items():
        assert parent is None or parent in seen, f"{name!r} inherits from unknown {parent!r}"
        seen.add(name)
    roots = [name for name, (parent, _) in STYLE_DEFINITIONS.items() if parent is None]
    assert roots == ["base"]


def test_styles_inherit_what_they_do_not_set() -> None:
    styles = note_stylesheet()
    assert styles["table_number"].fontSize == styles["table_cell"].fontSize == 8
    assert styles["table_number"].alignment != styles["table_cell"].alignment
    assert styles["dense_number"].fontName == styles["base"].fontName == REGULAR
    assert styles["heading"].fontName == BOLD


def test_every_style_uses_a_registered_embedded_font() -> None:
    styles = note_stylesheet()
    for name in STYLE_DEFINITIONS:
        style = styles[name]
        for font in (style.fontName, style.bulletFontName):
            assert font in (REGULAR, BOLD), (name, font)
            assert pdfmetrics.getFont(font).face.name  # registered TrueType face


def test_every_style_the_layout_code_names_is_defined() -> None:
    named: set[str] = set()
    for source in REPORTS.glob("*.py"):
        code = source.read_text(encoding="utf-8")
        named |= set(re.findall(r'styles\["(\w+)"\]', code))
        named |= set(re.findall(r'text\(\s*styles,[^\n]*?,\s*"(\w+)"\)', code))
    assert named, "found no style names in the layout code"
    assert named <= set(STYLE_DEFINITIONS), sorted(named - set(STYLE_DEFINITIONS))


def test_the_stylesheet_is_built_once() -> None:
    assert note_stylesheet() is note_stylesheet()
