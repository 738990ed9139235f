"""The embedded Unicode font (DejaVu Sans, shipped in resources/fonts), registered once."""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tpi_desk.paths import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


class RepeatedTextFont(TTFont):
    """A TrueType font that encodes each distinct text once per document.

    Every string drawn in an embedded font is mapped, character by character in Python, to
    the codes of the document's font subsets (``splitString``): a note draws the same
    labels, headings and values again and again, and a batch's part holds dozens of notes.
    A text's codes never change once assigned in a document (codes are only ever added),
    so the first answer is kept with the document's font state and given again.
    """

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
        state = self.state.get(doc)
        known: dict[Any, Any] | None = getattr(state, "tpi_desk_encoded", None)
        if known is not None:
            found = known.get(text)
            if found is not None:
                return found
        encoded = super().splitString(text, doc, encoding)
        if known is None:
            known = {}
            self.state[doc].tpi_desk_encoded = known
        known[text] = encoded
        return encoded


@cache
def register_fonts() -> None:
    """Register the note fonts with ReportLab (once per process; ~20 ms the first time).

    ``<b>`` in paragraphs maps to the bold face. No oblique face is shipped: each face a
    note uses embeds another font subset (a few milliseconds and ~20 KB per PDF), so
    ``<i>`` prints upright.
    """
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(RepeatedTextFont(name, str(resource_path("fonts", file_name))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
