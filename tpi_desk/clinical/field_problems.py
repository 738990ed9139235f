"""A problem naming its field: document paths in plain words, and the checks of ranges,
decimal places and lengths every validator shares."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.session_shape import field_labels

# Plain words for the keys of the session document (docs/session-document.md): the session,
# site and medication fields' labels come from their definitions in record.py.
_FIELD_WORDS = {
    "format": "document format",
    "patient": "patient",
    "provider": "provider",
    "ultrasound": "ultrasound",
    "mrn": "MRN",
    "family_name": "family name",
    "given_name": "given name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "weight_kg": "weight (kg)",
    "allergies": "allergies",
    "username": "username",
    "display_name": "display name",
    "credentials": "credentials",
    "npi": "NPI",
    "payer_id": "payer ID",
    "member_id": "member ID",
    "relationship": "relationship to the insured",
    "subscriber": "insured person",
    "patient_address": "patient's address",
    "zip_code": "ZIP code",
    "sha256": "SHA-256",
    "data": "image data",
    **field_labels(),
}
# The singular of each list, for indexed labels ("sites[1]" -> "site 2").
_ITEM_WORDS = {
    "sites": "site",
    "medications": "medication",
    "diagnoses": "diagnosis",
    "side_effects": "side effect",
    "complications": "complication",
    "conservative_care_tried": "conservative care tried",
    "ongoing_care": "ongoing care",
    "allergies": "allergy",
    "risks_discussed": "risk discussed",
    "exam_findings": "exam finding",
    "images": "image",
}
_SEGMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>\d+)\])?")


def _words(name: str, table: dict[str, str]) -> str:
    return table.get(name, name.replace("_", " "))


def field_label(path: str) -> str:
    """A document path in plain words: ``sites[1].medications[0].volume_ml`` ->
    "Site 2, medication 1: volume (mL)"; ``ultrasound.device`` -> "Ultrasound: device";
    ``indication.ongoing_care[0]`` -> "Indication: ongoing care 1"; ``diagnoses[0]`` ->
    "Diagnosis 1"; ``sites[1].medications[0]`` -> "Site 2, medication 1"."""
    words: list[str] = []
    is_item: list[bool] = []
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            words.append(segment)
            is_item.append(False)
        elif match["index"] is not None:
            words.append(f"{_words(match['name'], _ITEM_WORDS)} {int(match['index']) + 1}")
            is_item.append(True)
        else:
            words.append(_words(match["name"], _FIELD_WORDS))
            is_item.append(False)
    # An item inside an item ("site 2, medication 1") names a thing, not a field of it.
    if len(words) == 1 or (is_item[-1] and is_item[-2]):
        label = ", ".join(words)
    else:
        label = f"{', '.join(words[:-1])}: {words[-1]}"
    return label[:1].upper() + label[1:]


def problem(path: str, message: str) -> FieldProblem:
    return FieldProblem(path, field_label(path), message)


def in_range(
    path: str,
    value: int | Decimal | None,
    low: int | Decimal,
    high: int | Decimal,
    *,
    places: int = 0,
) -> Iterator[FieldProblem]:
    if value is None:
        return
    if isinstance(value, Decimal) and not value.is_finite():
        yield problem(path, "must be a number")
    elif not low <= value <= high:
        yield problem(path, f"must be between {low} and {high}")
    elif isinstance(value, Decimal):
        yield from places_problems(path, value, places)


def positive_at_most(
    path: str, value: Decimal | None, high: Decimal, *, places: int
) -> Iterator[FieldProblem]:
    if value is None:
        return
    if not value.is_finite() or value <= 0:
        yield problem(path, "must be greater than 0")
    elif value > high:
        yield problem(path, f"must be at most {high}")
    else:
        yield from places_problems(path, value, places)


def places_problems(path: str, value: Decimal, places: int) -> Iterator[FieldProblem]:
    """Refuse more decimal places than are stored, rather than let storage round silently."""
    # Counted from the digits, not with normalize(): that underflows to 0 for 1E-999999999.
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or not any(digits):
        return
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if -(exponent + trailing_zeros) > places:
        yield problem(path, f"can have at most {places} decimal place{'s' if places > 1 else ''}")


def length_problems(path: str, text: str, limit: int) -> Iterator[FieldProblem]:
    if len(text) > limit:
        yield problem(path, f"must be at most {limit:,} characters (it has {len(text):,})")


def required_text(path: str, text: str, limit: int) -> Iterator[FieldProblem]:
    if not text.strip():
        yield problem(path, "is required")
    else:
        yield from length_problems(path, text, limit)
