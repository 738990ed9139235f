"""The coding summary: CPT with units, HCPCS drug lines with units and dose, ICD-10-CM."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable

from tpi_desk.clinical.coding import CodeLine
from tpi_desk.reports.note_blocks import Column, data_table, fill_width, heading, text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import DASH, icd10_descriptor, mg

ICD10 = "ICD-10-CM"
COLUMNS = (
    Column("System", 52),
    Column("Code", 56, "table_code"),
    Column("Description", 0),
    Column("Units", 40, "table_number", "table_header_number"),
    Column("Dose", 60, "table_number", "table_header_number"),
)


def coding_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    coding = data.analysis.coding
    rows = [_code_row(line) for line in coding.all_lines]
    rows += [[ICD10, code, icd10_descriptor(data.catalog, code), "", ""] for code in coding.icd10]
    counted = f"Distinct muscles counted for the procedure code: {coding.muscle_count}."
    return [
        *heading(styles, "Coding summary"),
        data_table(styles, fill_width(COLUMNS, 2), rows),
        text(styles, counted, "table_footnote"),
    ]


def _code_row(line: CodeLine) -> list[str]:
    code = "-".join((line.code, *line.modifiers))
    dose = mg(line.dose_mg) if line.dose_mg is not None else DASH
    return [line.code_system, code, line.descriptor, str(line.units), dose]
