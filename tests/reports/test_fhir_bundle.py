"""The FHIR R4 bundle of signed notes (issue 15): valid R4B, coded from its sources, stable.

Every bundle is read back with the ``fhir.resources`` R4B models (``Bundle.model_validate_json``);
any validation error fails the test.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from tpi_desk.clinical.record import NoteStatus, Side, SiteEntry
from tpi_desk.reports import sample_notes
from tpi_desk.reports.fhir_bundle import (
    FhirExportError,
    FhirNote,
    check_resource,
    session_resources,
    write_fhir_bundle,
)
from tpi_desk.reports.fhir_vocabulary import LATERALITY_EXTENSION, SHA256_EXTENSION
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_pdf import render_note_bytes

MRN_SYSTEM = "urn:tpi-desk:clinic:1234567893:mrn"
SNOMED = "http://snomed.info/sct"
# The code systems and fixed codes of the bundle, with where each is defined.
SYSTEMS = [
    # (what, system, source)
    ("diagnosis", "http://hl7.org/fhir/sid/icd-10-cm", "FHIR R4 terminologies-systems"),
    ("procedure", "http://www.ama-assn.org/go/cpt", "FHIR R4 terminologies-systems"),
    ("practitioner NPI", "http://hl7.org/fhir/sid/us-npi", "FHIR R4 terminologies-systems"),
    ("dose unit", "http://unitsofmeasure.org", "UCUM; FHIR R4 Quantity"),
]
LATERALITY = [
    # (side, SNOMED CT qualifier; source: DOMAIN.md FHIR R4, DICOM PS3.16 CID 244)
    (Side.RIGHT, "24028007"),
    (Side.LEFT, "7771000"),
    (Side.BILATERAL, "51440002"),
]


def fhir_note(note: NoteData) -> FhirNote:
    return FhirNote(note, render_note_bytes(note, invariant=True), f"{note.session_id}.pdf")


def written(tmp_path: Path, *notes: NoteData, name: str = "bundle.json") -> dict[str, Any]:
    """The bundle of ``notes``, checked by the R4B model, as plain JSON."""
    path = tmp_path / name
    write_fhir_bundle(
        [fhir_note(note) for note in notes],
        path,
        mrn_system=MRN_SYSTEM,
        session_ids=[note.session_id for note in notes],
    )
    text = path.read_text(encoding="utf-8")
    Bundle.model_validate_json(text)  # raises on any validation error
    found: dict[str, Any] = json.loads(text)
    return found


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind
    ]


def codes_of(concept: dict[str, Any]) -> list[tuple[str, str]]:
    return [(coding["system"], coding["code"]) for coding in concept.get("coding", [])]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Four signed notes: documented, 6 sites (bilateral ones), with addenda, dry needling."""
    return written(
        tmp_path_factory.mktemp("fhir"),
        sample_notes.documented_note(),
        sample_notes.many_sites_note(6),
        sample_notes.signed_note_with_addenda(),
        sample_notes.dry_needling_note(),
    )


def test_the_bundle_is_a_collection_of_every_resource_of_each_session(
    bundle: dict[str, Any],
) -> None:
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("Encounter") == kinds.count("Procedure") == 4
    assert kinds.count("DocumentReference") == 4
    assert kinds.count("Condition") == 2 + 2 + 1 + 1  # the notes' diagnoses
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])
    assert len({entry["fullUrl"] for entry in bundle["entry"]}) == len(bundle["entry"])


def test_the_same_patient_and_practitioner_appear_once(tmp_path: Path) -> None:
    first = sample_notes.single_site_note()
    second = replace(sample_notes.documented_note(), session_id="S-2026-000500")
    found = written(tmp_path, first, second)

    assert len(resources(found, "Patient")) == len(resources(found, "Practitioner")) == 1
    assert len(resources(found, "Procedure")) == 2


def test_the_patient_is_identified_by_mrn_in_the_clinic_system(bundle: dict[str, Any]) -> None:
    patient = resources(bundle, "Patient")[0]
    identifier = patient["identifier"][0]
    assert (identifier["system"], identifier["value"]) == (MRN_SYSTEM, "D-104233")
    assert identifier["type"]["coding"][0]["code"] == "MR"
    assert (patient["name"][0]["family"], patient["birthDate"]) == ("Ñúñez", "1984-07-19")


@pytest.mark.parametrize(("what", "system", "source"), SYSTEMS)
def test_each_code_system_is_the_one_fhir_names(
    bundle: dict[str, Any], what: str, system: str, source: str
) -> None:
    assert system in json.dumps(bundle), f"{what}: {system} ({source})"


def test_conditions_are_icd10cm_and_the_procedure_gives_them_as_its_reason(
    bundle: dict[str, Any],
) -> None:
    conditions = resources(bundle, "Condition")[:2]
    procedure = resources(bundle, "Procedure")[0]
    assert [codes_of(c["code"]) for c in conditions] == [
        [("http://hl7.org/fhir/sid/icd-10-cm", "M79.12")],
        [("http://hl7.org/fhir/sid/icd-10-cm", "G44.229")],
    ]
    assert procedure["reasonReference"] == [
        {"reference": f"urn:uuid:{condition['id']}"} for condition in conditions
    ]
    assert codes_of(procedure["code"]) == [("http://www.ama-assn.org/go/cpt", "20552")]


def test_the_procedure_says_when_who_how_it_went_and_the_notes(bundle: dict[str, Any]) -> None:
    procedure = resources(bundle, "Procedure")[0]
    practitioner = resources(bundle, "Practitioner")[0]
    assert procedure["status"] == "completed"
    assert procedure["performedDateTime"] == "2026-03-04T14:30:00-05:00"
    assert procedure["performer"][0]["actor"]["reference"] == f"urn:uuid:{practitioner['id']}"
    assert practitioner["identifier"] == [
        {"system": "http://hl7.org/fhir/sid/us-npi", "value": sample_notes.PHYSICIAN.npi}
    ]
    assert procedure["outcome"]["text"].startswith("Pain 7/10 before, 2/10 after")
    assert procedure["note"][0]["text"].startswith("Taut band")
    assert procedure["followUp"] == [{"text": sample_notes.single_site_entry().follow_up}]


def test_recorded_start_and_end_times_make_a_period(tmp_path: Path) -> None:
    note = sample_notes.single_site_note()
    timed = replace(note.entry, procedure_started=time(14, 35), procedure_ended=time(14, 50))
    procedure = resources(written(tmp_path, replace(note, entry=timed)), "Procedure")[0]
    assert "performedDateTime" not in procedure
    assert procedure["performedPeriod"] == {
        "start": "2026-03-04T14:35:00-05:00",
        "end": "2026-03-04T14:50:00-05:00",
    }


def test_complications_are_listed(tmp_path: Path) -> None:
    note = sample_notes.single_site_note()
    entry = replace(note.entry, complications=("vasovagal_reaction",))
    procedure = resources(written(tmp_path, replace(note, entry=entry)), "Procedure")[0]
    assert len(procedure["complication"]) == 1
    assert procedure["complication"][0]["text"]


def laterality_of(site: dict[str, Any]) -> str:
    (extension,) = site["extension"]
    assert extension["url"] == LATERALITY_EXTENSION
    (code,) = codes_of(extension["valueCodeableConcept"])
    assert code[0] == SNOMED
    return code[1]


@pytest.mark.parametrize(("side", "code"), LATERALITY)
def test_each_side_is_its_snomed_laterality_qualifier(
    tmp_path: Path, side: Side, code: str
) -> None:
    note = sample_notes.single_site_note()
    site = replace(note.entry.sites[0], side=side)
    entry = replace(note.entry, sites=(site,))
    found = written(tmp_path, replace(note, entry=entry))
    body_site = resources(found, "Procedure")[0]["bodySite"][0]
    assert codes_of(body_site) == [(SNOMED, "31764008")]  # trapezius
    assert laterality_of(body_site) == code
    for administration in resources(found, "MedicationAdministration"):
        assert administration["dosage"]["site"] == body_site


def test_a_bilateral_site_of_the_many_sites_note_is_51440002(bundle: dict[str, Any]) -> None:
    procedure = resources(bundle, "Procedure")[1]
    sides = [laterality_of(site) for site in procedure["bodySite"]]
    assert sides == ["7771000", "24028007", "51440002"] * 2


def test_a_muscle_without_a_verified_concept_goes_by_name(tmp_path: Path) -> None:
    note = sample_notes.single_site_note()
    site = SiteEntry("brachioradialis", Side.RIGHT, medications=note.entry.sites[0].medications)
    found = written(tmp_path, replace(note, entry=replace(note.entry, sites=(site,))))
    body_site = resources(found, "Procedure")[0]["bodySite"][0]
    assert "coding" not in body_site
    assert body_site["text"] == "Brachioradialis, right"
    assert laterality_of(body_site) == "24028007"


def test_a_muscle_coded_from_a_value_set_expansion_carries_its_term(tmp_path: Path) -> None:
    note = sample_notes.single_site_note()
    site = SiteEntry("levator_scapulae", Side.LEFT, medications=note.entry.sites[0].medications)
    found = written(tmp_path, replace(note, entry=replace(note.entry, sites=(site,))))
    body_site = resources(found, "Procedure")[0]["bodySite"][0]
    assert body_site["coding"] == [
        {"system": SNOMED, "code": "11327007", "display": "Structure of levator scapulae muscle"}
    ]
    assert body_site["text"] == "Levator scapulae, left"
    assert laterality_of(body_site) == "7771000"


def test_a_medication_administration_per_drug_per_site(bundle: dict[str, Any]) -> None:
    procedures = resources(bundle, "Procedure")
    administrations = resources(bundle, "MedicationAdministration")
    # documented: 2 drugs at 1 site; 6 sites: 6 lidocaine + 2 triamcinolone; addenda note: 3.
    assert len(administrations) == 2 + 8 + 3
    first = administrations[0]
    assert first["partOf"] == [{"reference": f"urn:uuid:{procedures[0]['id']}"}]
    assert first["status"] == "completed"
    (medication,) = first["contained"]
    assert first["medicationReference"]["reference"] == f"#{medication['id']}"
    assert medication["batch"] == {"lotNumber": "LD-24117", "expirationDate": "2027-05-31"}
    assert codes_of(medication["code"]) == [("http://hl7.org/fhir/sid/ndc", "00409-4276-01")]
    dosage = first["dosage"]
    assert dosage["dose"] == {
        "value": 20,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }  # lidocaine 10 mg/mL x 2 mL
    assert codes_of(dosage["route"]) == [(SNOMED, "78421000")]
    assert dosage["text"] == "Lidocaine 10 mg/mL, 2 mL (20 mg)"
    assert administrations[1]["dosage"]["dose"]["value"] == 20  # triamcinolone 40 x 0.5


def test_dry_needling_has_no_drug_and_its_supervisor_is_a_performer(
    bundle: dict[str, Any],
) -> None:
    procedure = resources(bundle, "Procedure")[3]
    functions = [performer["function"]["text"] for performer in procedure["performer"]]
    assert functions == ["Performing clinician", "Supervising physician"]
    assert codes_of(procedure["code"])[0][1] in {"20560", "20561"}
    documents = resources(bundle, "DocumentReference")
    assert documents[3]["authenticator"] == procedure["performer"][1]["actor"]


def test_the_document_holds_the_signed_pdf_with_both_hashes(bundle: dict[str, Any]) -> None:
    document = resources(bundle, "DocumentReference")[0]
    attachment = document["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert attachment["contentType"] == "application/pdf"
    assert attachment["size"] == len(pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment["extension"] == [
        {"url": SHA256_EXTENSION, "valueString": hashlib.sha256(pdf).hexdigest()}
    ]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ñúñez" in text
    assert (document["status"], document["docStatus"]) == ("current", "final")
    assert codes_of(document["type"]) == [("http://loinc.org", "28570-0")]


def test_the_same_notes_give_the_same_bundle(tmp_path: Path) -> None:
    notes = (sample_notes.documented_note(), sample_notes.dry_needling_note())
    written(tmp_path, *notes, name="a.json")
    written(tmp_path, *notes, name="b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    other_clinic = write_fhir_bundle(
        [fhir_note(notes[0])], tmp_path / "c.json", mrn_system="urn:x:mrn", session_ids=["1"]
    )
    assert other_clinic.notes == 1
    ids = {e["resource"]["id"] for e in json.loads((tmp_path / "a.json").read_text())["entry"]}
    other = {e["resource"]["id"] for e in json.loads((tmp_path / "c.json").read_text())["entry"]}
    assert not ids & other, "another clinic's MRN system gives other ids"


def test_a_draft_is_refused(tmp_path: Path) -> None:
    draft = sample_notes.documented_note(NoteStatus.DRAFT)
    with pytest.raises(FhirExportError, match="not signed"):
        session_resources(fhir_note(draft), MRN_SYSTEM)
    target = tmp_path / "bundle.json"
    with pytest.raises(FhirExportError):
        write_fhir_bundle([fhir_note(draft)], target, mrn_system=MRN_SYSTEM, session_ids=["x"])
    assert list(tmp_path.iterdir()) == [], "nothing is left behind"


def test_a_cancelled_export_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    target.write_text("old", encoding="utf-8")
    summary = write_fhir_bundle(
        [fhir_note(sample_notes.single_site_note())],
        target,
        mrn_system=MRN_SYSTEM,
        session_ids=["S-2026-000417"],
        cancelled=lambda: True,
    )
    assert summary.cancelled
    assert target.read_text(encoding="utf-8") == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["bundle.json"]


def test_the_documented_example_is_a_valid_bundle() -> None:
    """docs/fhir.md's example stays valid R4B as the export changes."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "fhir.md"
    text = docs.read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    Bundle.model_validate_json(example)
    kinds = [entry["resource"]["resourceType"] for entry in json.loads(example)["entry"]]
    assert kinds == ["Condition", "Procedure", "MedicationAdministration", "DocumentReference"]


def test_an_invalid_resource_is_named_with_the_element_at_fault() -> None:
    with pytest.raises(FhirExportError) as caught:
        check_resource({"resourceType": "Patient", "id": "p1", "birthDate": "1990-13-01"})
    assert caught.value.message.startswith("The Patient p1 is not valid FHIR (birthDate: ")
    with pytest.raises(FhirExportError, match="Patientish is not a FHIR R4 resource"):
        check_resource({"resourceType": "Patientish"})
