"""The lot recall list as CSV and PDF, from plain data: read back exactly (pypdf, csv),
Unicode names intact, spreadsheet formulas neutralised, a partial list refused."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tpi_desk.clinical.lot_recall import LotRecall, RecallLine, lot_key
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.reports.lot_recall_list import (
    RECALL_COLUMNS,
    render_recall_pdf,
    write_recall_csv,
)

CLINIC = timezone(timedelta(hours=-5))
LINE = RecallLine(
    session_id=41,
    performed_at=datetime(2026, 3, 5, 9, 30, tzinfo=CLINIC),
    patient_id=7,
    patient_mrn="SYN-1001",
    patient_name="Ñúñez, Zoë",
    date_of_birth=date(1979, 4, 2),
    site="Upper trapezius, bilateral",
    location="Łódź Street Clinic, NY",
    drug="Lidocaine",
    dose=Decimal(20),
    unit="mg",
    volume_ml=Decimal(2),
    lot="lx 2291",
    expires=date(2027, 6, 30),
    ndc="00409-4276-01",
    clinician="Dr. Imogen Hartley, MD",
    note_status=NoteStatus.SIGNED,
)


def _recall(lines: tuple[RecallLine, ...]) -> LotRecall:
    return LotRecall(
        lot="LX2291",
        ndc="",
        lines=lines,
        line_count=len(lines),
        session_count=len({line.session_id for line in lines}),
        patient_count=len({line.patient_id for line in lines}),
        searched_at=datetime(2026, 3, 6, 12, tzinfo=UTC),
    )


def test_lot_keys_ignore_spaces_and_case_of_a_to_z_only() -> None:
    assert lot_key(" lx 22\t91 ") == "LX2291"
    assert lot_key("ab-12c") == "AB-12C"
    assert lot_key("é1") == "é1"  # as SQLite's upper(): letters a-z only


def test_the_csv_holds_every_line_with_its_columns(tmp_path: Path) -> None:
    formula = replace(LINE, session_id=42, patient_name="=HYPERLINK(1), Bad", lot="+1")
    path = tmp_path / "recall.csv"

    write_recall_csv(_recall((LINE, formula)), path)

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == RECALL_COLUMNS
    assert rows[0] == {
        "performed_at": "2026-03-05T09:30-05:00",
        "patient_mrn": "SYN-1001",
        "patient_name": "Ñúñez, Zoë",
        "date_of_birth": "1979-04-02",
        "site": "Upper trapezius, bilateral",
        "location": "Łódź Street Clinic, NY",
        "drug": "Lidocaine",
        "dose": "20",
        "unit": "mg",
        "volume_ml": "2",
        "lot": "lx 2291",
        "expires": "2027-06-30",
        "ndc": "00409-4276-01",
        "clinician": "Dr. Imogen Hartley, MD",
        "note_status": "signed",
        "session_id": "41",
    }
    assert (rows[1]["patient_name"], rows[1]["lot"]) == ("'=HYPERLINK(1), Bad", "'+1")


def test_the_pdf_reads_back_with_every_patient_on_its_pages() -> None:
    lines = tuple(
        replace(LINE, session_id=100 + n, patient_id=n, patient_mrn=f"SYN-{n:04d}")
        for n in range(120)
    )

    pdf = render_recall_pdf(_recall(lines), "Ødegård Pain Clinic")

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 1
    assert "Ødegård Pain Clinic" in text
    assert "Lot recall: Lot LX2291" in text
    assert "120 patients, 120 sessions, 120 medication lines" in text
    assert "Ñúñez, Zoë" in text and "Łódź" in text  # the location wraps in its column
    assert all(f"MRN SYN-{n:04d}" in text for n in range(120))
    assert "20 mg in 2 mL" in text
    assert f"Lot recall, page {len(reader.pages)}" in text
    assert reader.metadata is not None and reader.metadata.title == "Lot recall: Lot LX2291"


def test_an_empty_list_says_nobody_received_the_lot() -> None:
    text = PdfReader(io.BytesIO(render_recall_pdf(_recall(()), ""))).pages[0].extract_text()
    assert "No session recorded a line from this lot." in text


def test_a_first_page_is_never_written_as_the_list(tmp_path: Path) -> None:
    partial = replace(_recall((LINE,)), line_count=5)
    with pytest.raises(ValueError, match="1 of 5 lines"):
        write_recall_csv(partial, tmp_path / "recall.csv")
    with pytest.raises(ValueError, match="1 of 5 lines"):
        render_recall_pdf(partial, "Clinic")
