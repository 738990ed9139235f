"""The bare single-core ReportLab run the batch-export figures are measured against: the notes'
text (paragraphs and tables) in one plain platypus document, nothing of ours but the font."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def build_bare_pdf(contents: Sequence[Sequence[Any]], pdf: Path) -> None:
    """Each note's items (a string is a paragraph, a list a table) after a page break; the
    fonts must be registered already. ReportLab is imported here, so that importing this
    module costs a measured run nothing."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table

    from tpi_desk.reports.fonts import REGULAR
    from tpi_desk.reports.note_format import markup
    from tpi_desk.reports.note_pages import binary_streams

    normal = getSampleStyleSheet()["Normal"]
    normal.fontName = REGULAR
    story: list[Flowable] = []
    for content in contents:
        if story:
            story.append(PageBreak())
        story += [
            Paragraph(markup(item), normal) if isinstance(item, str) else Table(item, repeatRows=1)
            for item in content
        ]
    with binary_streams():
        SimpleDocTemplate(str(pdf), pagesize=letter).build(story)
