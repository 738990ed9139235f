"""The coding summary: CPT with units and modifiers, HCPCS drug lines with units, modifiers
(JW/JZ) and dose, ICD-10-CM, and how the day's once-per-day procedure line is reported."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable

from tpi_desk.clinical.coding import CodeLine, CodingSummary
from tpi_desk.reports.note_blocks import Column, data_table, fill_width, heading, text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import DASH, icd10_descriptor, mg

ICD10 = "ICD-10-CM"
COLUMNS = (
    Column("System", 52),
    Column("Code", 56, "table_code"),
    Column("Modifiers", 52, "table_code"),
    Column("Description", 0),
    Column("Units", 40, "table_number", "table_header_number"),
    Column("Dose", 60, "table_number", "table_header_number"),
)


def coding_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    coding = data.analysis.coding
    rows = [_code_row(line) for line in coding.all_lines]
    rows += [
        [ICD10, code, "", icd10_descriptor(data.catalog, code), "", ""] for code in coding.icd10
    ]
    counted = f"Distinct muscles counted for the procedure code: {coding.muscle_count}."
    return [
        *heading(styles, "Coding summary"),
        data_table(styles, fill_width(COLUMNS, 3), rows),
        text(styles, counted, "table_footnote"),
        *([text(styles, day, "table_footnote")] if (day := day_claim_text(coding)) else []),
    ]


def day_claim_text(coding: CodingSummary) -> str:
    """How the once-per-day procedure line is billed when the day has other signed sessions
    of this kind ("" when this is the day's only one)."""
    day = coding.day
    if day.sessions <= 1:
        return ""
    procedures = [line for line in day.lines if line.drug_id is None]
    if day.reports_procedure and procedures:
        return (
            f"Once per day: this session's claim reports {procedures[0].code} for the "
            f"{day.muscle_count} muscles of the day's {day.sessions} sessions."
        )
    return (
        f"Once per day: the procedure code for the day's {day.sessions} sessions "
        f"({day.muscle_count} muscles) is reported with the day's first session; this "
        "session's claim keeps its other lines."
    )


def _code_row(line: CodeLine) -> list[str]:
    dose = mg(line.dose_mg) if line.dose_mg is not None else DASH
    modifiers = " ".join(line.modifiers)
    return [line.code_system, line.code, modifiers, line.descriptor, str(line.units), dose]
