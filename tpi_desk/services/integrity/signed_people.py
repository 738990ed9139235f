"""The patient, provider and signer of a signed note as they were when it was signed.

The signature's content holds them (integrity.patient_part, person_part); a signed note shows
these, so renaming an account, changing its credentials or correcting a patient's weight
never changes a note already signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.record import Coverage, PatientFacts, ProviderFacts, Sex


@dataclass(frozen=True, slots=True)
class SignedPeople:
    provider: ProviderFacts
    signer: ProviderFacts
    # None when the stored patient part cannot be read: the patient is shown as they are now.
    patient: PatientFacts | None = None


def people_as_signed(content: str, current: PatientFacts | None = None) -> SignedPeople | None:
    """Both people from a note signature's content; None when it cannot be read (a damaged
    signature, which `tpi-desk verify` names), and the caller shows the accounts as they are."""
    try:
        stored = json.loads(content, parse_float=Decimal)
        provider, signer = _person(stored["provider"]), _person(stored["signer"])
    except (ValueError, TypeError, KeyError):
        return None
    if provider is None or signer is None:
        return None
    return SignedPeople(provider, signer, _patient(stored.get("patient"), current))


def _patient(part: object, current: PatientFacts | None) -> PatientFacts | None:
    """The signed patient part; what an older signature did not hold (coverage, NKDA) is
    taken from ``current``, the patient as they are now. A signature never holds the
    insurance: a claim goes to the insurance the patient has now."""
    if not isinstance(part, dict):
        return None
    try:
        names = [part[key] for key in ("mrn", "family_name", "given_name")]
        allergies = part.get("allergies", [])
        weight = part.get("weight_kg")
        if not all(isinstance(n, str) for n in names) or not isinstance(allergies, list):
            return None
        return PatientFacts(
            mrn=names[0],
            family_name=names[1],
            given_name=names[2],
            date_of_birth=date.fromisoformat(part["date_of_birth"]),
            sex=Sex(part.get("sex", Sex.UNKNOWN.value)),
            weight_kg=None if weight is None else Decimal(str(weight)),
            allergies=tuple(str(allergy) for allergy in allergies),
            no_known_drug_allergies=part.get(
                "no_known_drug_allergies", current is not None and current.no_known_drug_allergies
            )
            is True,
            coverage=Coverage(
                part.get("coverage", current.coverage if current else Coverage.UNKNOWN)
            ),
            insurance=None if current is None else current.insurance,
        )
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return None


def _person(part: object) -> ProviderFacts | None:
    if not isinstance(part, dict):
        return None
    keys = ("username", "display_name", "credentials", "npi")
    values = [part.get(key) for key in keys]
    if not all(isinstance(value, str) for value in values):
        return None
    username, display_name, credentials, npi = (str(value) for value in values)
    # signed-note@2 holds the acupuncture certification; @1 notes predate it.
    certified = part.get("acupuncture_certified") is True
    return ProviderFacts(username, display_name, credentials, npi, certified)
