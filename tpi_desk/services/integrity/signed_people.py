"""The provider and the signer of a signed note as they were when it was signed.

The signature's content holds both (integrity.person_part); a signed note shows these, so
renaming an account or changing its credentials never changes a note already signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tpi_desk.clinical.record import ProviderFacts


@dataclass(frozen=True, slots=True)
class SignedPeople:
    provider: ProviderFacts
    signer: ProviderFacts


def people_as_signed(content: str) -> SignedPeople | None:
    """Both people from a note signature's content; None when it cannot be read (a damaged
    signature, which `tpi-desk verify` names), and the caller shows the accounts as they are."""
    try:
        stored = json.loads(content)
        provider, signer = _person(stored["provider"]), _person(stored["signer"])
    except (ValueError, TypeError, KeyError):
        return None
    if provider is None or signer is None:
        return None
    return SignedPeople(provider, signer)


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
