"""`tpi-desk lots LOT`: the lot recall list from the command line, as CSV and PDF, audited."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from tests.cli.conftest import Run
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import open_database
from tpi_desk.services.demo_data import generate_demo_data

TpiDesk = Callable[..., Run]
TODAY = date(2026, 3, 20)


@pytest.fixture
def clinic(tmp_path: Path, catalog: Catalog) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    database = open_database(url)
    try:
        generate_demo_data(database.engine, catalog, patients=8, sessions=30, seed=11, today=TODAY)
    finally:
        database.dispose()
    return url


def _a_lot(url: str) -> tuple[str, int, set[str]]:
    """A lot of the demo data, how many lines were given from it, and their patients' MRNs."""
    database = open_database(url)
    try:
        with database.engine.connect() as connection:
            lot, count = connection.execute(
                text(
                    "SELECT lot, count(*) FROM medication_lines WHERE lot <> '' "
                    "GROUP BY lot ORDER BY count(*) DESC, lot LIMIT 1"
                )
            ).one()
            mrns = set(
                connection.execute(
                    text(
                        "SELECT DISTINCT p.mrn FROM medication_lines m "
                        "JOIN injection_sites s ON s.id = m.site_id "
                        "JOIN procedure_sessions ps ON ps.id = s.session_id "
                        "JOIN patients p ON p.id = ps.patient_id WHERE m.lot = :lot"
                    ),
                    {"lot": lot},
                ).scalars()
            )
    finally:
        database.dispose()
    return lot, count, mrns


def _audit(url: str) -> list[tuple[str, str, str]]:
    database = open_database(url)
    try:
        with database.session_factory() as db:
            return [
                (e.action, e.record_type, e.detail)
                for e in db.scalars(select(AuditEvent).order_by(AuditEvent.sequence))
            ]
    finally:
        database.dispose()


def test_lots_lists_writes_csv_and_pdf_and_is_audited(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    lot, count, mrns = _a_lot(clinic)
    typed = f"{lot[:2].lower()} {lot[2:]}"  # as a clinician might type it off the vial

    run = tpi_desk("lots", typed, "--csv", "recall.csv", "--pdf", "recall.pdf", database=clinic)

    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"Lot {lot}: {len(mrns)} patient")
    assert lines[0].endswith(f"{count} medication lines")
    assert sum(f"lot {lot}" in line for line in lines) == count
    with (tmp_path / "recall.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count
    assert {row["patient_mrn"] for row in rows} == mrns
    assert {row["lot"] for row in rows} == {lot}
    assert all(row["unit"] == "mg" and row["dose"] and row["clinician"] for row in rows)
    assert rows == sorted(rows, key=lambda row: row["performed_at"], reverse=True)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "recall.pdf").pages)
    assert f"Lot recall: Lot {lot}" in pdf_text
    for mrn in mrns:
        assert f"MRN {mrn}" in pdf_text
    entries = [entry for entry in _audit(clinic) if entry[1] in ("lot_recall", "command")]
    assert [(action, kind) for action, kind, _ in entries[-4:]] == [
        ("view", "lot_recall"),
        ("export", "lot_recall"),
        ("export", "lot_recall"),
        ("command", "command"),
    ]
    assert entries[-3][2].startswith("CSV recall.csv; Lot ")
    assert entries[-2][2].startswith("PDF recall.pdf; Lot ")
    assert entries[-1][2].startswith(f"lots: Lot {lot}: ")


def test_a_lot_nobody_received_says_so(tpi_desk: TpiDesk, clinic: str) -> None:
    run = tpi_desk("lots", "NOSUCHLOT", database=clinic)

    assert run.status == 0, run.stderr
    assert run.stdout == "Lot NOSUCHLOT: 0 patients, 0 sessions, 0 medication lines\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("  ",), "tpi-desk: LOT: type the lot number printed on the vial"),
        (("AB12345", "--ndc", "12-34"), "tpi-desk: --ndc: must be a 10- or 11-digit NDC"),
    ],
)
def test_bad_input_names_the_argument(
    tpi_desk: TpiDesk, clinic: str, arguments: tuple[str, ...], message: str
) -> None:
    run = tpi_desk("lots", *arguments, database=clinic)

    assert run.status == 1
    assert run.stderr.startswith(message)
    assert "Traceback" not in run.stderr


def test_an_unwritable_file_is_named_not_a_traceback(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    lot, _, _ = _a_lot(clinic)
    run = tpi_desk("lots", lot, "--csv", str(tmp_path / "missing" / "recall.csv"), database=clinic)

    assert run.status == 1
    assert "Cannot write" in run.stderr and "recall.csv" in run.stderr
    assert "Traceback" not in run.stderr
