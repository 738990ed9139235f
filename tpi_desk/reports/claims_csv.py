"""Claim lines as CSV: one row per billable CPT or HCPCS line of each exported note.

The lines are the note's share of the claim of its date of service (``claim_lines``): the
procedure code is reported once per patient, date and kind, counted over the muscles of all
that day's signed sessions, on the earliest of them; the others keep their drug and guidance
lines."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from tpi_desk.clinical.coding import CodeLine
from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import drug_name, patient_name

CLAIM_COLUMNS = (
    "date_of_service",
    "patient_mrn",
    "patient_name",
    "date_of_birth",
    "provider_name",
    "provider_npi",
    "code_system",
    "code",
    "modifiers",
    "units",
    "diagnosis_codes",
    "drug",
    "dose_mg",
    "lot",
    "session_id",
    "note_status",
)
LIST_SEPARATOR = ";"

# CSV ("formula") injection: a spreadsheet opening the file runs any cell that starts with
# = + - @ as a formula (a tab or carriage return can smuggle one in as well), and a patient
# name or a lot number is typed by people. Such cells are written with a leading single
# quote, which spreadsheets show as text and which changes no real value of ours (codes,
# MRNs, NPIs, dates and doses never start with these characters).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """``cell`` made inert for spreadsheets: a leading ``'`` if it could start a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def claim_rows(note: NoteData) -> Iterator[tuple[str, ...]]:
    """The note's claim lines (CPT first, then HCPCS drug lines), cells in CLAIM_COLUMNS order."""
    coding = note.analysis.coding
    diagnoses = LIST_SEPARATOR.join(coding.icd10)
    for line in coding.claim_lines:
        cells = (
            note.entry.performed_at.date().isoformat(),
            note.patient.mrn,
            patient_name(note.patient),
            note.patient.date_of_birth.isoformat(),
            note.provider.display_name,
            note.provider.npi,
            line.code_system,
            line.code,
            LIST_SEPARATOR.join(line.modifiers),
            str(line.units),
            diagnoses,
            drug_name(note.catalog, line.drug_id) if line.drug_id else "",
            decimal_text(line.dose_mg),
            _lots(note, line),
            note.session_id,
            note.status.value,
        )
        yield tuple(neutralise_formula(cell) for cell in cells)


class ClaimsCsvWriter:
    """Writes the header on creation, then each note's claim lines as it comes (streaming).

    ``handle`` is a text file opened with ``newline=""`` and ``encoding="utf-8"``.
    """

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle)
        self._writer.writerow(CLAIM_COLUMNS)
        self.rows_written = 0

    def write_note(self, note: NoteData) -> int:
        """Write the note's claim lines; returns how many (0 for a note with no sites)."""
        return self.write_rows(list(claim_rows(note)))

    def write_rows(self, rows: Sequence[tuple[str, ...]]) -> int:
        """Write claim lines made beforehand (``claim_rows``); returns how many."""
        self._writer.writerows(rows)
        self.rows_written += len(rows)
        return len(rows)


def write_claims_csv(notes: Iterable[NoteData], handle: TextIO) -> int:
    """Header and every note's claim lines; returns the number of claim lines written."""
    writer = ClaimsCsvWriter(handle)
    for note in notes:
        writer.write_note(note)
    return writer.rows_written


def _lots(note: NoteData, line: CodeLine) -> str:
    """The lots of the line's drug given in the session, each once, in the order recorded."""
    if line.drug_id is None:
        return ""
    lots = (
        medication.lot.strip()
        for site in note.entry.sites
        for medication in site.medications
        if medication.drug_id == line.drug_id
    )
    return LIST_SEPARATOR.join(dict.fromkeys(lot for lot in lots if lot))
