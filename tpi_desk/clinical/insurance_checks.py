"""The checks of a patient's insurance: every field named by its path, in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tpi_desk.clinical.field_problems import problem, required_text
from tpi_desk.clinical.insurance import (
    IDENTIFIER_PATTERN,
    MAX_IDENTIFIER_LENGTH,
    MAX_PAYER_NAME_LENGTH,
    PAYER_NAME_PATTERN,
    PatientInsurance,
)
from tpi_desk.clinical.insured_person import (
    MAX_CITY_LENGTH,
    MAX_STREET_LENGTH,
    MAX_SUBSCRIBER_FAMILY_NAME_LENGTH,
    MAX_SUBSCRIBER_GIVEN_NAME_LENGTH,
    POSTAL_ZIP_PATTERN,
    STATE_PATTERN,
    PostalAddress,
    Subscriber,
)
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.text_safety import code_point, first_hidden_character

EARLIEST_SUBSCRIBER_BIRTH_YEAR = 1900
ONLY_FOR_DEPENDENTS = "is kept only for a patient insured through someone else"


def insurance_problems(
    insurance: PatientInsurance | None,
    prefix: str = "patient.insurance",
    today: date | None = None,
) -> tuple[FieldProblem, ...]:
    """Problems with the insurance's fields, each named by its path (none for no insurance).

    The insured person and the patient's address may be left out (a claim then names them
    as missing); given, every field of them is checked. The insured person is kept only for
    a patient insured through someone else; the patient's address for every patient (the
    claim carries it in 2010BA for the insured, in 2010CA for a dependent)."""
    if insurance is None:
        return ()
    found = list(_payer_name_problems(f"{prefix}.payer_name", insurance.payer_name))
    found += _identifier_problems(f"{prefix}.payer_id", insurance.payer_id, required=True)
    found += _identifier_problems(f"{prefix}.member_id", insurance.member_id, required=True)
    found += _identifier_problems(f"{prefix}.group_number", insurance.group_number, required=False)
    if insurance.subscriber is not None and not insurance.is_dependent:
        found.append(problem(f"{prefix}.subscriber", ONLY_FOR_DEPENDENTS))
    if insurance.subscriber is not None:
        found += subscriber_problems(insurance.subscriber, f"{prefix}.subscriber", today)
    if insurance.patient_address is not None:
        found += address_problems(insurance.patient_address, f"{prefix}.patient_address")
    return tuple(found)


def subscriber_problems(
    subscriber: Subscriber, prefix: str, today: date | None = None
) -> Iterator[FieldProblem]:
    """The insured person's name (both parts) is required; the birth date may wait until
    it is known (a claim names it as missing), and is checked when given."""
    yield from _line_problems(
        f"{prefix}.family_name", subscriber.family_name, MAX_SUBSCRIBER_FAMILY_NAME_LENGTH
    )
    yield from _line_problems(
        f"{prefix}.given_name", subscriber.given_name, MAX_SUBSCRIBER_GIVEN_NAME_LENGTH
    )
    born, path = subscriber.date_of_birth, f"{prefix}.date_of_birth"
    if born is None:
        return
    if born > (today or date.today()):
        yield problem(path, "cannot be in the future")
    elif born.year < EARLIEST_SUBSCRIBER_BIRTH_YEAR:
        yield problem(path, f"must be in {EARLIEST_SUBSCRIBER_BIRTH_YEAR} or later")


def address_problems(address: PostalAddress, prefix: str) -> Iterator[FieldProblem]:
    """Street, city, two-letter state and ZIP code, all required."""
    yield from _line_problems(f"{prefix}.street", address.street, MAX_STREET_LENGTH)
    yield from _line_problems(f"{prefix}.city", address.city, MAX_CITY_LENGTH)
    if not STATE_PATTERN.fullmatch(address.state):
        yield problem(f"{prefix}.state", "must be the state's two capital letters, e.g. ME")
    if not address.zip_code:
        yield problem(f"{prefix}.zip_code", "is required")
    elif not POSTAL_ZIP_PATTERN.fullmatch(address.zip_code):
        yield problem(f"{prefix}.zip_code", "must be 5 or 9 digits")


def _line_problems(path: str, text: str, limit: int) -> Iterator[FieldProblem]:
    hidden = first_hidden_character(text)
    if hidden is not None:
        yield problem(path, f"contains an invisible or control character ({code_point(hidden)})")
    else:
        yield from required_text(path, text, limit)


def _payer_name_problems(path: str, name: str) -> Iterator[FieldProblem]:
    required = list(required_text(path, name, MAX_PAYER_NAME_LENGTH))
    if required:
        yield from required
    elif not PAYER_NAME_PATTERN.fullmatch(name):
        yield problem(path, "may contain only letters A-Z, digits, spaces and . , & ' / ( ) # -")


def _identifier_problems(path: str, value: str, *, required: bool) -> Iterator[FieldProblem]:
    if not value:
        if required:
            yield problem(path, "is required")
        return
    if len(value) > MAX_IDENTIFIER_LENGTH:
        yield problem(path, f"must be at most {MAX_IDENTIFIER_LENGTH} characters")
    elif not IDENTIFIER_PATTERN.fullmatch(value):
        yield problem(path, "may contain only letters, digits and hyphens")
    elif required and len(value) < 2:
        yield problem(path, "must be at least 2 characters")
