"""What an exported note's PDF is called: its date of service and session id, and the
patient's MRN and family name only where the clinic asks for them (issue 13: a file name
is seen by anyone who can list the folder, a mail server or a backup index)."""

from __future__ import annotations

import re
import unicodedata

from tpi_desk.reports.note_data import NoteData

MAX_STEM_LENGTH = 96
# Letters that Unicode does not decompose into an ASCII base letter plus accents.
_ASCII_LETTERS = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
        "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th",
        "ı": "i", "Ŋ": "N", "ŋ": "n",
    }
)  # fmt: skip
_NOT_FILE_NAME_SAFE = re.compile(r"[^A-Za-z0-9-]+")


def note_file_name(note: NoteData, *, with_patient: bool = False) -> str:
    """ "2026-03-04_session-101.pdf": date of service and session id. ``with_patient`` (the
    clinic setting ``export.file_names_with_patient``): "2026-03-04_D-104233_Nunez.pdf",
    date of service, MRN and family name in plain letters."""
    day = note.entry.performed_at.date().isoformat()
    if not with_patient:
        session = _file_name_part(note.session_id) or "unsaved"
        return f"{day}_session-{session}"[:MAX_STEM_LENGTH] + ".pdf"
    mrn = _file_name_part(note.patient.mrn) or "no-MRN"
    family = _file_name_part(note.patient.family_name) or "patient"
    return f"{day}_{mrn}_{family}"[:MAX_STEM_LENGTH] + ".pdf"


def _file_name_part(text: str) -> str:
    """Plain ASCII letters, digits and hyphens ("Ó Briain" -> "O-Briain", "Łukasz" -> "Lukasz")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").replace("'", "")
    return _NOT_FILE_NAME_SAFE.sub("-", ascii_text).strip("-")
