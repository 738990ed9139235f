"""The export dialog's words for the per-note PDFs' names, as the clinic setting makes them:
by date of service and session number (the default: a file name is seen by anyone who can
list the folder), or by date of service, MRN and family name when the clinic asks for it."""

from __future__ import annotations

from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import ClinicSettingsService

PER_NOTE = "One PDF per note"
PER_NOTE_BY_SESSION = f"{PER_NOTE}, each named by date of service and session number"
PER_NOTE_BY_PATIENT = f"{PER_NOTE}, each named by date of service, MRN and family name"


def per_note_choice_text(settings: ClinicSettingsService, actor: Actor | None) -> str:
    """The per-note choice's label (without the naming when the settings cannot be read)."""
    try:
        with_patient = settings.load(actor=actor).file_names_with_patient
    except UserError:
        return PER_NOTE
    return PER_NOTE_BY_PATIENT if with_patient else PER_NOTE_BY_SESSION
