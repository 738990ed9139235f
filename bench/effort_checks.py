"""The effort benchmark's checks, through the services (``Desk``), never the UI: the signed
notes and the exported files the tasks made."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from effort_driver import TaskFailed
from effort_tasks import Account, Note
from pypdf import PdfReader

from tpi_desk.clinical.record import NoteStatus, ProcedureKind
from tpi_desk.desk import Desk

TPI_ONE_OR_TWO_MUSCLES = "20552"


def check_note(url: str, note: Note, physician: Account, *, session_number: int) -> None:
    """Session ``session_number`` (1: task A, 2: task B) is a signed TPI note of the patient
    with the two sites, lidocaine 1 mL and the lot at each, and CPT 20552."""
    where = f"note {session_number}"
    with Desk.open(url) as desk:
        record = desk.sessions.load(session_number)
        entry = record.entry
        if record.patient.facts.mrn != note.mrn:
            raise TaskFailed(f"{where} is for MRN {record.patient.facts.mrn}, not {note.mrn}")
        if record.status is not NoteStatus.SIGNED:
            raise TaskFailed(f"{where} is {record.status.value}, not signed")
        if record.provider.facts.username != physician.username:
            raise TaskFailed(f"{where} was written by {record.provider.facts.username}")
        if entry.kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
            raise TaskFailed(f"{where} is a {entry.kind.value}")
        sites = sorted((site.muscle_id, site.side) for site in entry.sites)
        expected = sorted((note.muscle_id, side) for side in note.sides)
        if sites != expected:
            raise TaskFailed(f"{where} has the sites {sites}, not {expected}")
        for site in entry.sites:
            drugs = [(m.drug_id, m.volume_ml, m.lot) for m in site.medications]
            if drugs != [("lidocaine", Decimal(1), note.lot)]:
                raise TaskFailed(f"{where}: {site.muscle_id} {site.side.value} got {drugs}")
        if note.diagnosis not in entry.diagnoses:
            raise TaskFailed(f"{where} lacks the diagnosis {note.diagnosis}")
        analysis = desk.sessions.analyse(entry, record.patient.id, session_id=record.id)
        cpt = [line.code for line in analysis.coding.cpt]
        if cpt != [TPI_ONE_OR_TWO_MUSCLES]:
            raise TaskFailed(f"{where} codes as CPT {cpt}, not {TPI_ONE_OR_TWO_MUSCLES}")


def check_export(folder: Path, *, expected_notes: int) -> None:
    """One merged PDF with a bookmark per note, showing the patient's MRN, and one claims CSV
    with the day's 20552 line: both notes fall on one day for one patient, and the claim
    bills 20552 once a day (the CSV's once-per-day rule)."""
    pdfs = sorted(folder.glob("notes_*.pdf"))
    csvs = sorted(folder.glob("claims_*.csv"))
    if len(pdfs) != 1 or len(csvs) != 1:
        raise TaskFailed(f"expected one PDF and one CSV in the export folder, found {pdfs + csvs}")
    pdf, claims = pdfs[0], csvs[0]
    if pdf.stat().st_size == 0 or claims.stat().st_size == 0:
        raise TaskFailed("an exported file is empty")
    reader = PdfReader(pdf)
    if len(reader.outline) != expected_notes:
        raise TaskFailed(f"{pdf.name} has {len(reader.outline)} bookmarks, not {expected_notes}")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    if Note().mrn not in text:
        raise TaskFailed(f"{pdf.name} does not show the patient's MRN")
    with claims.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    tpi_rows = [row for row in rows if row.get("code") == TPI_ONE_OR_TWO_MUSCLES]
    if len(tpi_rows) != 1 or tpi_rows[0].get("note_status") != "signed":
        raise TaskFailed(
            f"{claims.name} should bill {TPI_ONE_OR_TWO_MUSCLES} once for the day:\n"
            + claims.read_text(encoding="utf-8-sig")
        )
