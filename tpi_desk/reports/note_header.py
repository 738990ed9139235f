"""The top of a note: clinic header with status, then the patient and session blocks."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Image, Paragraph, Spacer
from reportlab.platypus.flowables import HRFlowable

from tpi_desk.clinical.dosing import format_number
from tpi_desk.clinical.record import NoteStatus, ProcedureKind, ProviderFacts
from tpi_desk.reports.note_blocks import key_value_blocks, text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import (
    NBSP,
    SEPARATOR,
    SEX_LABELS,
    age_on,
    date_time,
    joined,
    patient_name,
    provider_name,
)
from tpi_desk.reports.note_pages import CONTENT_WIDTH
from tpi_desk.reports.note_styles import RULE, layout_table_style
from tpi_desk.reports.table_cells import shaped_table

LOGO_BOX = (1.1 * inch, 0.65 * inch)
TITLE_WIDTH = 2.4 * inch  # room for "Trigger Point Injection" and the status on the right
PROCEDURE_TITLES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "Trigger Point Injection",
    ProcedureKind.DRY_NEEDLING: "Dry Needling",
}
DRAFT_MARK = "DRAFT — NOT SIGNED"
ERROR_MARK = "ENTERED IN ERROR"
STATUS_MARKS = {NoteStatus.DRAFT: DRAFT_MARK, NoteStatus.ENTERED_IN_ERROR: ERROR_MARK}
DEMO_WATERMARK = "DEMO"
WATERMARKS = {NoteStatus.DRAFT: "DRAFT", NoteStatus.ENTERED_IN_ERROR: ERROR_MARK}
LABEL_WIDTH = 0.95 * inch


def clinic_header(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """Clinic name, address, phone and logo on the left; title and status on the right."""
    clinic = data.clinic
    details: list[Flowable] = [text(styles, clinic.name, "clinic_name")]
    details += [text(styles, line, "clinic_detail") for line in clinic.address_lines]
    contact = [f"Phone {clinic.phone}" if clinic.phone else "", _npi(clinic.npi)]
    if any(contact):
        details.append(text(styles, SEPARATOR.join(p for p in contact if p), "clinic_detail"))
    logo = _logo(data)
    left: Flowable | list[Flowable] = details
    left_width = CONTENT_WIDTH - TITLE_WIDTH
    if logo is not None:
        left = shaped_table(
            [[logo, details]],
            "layout",
            layout_table_style,
            colWidths=[LOGO_BOX[0] + 10, left_width - LOGO_BOX[0] - 10],
        )
    right = [
        text(styles, PROCEDURE_TITLES[data.entry.kind], "document_title"),
        text(styles, "Procedure note", "document_subtitle"),
        Spacer(1, 4),
        _status(data, styles),
    ]
    header = shaped_table(
        [[left, right]],
        "layout",
        layout_table_style,
        colWidths=[left_width, CONTENT_WIDTH - left_width],
    )
    return [header, HRFlowable(width="100%", thickness=0.8, color=RULE, spaceBefore=8)]


def patient_and_session(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """The patient block and the session block side by side."""
    blocks = (("PATIENT", _patient_rows(data)), ("SESSION", _session_rows(data)))
    return [Spacer(1, 8), *key_value_blocks(styles, blocks, LABEL_WIDTH)]


def _patient_rows(data: NoteData) -> list[tuple[str, str]]:
    patient = data.patient
    age = age_on(patient.date_of_birth, data.entry.performed_at.date())
    rows = [
        ("Name", patient_name(patient)),
        ("Date of birth", f"{patient.date_of_birth.isoformat()} (age {age})"),
        ("MRN", patient.mrn),
        ("Sex", SEX_LABELS[patient.sex]),
    ]
    weight = patient.weight_kg
    rows.append(("Weight", f"{format_number(weight)} kg" if weight is not None else "Not recorded"))
    rows.append(("Allergies", joined(patient.allergies, "None recorded")))
    return rows


def _session_rows(data: NoteData) -> list[tuple[str, str]]:
    rows = [
        ("Date/time", date_time(data.entry.performed_at)),
        ("Performed by", _with_npi(data.provider)),
    ]
    if data.supervising_provider is not None:
        rows.append(("Supervising", _with_npi(data.supervising_provider)))
    rows.append(("Location", _location(data)))
    place = data.entry.place_of_service
    if place:
        label = data.catalog.documentation.places_of_service.get(place)
        rows.append(("Setting", f"{label} (place of service {place})" if label else place))
    rows.append(("Session ID", data.session_id))
    return rows


def _location(data: NoteData) -> str:
    """Where the session took place as recorded, else the clinic's location."""
    entry = data.entry
    name = entry.location_name.strip() or data.location
    parts = [part for part in (name, entry.location_state) if part]
    return ", ".join(parts) or "—"


def _npi(npi: str) -> str:
    return f"NPI{NBSP}{npi}" if npi else ""


def _with_npi(provider: ProviderFacts) -> str:
    """ "Amara Okafor, MD · NPI 1234567893" (the NPI kept on one line)."""
    name = provider_name(provider)
    return f"{name}{SEPARATOR}NPI{NBSP}{provider.npi}" if provider.npi else name


def _status(data: NoteData, styles: StyleSheet1) -> Paragraph:
    mark = STATUS_MARKS.get(data.status)
    if mark is not None:
        return text(styles, mark, "status_alert")
    if data.signature is not None:
        return text(styles, "Electronically signed", "status_signed")
    return text(styles, "Signed", "status_signed")


def _logo(data: NoteData) -> Image | None:
    path = data.clinic.logo_path
    if path is None or not path.is_file():
        return None
    return Image(str(path), width=LOGO_BOX[0], height=LOGO_BOX[1], kind="proportional")
