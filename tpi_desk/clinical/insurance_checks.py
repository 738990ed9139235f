"""The checks of a patient's insurance: every field named by its path, in plain words."""

from __future__ import annotations

from collections.abc import Iterator

from tpi_desk.clinical.field_problems import problem, required_text
from tpi_desk.clinical.insurance import (
    IDENTIFIER_PATTERN,
    MAX_IDENTIFIER_LENGTH,
    MAX_PAYER_NAME_LENGTH,
    PAYER_NAME_PATTERN,
    PatientInsurance,
)
from tpi_desk.clinical.problems import FieldProblem


def insurance_problems(
    insurance: PatientInsurance | None, prefix: str = "patient.insurance"
) -> tuple[FieldProblem, ...]:
    """Problems with the insurance's fields, each named by its path (none for no insurance)."""
    if insurance is None:
        return ()
    found = list(_payer_name_problems(f"{prefix}.payer_name", insurance.payer_name))
    found += _identifier_problems(f"{prefix}.payer_id", insurance.payer_id, required=True)
    found += _identifier_problems(f"{prefix}.member_id", insurance.member_id, required=True)
    found += _identifier_problems(f"{prefix}.group_number", insurance.group_number, required=False)
    return tuple(found)


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
