"""Note paragraphs made and wrapped without repeating work: parsed once per (text, style),
wrapped once per width.

A ``Paragraph`` parses its text with an HTML parser when it is made, and a batch of notes
makes the same paragraphs over and over: the headings, block titles, clinic lines and
attestations of every note. The parse (the paragraph's fragments) depends only on the text
and the style, and ReportLab never changes a paragraph's fragments once made (wrapping and
splitting build new ones), so paragraphs of the same text and style can start from the
same fragments: the same paragraph, made without parsing again.

A table wraps the paragraphs in its cells to size its rows, and again, at the same width,
to draw them; a ``NoteParagraph`` keeps the lines of its last wrap and gives them again
for the same width.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

# Distinct (text, style) pairs remembered: every heading and label of a note many times
# over, while the texts of one note alone (names, dates, free text) come and go.
TEXTS_REMEMBERED = 4096


class NoteParagraph(Paragraph):
    """A paragraph that wraps once per width: asked again for the width of its last wrap,
    it answers from that wrap (its lines do not depend on the height offered)."""

    _wrapped: tuple[float, float, float] | None = None  # (offered width, width, height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        last = self._wrapped
        if last is not None and last[0] == availWidth:
            return last[1], last[2]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, width, height)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        self._wrapped = None  # splitting may drop the wrapped lines
        return list(super().split(availWidth, availHeight))


def shared_paragraph(markup: str, style: ParagraphStyle) -> NoteParagraph:
    """``NoteParagraph(markup, style)``, parsed only the first time text and style meet."""
    parsed = _parsed(markup, style)
    if parsed is None:
        return NoteParagraph(markup, style)
    text, frags = parsed
    return NoteParagraph(text, style, frags=frags)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _parsed(markup: str, style: ParagraphStyle) -> tuple[str, list[Any]] | None:
    """The cleaned text and fragments of the paragraph; None for markup that sets its own
    style or bullet (``<para>``, ``<bullet>``), which is parsed every time."""
    paragraph = NoteParagraph(markup, style)
    if paragraph.style is not style or paragraph.bulletText != getattr(style, "bulletText", None):
        return None
    return paragraph.text, paragraph.frags
