"""The patient's address on an X12 837P claim for every relationship: a patient who is the
insured has it in the subscriber loop (2010BA N3/N4, before DMG), a dependent in the patient
loop (2010CA), and a patient who is the insured without one on file is refused in words with
nothing written. Every file is checked with pyx12, which cannot tell the first case (the
segments are situational), so each row cites the 005010X222A1 TR3 note it follows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.services.conftest import Services
from tests.services.test_x12_claims import DAY, INSURANCE, claims, sign
from tests.services.test_x12_claims import two_site_with_drugs as session
from tests.services.test_x12_dependents import ADDRESS, dependent, insure
from tests.x12_support import assert_valid_837p
from tpi_desk.clinical.insurance import InsuredRelationship, PatientInsurance
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.export.x12_claims import ClaimFileService, ClaimsRefused

__all__ = ["claims"]

SUBSCRIBER = ["NM1", "IL", "1", "Nunez", "Zoe", "", "", "", "MI", "NWH00001001"]
INSURED_PARENT = ["NM1", "IL", "1", "Okafor", "Adaeze", "", "", "", "MI", "NWH00001001"]
PATIENT_DMG = ["DMG", "D8", "19790402", "F"]

# (insurance, 2010BA from NM1*IL up to the payer's NM1*PR, 2010CA from NM1*QC up to CLM).
PLACEMENT_ROWS = [
    pytest.param(
        INSURANCE,
        [SUBSCRIBER, ["N3", "27 Harbor View Road"], ["N4", "South Portland", "ME", "04106"],
         PATIENT_DMG],
        [],
        id="self: 2010BA N3/N4 'Required when the patient is the subscriber', before DMG",
    ),
    pytest.param(
        replace(INSURANCE, patient_address=ADDRESS),
        [SUBSCRIBER, ["N3", "14 Alder Lane"], ["N4", "Portland", "ME", "041012201"], PATIENT_DMG],
        [],
        id="self, ZIP+4: 2010BA N4 'Required when the patient is the subscriber', digits only",
    ),
    pytest.param(
        dependent(InsuredRelationship.CHILD),
        [INSURED_PARENT],
        [["NM1", "QC", "1", "Nunez", "Zoe"], ["N3", "14 Alder Lane"],
         ["N4", "Portland", "ME", "041012201"], PATIENT_DMG],
        id="child: 2010BA N3/N4 'Required when the patient is the subscriber' (not), 2010CA",
    ),
    pytest.param(
        dependent(InsuredRelationship.SPOUSE),
        [INSURED_PARENT],
        [["NM1", "QC", "1", "Nunez", "Zoe"], ["N3", "14 Alder Lane"],
         ["N4", "Portland", "ME", "041012201"], PATIENT_DMG],
        id="spouse: 2010BA N3/N4 'Required when the patient is the subscriber' (not), 2010CA",
    ),
]  # fmt: skip


def loop(segments: list[list[str]], first: str, end: str) -> list[list[str]]:
    """The segments from the first NM1 whose entity code is ``first`` up to the next
    segment called ``end`` (or NM1 with entity code ``end``), that one left out."""
    names = [segment[1] if segment[0] == "NM1" else "" for segment in segments]
    if first not in names:
        return []
    start = names.index(first)
    for index in range(start + 1, len(segments)):
        if segments[index][0] == end or names[index] == end:
            return segments[start:index]
    return segments[start:]


@pytest.mark.parametrize(("insurance", "subscriber_loop", "patient_loop"), PLACEMENT_ROWS)
def test_the_patients_address_is_where_the_guide_puts_it(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
    insurance: PatientInsurance,
    subscriber_loop: list[list[str]],
    patient_loop: list[list[str]],
) -> None:
    insure(services, patient, physician, insurance)
    sign(services, patient, physician, session())
    path = tmp_path / "claims.837"

    claims.write(DAY, path)

    segments = assert_valid_837p(path)
    assert loop(segments, "IL", "PR") == subscriber_loop
    assert loop(segments, "QC", "CLM") == patient_loop
    # The clinic's own N3/N4 (2010AA) and the patient's: no other address is sent.
    assert len([s for s in segments if s[0] == "N3"]) == 2


@pytest.mark.parametrize(
    ("insurance", "words"),
    [
        pytest.param(
            replace(INSURANCE, patient_address=None),
            "Ñúñez, Zoë (MRN SYN-1001) is the insured, but the patient's address is not on "
            "file: add it in the patient's insurance details",
            id="self: 2010BA N3/N4 'Required when the patient is the subscriber'",
        ),
        pytest.param(
            dependent(InsuredRelationship.CHILD, patient_address=None),
            "Ñúñez, Zoë (MRN SYN-1001) is insured as child of the insured, but the patient's "
            "address is not on file: add it in the patient's insurance details",
            id="child: 2010CA N3/N4 required",
        ),
    ],
)
def test_a_claim_without_the_patients_address_is_refused_in_words(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    claims: ClaimFileService,
    tmp_path: Path,
    insurance: PatientInsurance,
    words: str,
) -> None:
    insure(services, patient, physician, insurance)
    sign(services, patient, physician, session())
    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(ClaimsRefused) as refused:
        claims.write(DAY, out / "claims.837")

    assert words in str(refused.value)
    assert list(out.iterdir()) == []
