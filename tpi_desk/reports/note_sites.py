"""The sites table (one row per medication, site cells spanning them) and the dose totals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable, Table

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import DrugTotal, dose_mg, format_number
from tpi_desk.clinical.record import MedicationEntry, ProcedureKind, SiteEntry
from tpi_desk.reports.note_blocks import (
    Column,
    data_table,
    fill_width,
    heading,
    heading_with_table,
    text,
)
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import (
    DASH,
    SIDE_LABELS,
    concentration,
    drug_name,
    mg,
    muscle_name,
    needle,
)

_TEXT, _NUMBER = "dense_cell", "dense_number"
_NUMBER_HEADER = "table_header_number"
# Muscle (width 0) takes what the other columns leave of the page width.
SITE_COLUMNS = (
    Column("#", 16, _NUMBER, _NUMBER_HEADER),
    Column("Muscle", 0, _TEXT),
    Column("Side", 38, _TEXT),
    Column("Points", 33, _NUMBER, _NUMBER_HEADER),
    Column("Needle", 40, _TEXT),
    Column("Twitch", 34, _TEXT),
)
MEDICATION_COLUMNS = (
    Column("Drug", 80, _TEXT),
    Column("Concentration", 67, _TEXT),
    Column("mL", 26, _NUMBER, _NUMBER_HEADER),
    Column("mg", 28, _NUMBER, _NUMBER_HEADER),
    Column("Lot / expiry", 66, _TEXT),
)
# Dry needling has no medication columns: the site columns share the page.
NEEDLING_COLUMNS = (
    Column("#", 20, _NUMBER, _NUMBER_HEADER),
    Column("Muscle", 0, _TEXT),
    Column("Side", 70, _TEXT),
    Column("Points", 50, _NUMBER, _NUMBER_HEADER),
    Column("Needle", 90, _TEXT),
    Column("Twitch response", 80, _TEXT),
)
SITES_CELL_PADDING = 3
SPANNED_COLUMNS = len(SITE_COLUMNS)
TOTAL_COLUMNS = (
    Column("Drug", 150),
    Column("Total", 70, "table_number", _NUMBER_HEADER),
    Column("mg/kg", 80, "table_number", _NUMBER_HEADER),
    Column("Maximum", 0),
    Column("Of maximum", 70, "table_number", _NUMBER_HEADER),
)


def sites_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry = data.entry
    with_drugs = entry.kind is ProcedureKind.TRIGGER_POINT_INJECTION
    title = "Injection sites" if with_drugs else "Needling sites"
    if not entry.sites:
        return [*heading(styles, title), text(styles, "No site recorded.")]
    table = _sites_table(data, styles, entry.sites, with_drugs=with_drugs)
    first_site = entry.sites[:1]
    return heading_with_table(
        styles,
        title,
        table,
        start=lambda: _sites_table(data, styles, first_site, with_drugs=with_drugs),
    )


def dose_totals_section(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    if data.entry.kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
        return []
    story: list[Flowable] = [*heading(styles, "Dose totals")]
    totals = data.analysis.dose_totals
    if not totals:
        story.append(text(styles, "No medication recorded."))
        return story
    weight = data.patient.weight_kg
    rows = [_total_row(data.catalog, total, weight) for total in totals]
    story.append(data_table(styles, fill_width(TOTAL_COLUMNS, 3), rows))
    anaesthetics = [
        t
        for t in totals
        if t.fraction_of_max is not None
        and t.drug_id in data.catalog.drugs
        and data.catalog.drugs[t.drug_id].is_local_anaesthetic
    ]
    if len(anaesthetics) >= 2:
        combined = _percent(data.analysis.combined_anaesthetic_fraction)
        story.append(
            text(
                styles,
                f"Local anaesthetics combined: {combined} of the combined maximum.",
                "table_footnote",
            )
        )
    if weight is None:
        story.append(text(styles, "Weight not recorded: mg/kg not calculated.", "table_footnote"))
    return story


def _sites_table(
    data: NoteData, styles: StyleSheet1, sites: Sequence[SiteEntry], *, with_drugs: bool
) -> Table:
    columns = fill_width(SITE_COLUMNS + MEDICATION_COLUMNS if with_drugs else NEEDLING_COLUMNS, 1)
    rows: list[list[str]] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    bands: list[tuple[int, int]] = []
    for index, site in enumerate(sites):
        first = len(rows) + 1  # row 0 is the header
        site_cells = _site_cells(data.catalog, index, site, stacked=with_drugs)
        medications: tuple[MedicationEntry | None, ...] = site.medications or (None,)
        if not with_drugs:
            medications = (None,)
        for position, medication in enumerate(medications):
            cells = site_cells if position == 0 else [""] * SPANNED_COLUMNS
            if with_drugs:
                cells = cells + _medication_cells(data.catalog, medication)
            rows.append(cells)
        last = len(rows)
        bands.append((first, last))
        if last > first:
            spans += [((c, first), (c, last)) for c in range(SPANNED_COLUMNS)]
    return data_table(
        styles, columns, rows, zebra_groups=bands, padding=SITES_CELL_PADDING, spans=spans
    )


def _site_cells(catalog: Catalog, index: int, site: SiteEntry, *, stacked: bool) -> list[str]:
    """The site's own cells; ``stacked`` puts gauge and length on two lines (narrow column)."""
    return [
        str(index + 1),
        muscle_name(catalog, site.muscle_id),
        SIDE_LABELS[site.side],
        str(site.points),
        needle(site.needle_gauge, site.needle_length_mm, "\n" if stacked else " / "),
        "Yes" if site.twitch_response else "No",
    ]


def _medication_cells(catalog: Catalog, medication: MedicationEntry | None) -> list[str]:
    if medication is None:
        return ["No medication", "", "", "", ""]
    drug = catalog.drugs.get(medication.drug_id)
    dose = dose_mg(medication.concentration_mg_per_ml, medication.volume_ml)
    lot = medication.lot or "no lot"
    expiry = f"exp {medication.expires.isoformat()}" if medication.expires else "no expiry"
    return [
        drug_name(catalog, medication.drug_id),
        concentration(drug, medication.concentration_mg_per_ml),
        format_number(medication.volume_ml),
        format_number(dose),
        f"{lot}\n{expiry}",
    ]


def _total_row(catalog: Catalog, total: DrugTotal, weight: Decimal | None) -> list[str]:
    drug = catalog.drugs.get(total.drug_id)
    per_kg = f"{format_number(total.mg_per_kg)} mg/kg" if total.mg_per_kg is not None else DASH
    maximum = DASH
    if total.max_mg is not None:
        maximum = mg(total.max_mg)
        basis = []
        if drug is not None and drug.max_mg_per_kg is not None and weight is not None:
            basis.append(f"{format_number(drug.max_mg_per_kg)} mg/kg × {format_number(weight)} kg")
        if drug is not None and drug.max_total_mg is not None:
            basis.append(f"absolute {mg(drug.max_total_mg)}")
        if basis:
            maximum += f" ({'; '.join(basis)})"
    share = _percent(total.fraction_of_max) if total.fraction_of_max is not None else DASH
    return [drug_name(catalog, total.drug_id), mg(total.total_mg), per_kg, maximum, share]


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"
