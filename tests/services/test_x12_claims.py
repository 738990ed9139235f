"""The X12 837P claim file (issue 15, item 2) from real signed notes in a real database,
every file checked with the pyx12 validator: a two-site claim with drug lines and their NDCs,
JW/JZ, a bilateral site, a draft refused, a patient without insurance named (dependents:
test_x12_dependents)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.services.conftest import (
    NOW,
    PASSWORD,
    Services,
    actor_for,
    two_site_entry,
)
from tests.x12_support import assert_valid_837p
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.clinical.insured_person import PostalAddress
from tpi_desk.clinical.record import (
    ContainerKind,
    Coverage,
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    Side,
)
from tpi_desk.models.database import Database
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.export.exporting import ExportCriteria, ExportService, ExportStatus
from tpi_desk.services.export.x12_claims import ClaimFileService, ClaimsRefused

DAY = ExportCriteria(date(2026, 11, 20), date(2026, 11, 20))
# The patient is the insured, with the address 2010BA N3/N4 then carries (005010X222A1:
# "Required when the patient is the subscriber").
SELF_ADDRESS = PostalAddress("27 Harbor View Road", "South Portland", "ME", "04106")
INSURANCE = PatientInsurance(
    "Northwind Health Plan (demo)", "NWHP1", "NWH00001001", "NW-40117", InsuredRelationship.SELF,
    patient_address=SELF_ADDRESS,
)  # fmt: skip
CLINIC = {
    "clinic.name": "Harbor Pain Clinic",
    "clinic.npi": "1245319599",
    "clinic.tax_id": "12-3456789",
    "clinic.street": "12 Harbor Street",
    "clinic.city": "Portland",
    "clinic.state": "ME",
    "clinic.zip": "04101-2201",
    "clinic.phone": "(207) 555-0142",
    "claims.receiver_name": "Demo Clearinghouse",
    "claims.receiver_id": "DEMOCH1",
}
# Kenalog-40 (triamcinolone acetonide 40 mg/mL) and Marcaine 0.25 % (bupivacaine 2.5 mg/mL)
# as their labels give the NDC; single-dose vials, so JW/JZ apply (DOMAIN.md, HCPCS; CMS
# JW/JZ FAQ).
TRIAMCINOLONE = MedicationEntry(
    "triamcinolone_acetonide", Decimal(40), Decimal("0.5"), "TK-88", date(2027, 1, 31),
    container=ContainerKind.SINGLE_DOSE, discarded_ml=Decimal("0.5"), ndc="00003-0293-05",
)  # fmt: skip
BUPIVACAINE = MedicationEntry(
    "bupivacaine", Decimal("2.5"), Decimal(2), "BP-12", date(2027, 5, 31),
    container=ContainerKind.SINGLE_DOSE, discarded_ml=Decimal(0), ndc="00409-1159-01",
)  # fmt: skip


@pytest.fixture
def claims(database: Database, catalog: Catalog) -> ClaimFileService:
    with database.session_factory.begin() as db:
        db.add_all(ClinicSetting(key=key, value=value) for key, value in CLINIC.items())
    exporting = ExportService(database.session_factory, catalog, clock=lambda: NOW)
    return ClaimFileService(database.session_factory, exporting, clock=lambda: NOW)


def insured(services: Services, patient: PatientRecord, physician: ProviderRecord) -> None:
    facts = replace(patient.facts, insurance=INSURANCE, coverage=Coverage.COMMERCIAL)
    services.patients.update(patient.id, patient.version, facts, actor=actor_for(physician))


def two_site_with_drugs() -> SessionEntry:
    """Bilateral upper trapezius with triamcinolone (half the vial discarded) and left
    levator scapulae with bupivacaine (nothing discarded): 3 muscles (DOMAIN.md, CPT)."""
    entry = two_site_entry()
    trapezius, levator = entry.sites
    assert trapezius.side is Side.BILATERAL
    return replace(
        entry,
        place_of_service="11",
        sites=(
            replace(trapezius, medications=(TRIAMCINOLONE,)),
            replace(levator, medications=(BUPIVACAINE,)),
        ),
    )


def sign(services: Services, patient: PatientRecord, physician: ProviderRecord,
         entry: SessionEntry) -> int:  # fmt: skip
    draft = services.drafts.create(patient.id, physician.id, entry, actor=actor_for(physician))
    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )
    return signed.id


def segments_named(segments: list[list[str]], name: str) -> list[list[str]]:
    return [segment for segment in segments if segment[0] == name]


def test_a_two_site_claim_with_drug_lines_validates(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    insured(services, patient, physician)
    session_id = sign(services, patient, physician, two_site_with_drugs())
    path = tmp_path / "claims.837"

    summary = claims.write(DAY, path)

    segments = assert_valid_837p(path)
    assert (summary.claims, summary.service_lines) == (1, 4)
    (claim,) = segments_named(segments, "CLM")
    assert claim[1] == f"TPI{session_id}" and claim[5] == "11:B:1"
    assert segments_named(segments, "HI") == [["HI", "ABK:M7912", "ABF:M542"]]
    # Bilateral upper trapezius counts as two muscles: 20553, once, never with modifier 50.
    assert [s[1] for s in segments_named(segments, "SV1")] == [
        "HC:20553", "HC:J3301", "HC:J3301:JW", "HC:J0665:JZ",
    ]  # fmt: skip
    assert [s[4] for s in segments_named(segments, "SV1")] == ["1", "2", "2", "10"]
    assert {s[7] for s in segments_named(segments, "SV1")} == {"1:2"}
    assert segments_named(segments, "LIN") == [
        ["LIN", "", "N4", "00003029305"],
        ["LIN", "", "N4", "00003029305"],
        ["LIN", "", "N4", "00409115901"],
    ]
    assert [s[4:] for s in segments_named(segments, "CTP")] == [["20", "ME"], ["20", "ME"],
                                                                 ["5", "ME"]]  # fmt: skip
    billing = segments[segments.index(["HL", "1", "", "20", "1"]) + 1]
    assert billing == ["NM1", "85", "2", "Harbor Pain Clinic", "", "", "", "", "XX", "1245319599"]
    assert ["REF", "EI", "123456789"] in segments
    assert ["N4", "Portland", "ME", "041012201"] in segments
    assert ["SBR", "P", "18", "NW-40117", "", "", "", "", "", "CI"] in segments
    assert ["NM1", "IL", "1", "Nunez", "Zoe", "", "", "", "MI", "NWH00001001"] in segments
    assert ["NM1", "PR", "2", "Northwind Health Plan (demo)", "", "", "", "", "PI", "NWHP1"] in (
        segments
    )
    assert ["NM1", "82", "1", "Hartley", "Imogen", "", "", "", "XX", "1234567893"] in segments


def test_a_draft_is_refused_and_nothing_is_written(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    insured(services, patient, physician)
    sign(services, patient, physician, two_site_with_drugs())
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(ClaimsRefused) as refused:
        claims.write(replace(DAY, status=ExportStatus.ALL), out / "claims.837")

    assert f"note #{draft.id} is draft: claims are made from signed notes" in str(refused.value)
    assert list(out.iterdir()) == []


def test_a_patient_without_insurance_is_named(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    sign(services, patient, physician, two_site_with_drugs())
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(ClaimsRefused) as refused:
        claims.write(DAY, out / "claims.837")

    assert "Ñúñez, Zoë (MRN SYN-1001) has no insurance on file" in str(refused.value)
    assert list(out.iterdir()) == []


def test_a_missing_billing_identity_names_each_setting(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    database: Database,
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    insured(services, patient, physician)
    sign(services, patient, physician, two_site_with_drugs())
    exporting = ExportService(database.session_factory, catalog, clock=lambda: NOW)
    claims = ClaimFileService(database.session_factory, exporting, clock=lambda: NOW)

    with pytest.raises(ClaimsRefused) as refused:
        claims.write(DAY, tmp_path / "claims.837")

    message = str(refused.value)
    assert "tpi-desk settings set KEY VALUE" in message
    for key in CLINIC:
        assert key in message


def test_medicare_dry_needling_outside_the_ncd_carries_gy(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    """Dry needling for Medicare is covered only for chronic low back pain (NCD 30.3.3); for
    neck pain it is statutorily excluded: GY (DOMAIN.md, Dry needling Medicare)."""
    facts = replace(patient.facts, insurance=INSURANCE, coverage=Coverage.MEDICARE)
    services.patients.update(patient.id, patient.version, facts, actor=actor_for(physician))
    entry = two_site_entry(kind=ProcedureKind.DRY_NEEDLING, diagnoses=("M54.2",))
    entry = replace(entry, sites=tuple(replace(site, medications=()) for site in entry.sites))
    sign(services, patient, physician, entry)
    path = tmp_path / "claims.837"

    claims.write(DAY, path)

    segments = assert_valid_837p(path)
    assert [s[1] for s in segments_named(segments, "SV1")] == ["HC:20561:GY"]
    assert segments_named(segments, "SBR")[0][9] == "MB"
