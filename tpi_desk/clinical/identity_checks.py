"""Checks of the clinic's billing identity: NPI check digit, EIN, ZIP code.

A claim (X12 837P, loop 2010AA) is refused by the payer's front end for any of these, so
the settings refuse them when they are typed, in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tpi_desk.clinical.validation import NPI_PATTERN, npi_check_digit_valid

EIN_PATTERN = re.compile(r"[0-9]{2}-?[0-9]{7}")
ZIP_PATTERN = re.compile(r"[0-9]{5}(?:-?[0-9]{4})?")
# An interchange receiver ID (X12 ISA08, GS03 and loop 1000B): up to 15 letters and digits.
INTERCHANGE_ID_PATTERN = re.compile(r"[A-Za-z0-9]{2,15}")

TextCheck = Callable[[str], str | None]


def npi_problem(value: str) -> str | None:
    """Why ``value`` is no NPI: ten digits whose last is the Luhn digit over "80840" + NPI."""
    if not NPI_PATTERN.fullmatch(value):
        return "must be 10 digits"
    if not npi_check_digit_valid(value):
        return "has an invalid check digit (the Luhn check with the prefix 80840 fails)"
    return None


def ein_problem(value: str) -> str | None:
    """Why ``value`` is no employer identification number (9 digits, e.g. 12-3456789)."""
    if not EIN_PATTERN.fullmatch(value):
        return "must be the 9-digit EIN, e.g. 12-3456789"
    return None


def zip_problem(value: str) -> str | None:
    """Why ``value`` is no ZIP code (5 digits, or ZIP+4)."""
    if not ZIP_PATTERN.fullmatch(value):
        return "must be a ZIP code of 5 or 9 digits, e.g. 10027 or 10027-1234"
    return None


def interchange_id_problem(value: str) -> str | None:
    """Why ``value`` cannot name a claim file's receiver (2 to 15 letters and digits)."""
    if not INTERCHANGE_ID_PATTERN.fullmatch(value):
        return "must be 2 to 15 letters and digits, as the clearinghouse gave it"
    return None


def digits_only(value: str) -> str:
    """``12-3456789`` -> ``123456789`` (claims carry EIN and ZIP+4 without hyphens)."""
    return value.replace("-", "")
