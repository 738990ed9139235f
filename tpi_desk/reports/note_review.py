"""The amber "Review before signing" box: alerts and open checklist items, on drafts only.

A signed note prints no alerts: by then the clinician has seen and weighed them.
"""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable, Paragraph, Spacer

from tpi_desk.clinical.alerts import AlertSeverity
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import markup
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import review_box_style
from tpi_desk.reports.table_cells import shaped_table

REVIEW_TITLE = "Review before signing"
SEVERITY_LABELS = {
    AlertSeverity.BLOCKING: "Blocks signing",
    AlertSeverity.WARNING: "Warning",
    AlertSeverity.INFO: "Note",
}


def review_box(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """The box, or nothing when the note is not a draft or there is nothing to review."""
    if data.status is not NoteStatus.DRAFT:
        return []
    analysis = data.analysis
    item_style = styles["review_item"]
    lines: list[Flowable] = []
    for alert in analysis.alerts:
        label = SEVERITY_LABELS[alert.severity]
        lines.append(
            Paragraph(f"<b>{label}:</b> {markup(alert.message)}", item_style, bulletText="•")
        )
    for item in analysis.checklist.items:
        if item.done:
            continue
        detail = f" — {markup(item.detail)}" if item.detail else ""
        lines.append(
            Paragraph(f"<b>Missing:</b> {markup(item.label)}{detail}", item_style, bulletText="•")
        )
    if not lines:
        return []
    content = [Paragraph(REVIEW_TITLE, styles["review_title"]), *lines]
    return [
        Spacer(1, 8),
        shaped_table(
            [[content]], "review_box", review_box_style, colWidths=[CONTENT_WIDTH], hAlign="LEFT"
        ),
    ]
