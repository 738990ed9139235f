"""Claim-line CSV: exact columns, one row per billable line, the derived codes, inert cells."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import derive_codes
from tpi_desk.clinical.record import MedicationEntry, NoteStatus, PriorSession, Side, SiteEntry
from tpi_desk.reports import sample_notes
from tpi_desk.reports.claims_csv import (
    CLAIM_COLUMNS,
    ClaimsCsvWriter,
    claim_rows,
    neutralise_formula,
    write_claims_csv,
)
from tpi_desk.reports.note_data import NoteData

EXPECTED_COLUMNS = [
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
]


def every_sample() -> list[NoteData]:
    return [
        sample_notes.single_site_note(),
        sample_notes.many_sites_note(30),
        sample_notes.long_text_note(800),
        sample_notes.signed_note_with_addenda(),
        sample_notes.draft_note(),
    ]


def written(notes: list[NoteData]) -> str:
    buffer = io.StringIO(newline="")
    write_claims_csv(notes, buffer)
    return buffer.getvalue()


def read_back(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def test_the_header_names_the_columns_in_the_agreed_order() -> None:
    header, _rows = read_back(written([sample_notes.single_site_note()]))

    assert header == EXPECTED_COLUMNS
    assert list(CLAIM_COLUMNS) == EXPECTED_COLUMNS


def test_rows_are_the_derived_codes_of_each_session_one_per_billable_line(
    catalog: Catalog,
) -> None:
    notes = every_sample()
    notes = [replace(note, session_id=f"S-{index}") for index, note in enumerate(notes)]

    _header, rows = read_back(written(notes))

    for note in notes:
        coding = derive_codes(note.entry, catalog)
        expected = [
            (
                line.code_system,
                line.code,
                ";".join(line.modifiers),
                str(line.units),
                line.dose_mg,
                ";".join(coding.icd10),
            )
            for line in coding.cpt + coding.hcpcs
        ]
        found = [
            (
                r["code_system"],
                r["code"],
                r["modifiers"],
                r["units"],
                Decimal(r["dose_mg"]) if r["dose_mg"] else None,
                r["diagnosis_codes"],
            )
            for r in rows
            if r["session_id"] == note.session_id
        ]
        assert found == expected, note.patient.family_name
    assert len(rows) == sum(len(derive_codes(n.entry, catalog).all_lines) for n in notes)


def test_a_signed_injection_note_gives_its_procedure_and_drug_lines() -> None:
    _header, rows = read_back(written([sample_notes.single_site_note()]))

    assert rows == [
        {
            "date_of_service": "2026-03-04",
            "patient_mrn": "D-104233",
            "patient_name": "Ñúñez, Zoë",
            "date_of_birth": "1984-07-19",
            "provider_name": "Amara Okafor",
            "provider_npi": "1234567893",
            "code_system": "CPT",
            "code": "20552",
            "modifiers": "",
            "units": "1",
            "diagnosis_codes": "M79.12;G44.229",
            "drug": "",
            "dose_mg": "",
            "lot": "",
            "session_id": "S-2026-000417",
            "note_status": "signed",
        },
        {
            "date_of_service": "2026-03-04",
            "patient_mrn": "D-104233",
            "patient_name": "Ñúñez, Zoë",
            "date_of_birth": "1984-07-19",
            "provider_name": "Amara Okafor",
            "provider_npi": "1234567893",
            "code_system": "HCPCS",
            "code": "J3301",
            "modifiers": "",
            "units": "2",
            "diagnosis_codes": "M79.12;G44.229",
            "drug": "Triamcinolone acetonide",
            "dose_mg": "20",
            "lot": "TK-88310",
            "session_id": "S-2026-000417",
            "note_status": "signed",
        },
    ]


def test_ultrasound_guidance_and_each_billable_drug_get_their_own_line() -> None:
    _header, rows = read_back(written([sample_notes.signed_note_with_addenda()]))

    lines = [(r["code_system"], r["code"], r["units"], r["drug"], r["lot"]) for r in rows]
    assert ("CPT", "76942", "1", "", "") in lines
    assert [line[0] for line in lines].count("CPT") == 2
    hcpcs = {line[1]: line for line in lines if line[0] == "HCPCS"}
    # Bupivacaine 0.25 % x 5 mL = 12.5 mg in 0.5 mg units; one lot used at two sites.
    assert hcpcs["J0665"][2:] == ("25", "Bupivacaine", "BP-55102")
    assert hcpcs["J1010"][2:] == ("20", "Methylprednisolone acetate", "MP-30921")


def test_the_lots_of_a_drug_are_listed_once_each_in_the_order_given() -> None:
    note = sample_notes.single_site_note()
    site = note.entry.sites[0]
    sites = (
        replace(site, medications=(sample_notes.triamcinolone("0.25", lot="TK-1"),)),
        SiteEntry(
            "levator_scapulae",
            site.side,
            medications=(
                sample_notes.triamcinolone("0.25", lot="TK-2"),
                sample_notes.triamcinolone("0.25", lot="TK-1"),
                MedicationEntry("triamcinolone_acetonide", Decimal(40), Decimal("0.25")),
            ),
        ),
    )
    note = replace(note, entry=replace(note.entry, sites=sites))

    (drug_row,) = [row for row in claim_rows(note) if row[6] == "HCPCS"]

    assert drug_row[CLAIM_COLUMNS.index("lot")] == "TK-1;TK-2"


def test_dry_needling_has_a_procedure_line_and_no_drug_line() -> None:
    _header, rows = read_back(written([sample_notes.long_text_note(800)]))

    assert [(r["code_system"], r["code"], r["drug"]) for r in rows] == [("CPT", "20561", "")]


def test_a_draft_says_so_in_the_status_column() -> None:
    _header, rows = read_back(written([sample_notes.draft_note()]))

    assert rows
    assert {row["note_status"] for row in rows} == {NoteStatus.DRAFT.value}


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_written_inert() -> None:
    note = sample_notes.single_site_note()
    hostile = replace(
        note.patient,
        family_name='=HYPERLINK("http://example.invalid","x")',
        given_name="@SUM(A1)",
    )
    site = note.entry.sites[0]
    dosed = replace(site, medications=(sample_notes.triamcinolone("0.5", lot="+1-555"),))
    note = replace(
        note,
        patient=hostile,
        provider=replace(note.provider, display_name="-2+3"),
        entry=replace(note.entry, sites=(dosed,)),
    )

    _header, rows = read_back(written([note]))

    drug_row = rows[1]
    assert drug_row["patient_name"] == '\'=HYPERLINK("http://example.invalid","x"), @SUM(A1)'
    assert drug_row["provider_name"] == "'-2+3"
    assert drug_row["lot"] == "'+1-555"
    assert drug_row["code"] == "J3301"
    assert drug_row["dose_mg"] == "20"


def test_only_risky_first_characters_are_neutralised() -> None:
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("+15551234") == "'+15551234"
    assert neutralise_formula("-5") == "'-5"
    assert neutralise_formula("@cmd") == "'@cmd"
    assert neutralise_formula("\tx") == "'\tx"
    assert neutralise_formula("D-104233") == "D-104233"
    assert neutralise_formula("Ñúñez, Zoë") == "Ñúñez, Zoë"
    assert neutralise_formula("") == ""


def test_the_file_is_utf8_with_names_intact_and_one_header(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    notes = [sample_notes.single_site_note(), sample_notes.many_sites_note(6)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = ClaimsCsvWriter(handle)
        counts = [writer.write_note(note) for note in notes]

    text = path.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    assert text.count("date_of_service,") == 1
    _header, rows = read_back(text)
    assert len(rows) == sum(counts) == writer.rows_written
    assert {row["patient_name"] for row in rows} == {"Ñúñez, Zoë", "Wiśniewski, Łukasz"}
    assert {row["date_of_birth"] for row in rows} == {"1984-07-19", "1971-02-03"}
    assert all(date.fromisoformat(row["date_of_service"]) for row in rows)


def _same_day_notes() -> list[NoteData]:
    """Zoë's two signed sessions of 2026-03-04, each analysed with the other as history."""
    catalog = sample_notes.sample_catalog()
    morning = sample_notes.single_site_note()  # left upper trapezius, triamcinolone 20 mg
    afternoon_entry = replace(
        morning.entry,
        performed_at=morning.entry.performed_at + timedelta(hours=5),
        sites=(
            SiteEntry(
                "levator_scapulae",
                Side.BILATERAL,
                medications=(sample_notes.triamcinolone("0.25", lot="TK-2"),),
            ),
        ),
    )
    afternoon = replace(morning, entry=afternoon_entry, session_id="S-2026-000420")
    notes = []
    for note, other in ((morning, afternoon), (afternoon, morning)):
        history = [
            PriorSession(
                other.entry.performed_at,
                other.entry.kind,
                frozenset(site.muscle_id for site in other.entry.sites),
                NoteStatus.SIGNED,
                frozenset((site.muscle_id, site.side) for site in other.entry.sites),
            )
        ]
        analysis = analyse_session(
            note.entry, catalog, patient=note.patient, history=history, today=date(2026, 3, 4)
        )
        notes.append(replace(note, analysis=analysis))
    return notes


def test_one_procedure_line_per_patient_and_day_over_all_its_muscles() -> None:
    # DOMAIN.md, CPT: one 20552/20553 per patient per date of service, counted over all the
    # day's muscles: left upper trapezius + bilateral levator scapulae = 3 muscles = 20553,
    # on the morning session; each session's drug line still bills.
    _header, rows = read_back(written(_same_day_notes()))

    assert [(r["session_id"], r["code"], r["units"]) for r in rows] == [
        ("S-2026-000417", "20553", "1"),
        ("S-2026-000417", "J3301", "2"),
        ("S-2026-000420", "J3301", "1"),
    ]


def test_the_modifiers_column_carries_jw_and_jz() -> None:
    # CMS JW/JZ FAQ (DOMAIN.md, CPT): bupivacaine 0.5 % from a single-dose vial, 4 mL given
    # (20 mg = 40 units) and 6 mL discarded (30 mg = 60 units, JW); methylprednisolone 40 mg
    # from a single-dose vial, nothing discarded (JZ); triamcinolone multi-dose: neither.
    note = sample_notes.single_site_note()
    medications = (
        MedicationEntry("bupivacaine", Decimal(5), Decimal(4), "BP-1", discarded_ml=Decimal(6)),
        MedicationEntry("methylprednisolone_acetate", Decimal(40), Decimal(1), "MP-1"),
        sample_notes.triamcinolone("0.5"),
    )
    site = replace(note.entry.sites[0], medications=medications)
    note = sample_notes.make_note(replace(note.entry, sites=(site,)), note.patient)

    _header, rows = read_back(written([note]))

    assert [(r["code"], r["modifiers"], r["units"], r["dose_mg"]) for r in rows] == [
        ("20552", "", "1", ""),
        ("J0665", "", "40", "20"),
        ("J0665", "JW", "60", "30"),
        ("J1010", "JZ", "40", "40"),
        ("J3301", "", "2", "20"),
    ]
