"""The insured person of a patient covered through someone else (a spouse's or a parent's
plan), and the patient's address a claim for such a patient needs.

A professional claim (X12 837P, 005010X222A1) for a dependent names the subscriber (loop
2010BA: name and member ID) and the patient separately (loop 2010CA: name, address, birth
date and sex). The subscriber's birth date and sex are kept as the insurance card and the
CMS-1500 (box 11a) ask for them; the claim file leaves them out, as the guide says for a
patient who is not the subscriber.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class SubscriberSex(StrEnum):
    """The insured person's sex as X12 administrative sex codes (DMG03)."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


SUBSCRIBER_SEX_WORDS = {
    SubscriberSex.FEMALE: "Female",
    SubscriberSex.MALE: "Male",
    SubscriberSex.UNKNOWN: "Unknown",
}

# Longest values a claim carries (005010X222A1: NM103 60, NM104 35, N301 55, N401 30).
MAX_SUBSCRIBER_FAMILY_NAME_LENGTH = 60
MAX_SUBSCRIBER_GIVEN_NAME_LENGTH = 35
MAX_STREET_LENGTH = 55
MAX_CITY_LENGTH = 30
STATE_PATTERN = re.compile(r"[A-Z]{2}")
# 5 digits or ZIP+4, with or without the hyphen (the claim carries the digits only).
POSTAL_ZIP_PATTERN = re.compile(r"[0-9]{5}(?:-?[0-9]{4})?")

SUBSCRIBER_KEYS = ("family_name", "given_name", "date_of_birth", "sex")
ADDRESS_KEYS = ("street", "city", "state", "zip_code")


@dataclass(frozen=True, slots=True)
class Subscriber:
    """The insured person when it is not the patient; ``date_of_birth`` None: not given."""

    family_name: str
    given_name: str
    date_of_birth: date | None = None
    sex: SubscriberSex = SubscriberSex.UNKNOWN


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A US postal address: street, city, two-letter state and ZIP code (5 or 9 digits)."""

    street: str
    city: str
    state: str
    zip_code: str
