"""X12 837P claims for patients insured through someone else (issue 15): the subscriber
level names the insured person, a patient level (2000C PAT, 2010CA) the patient, and the
claim hangs under it; every file checked with pyx12. Rows follow the 005010X222A1 TR3 (SBR02
only ``18``; PAT01 the relationship; 2010BA address and DMG only when the patient is the
subscriber, X12 RFI 2281; 2010CA N3/N4 required)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.services.conftest import Services, actor_for, patient_facts
from tests.services.test_x12_claims import DAY, INSURANCE, claims, segments_named, sign
from tests.services.test_x12_claims import two_site_with_drugs as session
from tests.x12_support import assert_valid_837p
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.clinical.insured_person import PostalAddress, Subscriber, SubscriberSex
from tpi_desk.clinical.record import Coverage
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.export.x12_claims import ClaimFileService, ClaimsRefused

__all__ = ["claims"]

INSURED = Subscriber("Okafor", "Adaeze", date(1961, 8, 14), SubscriberSex.FEMALE)
ADDRESS = PostalAddress("14 Alder Lane", "Portland", "ME", "04101-2201")


def dependent(
    relationship: InsuredRelationship,
    *,
    subscriber: Subscriber | None = INSURED,
    patient_address: PostalAddress | None = ADDRESS,
) -> PatientInsurance:
    return replace(
        INSURANCE,
        relationship=relationship,
        subscriber=subscriber,
        patient_address=patient_address,
    )


def insure(
    services: Services, patient: PatientRecord, physician: ProviderRecord,
    insurance: PatientInsurance,
) -> None:  # fmt: skip
    facts = replace(patient.facts, insurance=insurance, coverage=Coverage.COMMERCIAL)
    services.patients.update(patient.id, patient.version, facts, actor=actor_for(physician))


@pytest.mark.parametrize(
    ("relationship", "sbr02", "pat01"),
    [
        # TR3 2000B SBR02: "18" when the patient is the subscriber, else not used.
        (InsuredRelationship.SELF, "18", None),
        # TR3 2000C PAT01: 01 spouse, 19 child, G8 other relationship.
        (InsuredRelationship.SPOUSE, "", "01"),
        (InsuredRelationship.CHILD, "", "19"),
        (InsuredRelationship.OTHER, "", "G8"),
    ],
)
def test_each_relationship_makes_a_claim_file_that_validates(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
    relationship: InsuredRelationship,
    sbr02: str,
    pat01: str | None,
) -> None:
    is_self = relationship is InsuredRelationship.SELF
    insure(services, patient, physician, INSURANCE if is_self else dependent(relationship))
    sign(services, patient, physician, session())
    path = tmp_path / "claims.837"

    claims.write(DAY, path)

    segments = assert_valid_837p(path)
    (sbr,) = segments_named(segments, "SBR")
    assert sbr[2] == sbr02
    subscriber = segments_named(segments, "NM1")[3]  # after 1000A, 1000B, 2010AA
    if is_self:
        assert segments_named(segments, "HL")[1:] == [["HL", "2", "1", "22", "0"]]
        assert subscriber == ["NM1", "IL", "1", "Nunez", "Zoe", "", "", "", "MI", "NWH00001001"]
        assert segments_named(segments, "DMG") == [["DMG", "D8", "19790402", "F"]]
        assert segments_named(segments, "PAT") == []
        return
    assert segments_named(segments, "HL")[1:] == [
        ["HL", "2", "1", "22", "1"], ["HL", "3", "2", "23", "0"],
    ]  # fmt: skip
    assert subscriber == ["NM1", "IL", "1", "Okafor", "Adaeze", "", "", "", "MI", "NWH00001001"]
    assert pat01 is not None
    assert segments_named(segments, "PAT") == [["PAT", pat01]]
    start = segments.index(["PAT", pat01])
    assert segments[start + 1 : start + 6] == [
        ["NM1", "QC", "1", "Nunez", "Zoe"],
        ["N3", "14 Alder Lane"],
        ["N4", "Portland", "ME", "041012201"],
        ["DMG", "D8", "19790402", "F"],
        segments_named(segments, "CLM")[0],
    ]
    # Only the patient's birth date and sex are sent: 2010BA carries no DMG for a dependent.
    assert len(segments_named(segments, "DMG")) == 1


def test_a_file_with_a_self_insured_and_a_dependent_claim_validates(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    insure(services, patient, physician, INSURANCE)
    child = services.patients.create(
        patient_facts("SYN-1002", "Okafor", "Chidi"), actor=actor_for(physician)
    )
    insure(services, child, physician, dependent(InsuredRelationship.CHILD))
    first = sign(services, patient, physician, session())
    second = sign(services, child, physician, session())
    path = tmp_path / "claims.837"

    summary = claims.write(DAY, path)

    segments = assert_valid_837p(path)
    assert summary.claims == 2
    assert segments_named(segments, "HL") == [
        ["HL", "1", "", "20", "1"],
        ["HL", "2", "1", "22", "0"],
        ["HL", "3", "1", "22", "1"],
        ["HL", "4", "3", "23", "0"],
    ]
    assert [clm[1] for clm in segments_named(segments, "CLM")] == [f"TPI{first}", f"TPI{second}"]
    assert ["NM1", "QC", "1", "Okafor", "Chidi"] in segments


@pytest.mark.parametrize(
    ("subscriber", "address", "named"),
    [
        (None, ADDRESS, "the insured person's name"),
        (INSURED, None, "the patient's address"),
    ],
)
def test_a_dependent_without_the_insured_person_on_file_is_refused_in_words(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
    subscriber: Subscriber | None,
    address: PostalAddress | None,
    named: str,
) -> None:
    child = dependent(InsuredRelationship.CHILD, subscriber=subscriber, patient_address=address)
    insure(services, patient, physician, child)
    sign(services, patient, physician, session())
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(ClaimsRefused) as refused:
        claims.write(DAY, out / "claims.837")

    message = str(refused.value)
    assert "Ñúñez, Zoë (MRN SYN-1001) is insured as child of the insured, but " in message
    assert f"{named} is not on file: add it in the patient's insurance details" in message
    assert list(out.iterdir()) == []


def test_a_dependent_whose_insured_person_has_no_birth_date_on_file_is_billed(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
) -> None:
    """005010X222A1 2010BA DMG: "Required when the patient is the subscriber ... If not
    required by this implementation guide, do not send": a dependent's claim does not carry
    the insured person's birth date, so a missing one does not hold the claim back."""
    unknown_birth = replace(INSURED, date_of_birth=None)
    insure(
        services,
        patient,
        physician,
        dependent(InsuredRelationship.SPOUSE, subscriber=unknown_birth),
    )
    sign(services, patient, physician, session())
    path = tmp_path / "claims.837"

    summary = claims.write(DAY, path)

    segments = assert_valid_837p(path)
    assert summary.claims == 1
    assert segments_named(segments, "PAT") == [["PAT", "01"]]
    assert segments_named(segments, "DMG") == [["DMG", "D8", "19790402", "F"]]
