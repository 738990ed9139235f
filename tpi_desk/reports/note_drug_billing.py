"""What a claim needs about each drug given (NDC, container, amount discarded, JW/JZ), and a
hard-stop override reason, clearly marked; both only when recorded."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import CodeLine
from tpi_desk.clinical.dosing import format_number
from tpi_desk.clinical.record import ContainerKind, MedicationEntry, ProcedureKind
from tpi_desk.reports.note_blocks import Column, data_table, fill_width, heading, text
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import DASH, drug_name

WASTE_MODIFIERS = ("JW", "JZ")
CONTAINER_LABELS = {
    ContainerKind.SINGLE_DOSE: "Single-dose",
    ContainerKind.MULTI_DOSE: "Multi-dose",
}
COLUMNS = (
    Column("#", 20, "table_number", "table_header_number"),
    Column("Drug", 0),
    Column("NDC", 90, "table_code"),
    Column("Container", 70),
    Column("Given mL", 52, "table_number", "table_header_number"),
    Column("Discarded mL", 68, "table_number", "table_header_number"),
    Column("Modifier", 58),
)


def drug_billing_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """One row per drug given: NDC, container, given and discarded mL, and the JW/JZ of the
    drug's billing lines; left out when nothing of it was recorded or billed."""
    entry = data.entry
    if entry.kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
        return []
    given = [
        (index, medication)
        for index, site in enumerate(entry.sites, start=1)
        for medication in site.medications
    ]
    modifiers = _waste_modifiers(data.analysis.coding.hcpcs)
    recorded = any(m.ndc or m.discarded_ml is not None or m.container for _, m in given)
    if not given or not (recorded or modifiers):
        return []
    rows = [
        _row(data.catalog, index, medication, modifiers.get(medication.drug_id, ""))
        for index, medication in given
    ]
    return [
        *heading(styles, "Drugs: NDC and waste"),
        data_table(styles, fill_width(COLUMNS, 1), rows),
    ]


def override_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """The reason the clinician signed despite a hard stop, marked as such."""
    reason = data.entry.override_reason.strip()
    if not reason:
        return []
    return [
        *heading(styles, "Hard stop overridden"),
        text(
            styles,
            f"OVERRIDE — the clinician signed despite a hard stop. Reason: {reason}",
            "unsigned",
        ),
    ]


def _row(catalog: Catalog, site: int, medication: MedicationEntry, modifier: str) -> list[str]:
    drug = catalog.drugs.get(medication.drug_id)
    container = medication.container
    if container is None and drug is not None:
        single = drug.single_dose_container
        container = ContainerKind.SINGLE_DOSE if single else ContainerKind.MULTI_DOSE
    discarded = medication.discarded_ml
    return [
        str(site),
        drug_name(catalog, medication.drug_id),
        medication.ndc or DASH,
        CONTAINER_LABELS[container] if container is not None else DASH,
        format_number(medication.volume_ml),
        format_number(discarded) if discarded is not None else DASH,
        modifier or DASH,
    ]


def _waste_modifiers(lines: tuple[CodeLine, ...]) -> dict[str, str]:
    """JW/JZ by drug id as the coding lines carry them ("JW 3 units" for the waste line)."""
    found: dict[str, list[str]] = {}
    for line in lines:
        if line.drug_id is None:
            continue
        for modifier in line.modifiers:
            if modifier in WASTE_MODIFIERS:
                label = f"JW {line.units} u" if modifier == "JW" else modifier
                found.setdefault(line.drug_id, []).append(label)
    return {drug: ", ".join(labels) for drug, labels in found.items()}
