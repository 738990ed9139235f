"""The electronic signature block, the addenda and the "generated" line that end a note."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable, KeepTogether, Table

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports.note_blocks import heading, heading_paragraph, text, text_paragraphs
from tpi_desk.reports.note_data import NoteAddendum, NoteData, NoteErrorMark, NoteSignature
from tpi_desk.reports.note_format import SEPARATOR, date_time
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import panel_style
from tpi_desk.reports.table_cells import shaped_table

PERFORMER_ATTESTATION = (
    "I personally performed this procedure and attest that this note is accurate and complete."
)
REVIEWER_ATTESTATION = "I have reviewed this note and attest that it is accurate and complete."
UNSIGNED_NOTICE = "Not signed. This draft is not part of the medical record until it is signed."
ERROR_NOTICE = (
    "This note was marked ENTERED IN ERROR. It is kept unchanged for the record and must not "
    "be used for care or billing."
)


def signature_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    block: list[Flowable] = [heading_paragraph(styles, "Electronic signature")]
    if data.signature is None:
        block.append(text(styles, UNSIGNED_NOTICE, "unsigned"))
    else:
        block.append(_signature_panel(data, data.signature, styles))
    if data.status is NoteStatus.ENTERED_IN_ERROR:
        block.append(text(styles, ERROR_NOTICE, "unsigned"))
        if data.error_mark is not None:
            block += _error_mark_lines(data.error_mark, styles)
    return [KeepTogether(block)]


def _error_mark_lines(mark: NoteErrorMark, styles: StyleSheet1) -> list[Flowable]:
    when = f"Marked entered in error by {mark.marked_by} on {date_time(mark.marked_at)}. Reason:"
    return [text(styles, when, "addendum_meta"), *text_paragraphs(styles, mark.reason)]


def addenda_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    if not data.addenda:
        return []
    story: list[Flowable] = [*heading(styles, "Addenda")]
    for number, addendum in enumerate(data.addenda, start=1):
        author = addendum.author
        if addendum.credentials:
            author += f", {addendum.credentials}"
        story.append(text(styles, f"Addendum {number}{SEPARATOR}{author}", "addendum_heading"))
        story.append(text(styles, _addendum_times(addendum), "addendum_meta"))
        story += text_paragraphs(styles, addendum.text)
    return story


def generated_line(data: NoteData, styles: StyleSheet1) -> Flowable:
    return text(
        styles,
        f"Generated {date_time(data.generated_at)} by TPI Desk{SEPARATOR}session {data.session_id}",
        "generated",
    )


def _signature_panel(data: NoteData, signature: NoteSignature, styles: StyleSheet1) -> Table:
    signer = signature.signer
    if signature.credentials:
        signer += f", {signature.credentials}"
    performer = signature.signer == data.provider.display_name
    lines: list[Flowable] = [
        text(styles, f"Electronically signed by {signer}", "signature_line"),
        text(styles, f"Signed {date_time(signature.signed_at)}"),
        text(styles, PERFORMER_ATTESTATION if performer else REVIEWER_ATTESTATION, "attestation"),
    ]
    if data.content_hash:
        lines.append(text(styles, f"Content hash: {data.content_hash}", "hash"))
    return shaped_table([[lines]], "panel", panel_style, colWidths=[CONTENT_WIDTH], hAlign="LEFT")


def _addendum_times(addendum: NoteAddendum) -> str:
    signed_at = addendum.signed_at
    signed = f"signed {date_time(signed_at)}" if signed_at is not None else "not signed"
    return f"Written {date_time(addendum.created_at)}{SEPARATOR}{signed}"
