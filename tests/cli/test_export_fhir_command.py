"""`tpi-desk export ... --fhir FILE.json` (issue 15): the signed notes of a real SQLite file
as one FHIR R4 Bundle, read back with the ``fhir.resources`` R4B models."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from tests.cli.conftest import Run
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import open_database
from tpi_desk.services.demo_data import generate_demo_data

TpiDesk = Callable[..., Run]
TODAY = date(2026, 3, 20)  # demo sessions before it are signed; today's are drafts
RANGE = ("--from", "2026-03-09", "--to", "2026-03-20")
# The side of each documented site and its SNOMED CT laterality qualifier (DOMAIN.md, FHIR R4).
LATERALITY = {"right": "24028007", "left": "7771000", "bilateral": "51440002"}
LATERALITY_URL = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"


@pytest.fixture
def clinic(tmp_path: Path, catalog: Catalog) -> str:
    """A SQLite database with two weeks of synthetic signed notes and today's drafts."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    database = open_database(url)
    try:
        generate_demo_data(database.engine, catalog, patients=6, sessions=24, seed=5, today=TODAY)
    finally:
        database.dispose()
    return url


def read_bundle(path: Path) -> dict[str, Any]:
    """The file checked by the R4B model (any validation error fails), as plain JSON."""
    text = path.read_text(encoding="utf-8")
    Bundle.model_validate_json(text)
    found: dict[str, Any] = json.loads(text)
    return found


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def session_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(dict.fromkeys(row["session_id"] for row in csv.DictReader(handle)))


def test_the_signed_notes_go_out_as_one_valid_bundle(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk(
        "export", *RANGE, "--csv", "claims.csv", "--fhir", "bundle.json", database=clinic
    )
    every = tpi_desk(
        "export", *RANGE, "--status", "all", "--csv", "all.csv", database=clinic
    )  # drafts included, for comparison

    assert run.status == every.status == 0, run.stderr + every.stderr
    bundle = read_bundle(tmp_path / "bundle.json")
    signed = session_ids(tmp_path / "claims.csv")
    drafts = set(session_ids(tmp_path / "all.csv")) - set(signed)
    assert drafts, "today's demo sessions are drafts"
    documents = resources(bundle, "DocumentReference")
    exported = [document["identifier"][0]["value"] for document in documents]
    assert exported == signed, "every signed note, in order, and no draft"
    assert len(resources(bundle, "Procedure")) == len(resources(bundle, "Encounter")) == len(signed)
    summary = run.stdout.splitlines()[-1]
    assert summary == (
        f"  FHIR R4 bundle: bundle.json ({len(signed)} signed notes, "
        f"{len(bundle['entry'])} resources)"
    )
    assert (tmp_path / "bundle.json.manifest.json").exists()


def test_each_site_side_is_its_laterality_qualifier(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk("export", *RANGE, "--fhir", "bundle.json", database=clinic)

    assert run.status == 0, run.stderr
    sites = [
        site
        for procedure in resources(read_bundle(tmp_path / "bundle.json"), "Procedure")
        for site in procedure.get("bodySite", [])
    ]
    seen = set()
    for site in sites:
        side = site["text"].rsplit(", ", 1)[1]
        (extension,) = site["extension"]
        assert extension["url"] == LATERALITY_URL
        assert extension["valueCodeableConcept"]["coding"][0]["code"] == LATERALITY[side]
        seen.add(side)
    assert seen == set(LATERALITY), "the demo notes document every side"


def test_the_document_is_the_readable_pdf_with_matching_hashes(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk("export", *RANGE, "--fhir", "bundle.json", database=clinic)

    assert run.status == 0, run.stderr
    bundle = read_bundle(tmp_path / "bundle.json")
    patients = {p["id"]: p for p in resources(bundle, "Patient")}
    for document in resources(bundle, "DocumentReference"):
        attachment = document["content"][0]["attachment"]
        pdf = base64.b64decode(attachment["data"])
        assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
        assert attachment["extension"][0]["valueString"] == hashlib.sha256(pdf).hexdigest()
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        patient = patients[document["subject"]["reference"].removeprefix("urn:uuid:")]
        assert patient["identifier"][0]["value"] in text, "the note of the bundle's patient"


def test_the_same_notes_give_the_same_ids(tpi_desk: TpiDesk, clinic: str, tmp_path: Path) -> None:
    first = tpi_desk("export", *RANGE, "--fhir", "a.json", database=clinic)
    again = tpi_desk("export", *RANGE, "--fhir", "b.json", database=clinic)

    assert first.status == again.status == 0, first.stderr + again.stderr
    a, b = read_bundle(tmp_path / "a.json"), read_bundle(tmp_path / "b.json")
    assert a["id"] == b["id"]
    assert [e["fullUrl"] for e in a["entry"]] == [e["fullUrl"] for e in b["entry"]]
    system = resources(a, "Patient")[0]["identifier"][0]["system"]
    assert system.startswith("urn:tpi-desk:clinic:") and system.endswith(":mrn")


def test_drafts_are_refused_with_a_plain_message(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk("export", *RANGE, "--status", "all", "--fhir", "b.json", database=clinic)

    assert run.status == 1
    assert run.stderr == (
        "tpi-desk: --fhir writes signed notes only; leave out --status all for it\n"
    )
    assert not (tmp_path / "b.json").exists()


def test_no_signed_note_writes_nothing(tpi_desk: TpiDesk, clinic: str, tmp_path: Path) -> None:
    run = tpi_desk(
        "export", "--from", "2026-01-01", "--to", "2026-01-31", "--fhir", "b.json", database=clinic
    )

    assert run.status == 1
    assert run.stderr == "tpi-desk: No signed notes from 2026-01-01 to 2026-01-31.\n"
    assert not (tmp_path / "b.json").exists()


def test_a_fresh_demo_database_exports_a_valid_bundle(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    made = tpi_desk("demo-data", "--patients", "3", "--sessions", "8", database=url)
    run = tpi_desk(
        "export", "--from", "2000-01-01", "--to", "2100-12-31", "--fhir", "demo.json",
        database=url,
    )  # fmt: skip

    assert made.status == 0, made.stderr
    assert run.status == 0, run.stderr
    bundle = read_bundle(tmp_path / "demo.json")
    assert resources(bundle, "Procedure")
    assert "Traceback" not in run.stderr
