"""A patient's health insurance: who pays (payer), the member and group, and the patient's
relationship to the insured person, and the patient's address, as a professional claim (X12
837P) needs them.

The relationship is kept as its X12 individual relationship code (005010X222A1, SBR02 and
PAT01) and shown in plain words; only the four relationships a clinic meets are offered. The
patient's own address goes on every claim: in the subscriber loop (2010BA N3/N4, "Required
when the patient is the subscriber") for a patient who is the insured, in the patient loop
(2010CA) for one insured through someone else, who also carries the insured person
(``Subscriber``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tpi_desk.clinical.insured_person import PostalAddress, Subscriber


class InsuredRelationship(StrEnum):
    """The patient's relationship to the insured person (X12 individual relationship code)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    OTHER = "G8"


RELATIONSHIP_WORDS = {
    InsuredRelationship.SELF: "Self (the patient is the insured)",
    InsuredRelationship.SPOUSE: "Spouse of the insured",
    InsuredRelationship.CHILD: "Child of the insured",
    InsuredRelationship.OTHER: "Other relationship to the insured",
}

# Longest values a claim accepts (005010X222A1: NM103 60, NM109 80, SBR03 50), kept shorter
# where no real value comes near.
MAX_PAYER_NAME_LENGTH = 60
MAX_IDENTIFIER_LENGTH = 40
# Identifiers travel inside X12 segments: letters, digits and hyphens only, so that no
# separator (* ~ : ^) or control character can ever reach a claim file.
IDENTIFIER_PATTERN = re.compile(r"[A-Za-z0-9-]+")
# Payer names: letters (any script is refused by payers, so Latin), digits, spaces and the
# punctuation payer names use.
PAYER_NAME_PATTERN = re.compile(r"[A-Za-z0-9 .,&'/()#-]+")

INSURANCE_KEYS = (
    "payer_name", "payer_id", "member_id", "group_number", "relationship", "subscriber",
    "patient_address",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PatientInsurance:
    """The insurance the patient's claims go to; ``group_number`` may be empty.

    ``subscriber`` is kept only for a patient insured through someone else,
    ``patient_address`` for every patient (None: not on file; the patient's claims are
    refused until what the claim needs is).
    """

    payer_name: str
    payer_id: str
    member_id: str
    group_number: str = ""
    relationship: InsuredRelationship = InsuredRelationship.SELF
    subscriber: Subscriber | None = None
    patient_address: PostalAddress | None = None

    @property
    def is_dependent(self) -> bool:
        """The patient is insured through someone else (spouse, child, other)."""
        return self.relationship is not InsuredRelationship.SELF

    @property
    def relationship_words(self) -> str:
        return RELATIONSHIP_WORDS[self.relationship]
