"""How dates, times, ages and session values read on screen (one place, locale-independent)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.record import Coverage, NoteStatus, ProcedureKind, Sex

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

PROCEDURE_NAMES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "Trigger point injection",
    ProcedureKind.DRY_NEEDLING: "Dry needling",
}
PROCEDURE_SHORT_NAMES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "TPI",
    ProcedureKind.DRY_NEEDLING: "Dry needling",
}
STATUS_NAMES = {
    NoteStatus.DRAFT: "Draft",
    NoteStatus.SIGNED: "Signed",
    NoteStatus.ENTERED_IN_ERROR: "Entered in error",
}
SEX_NAMES = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other", Sex.UNKNOWN: "Unknown"}
COVERAGE_NAMES = {
    Coverage.MEDICARE: "Medicare",
    Coverage.MEDICARE_ADVANTAGE: "Medicare Advantage",
    Coverage.MEDICAID: "Medicaid",
    Coverage.COMMERCIAL: "Commercial insurance",
    Coverage.WORKERS_COMPENSATION: "Workers' compensation",
    Coverage.SELF_PAY: "Self-pay",
    Coverage.UNKNOWN: "Unknown",
}
NO_KNOWN_DRUG_ALLERGIES = "No known drug allergies"
ALLERGIES_NOT_RECORDED = "None recorded"  # not asked: distinct from no known drug allergies


def format_date(value: date) -> str:
    """``date(1984, 7, 22)`` -> "Jul 22, 1984" (unambiguous, whatever the system locale)."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_time(value: datetime) -> str:
    """The local wall-clock time, e.g. "9:30 AM"."""
    local = value.astimezone()
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def format_date_time(value: datetime) -> str:
    """A moment in local time, e.g. "Mar 4, 2026  9:30 AM"."""
    return f"{format_date(value.astimezone().date())}  {format_time(value)}"


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years between ``date_of_birth`` and ``today``."""
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)


def format_age(date_of_birth: date, today: date) -> str:
    """ "47 y", or months for infants ("8 mo")."""
    years = age_on(date_of_birth, today)
    if years >= 2:
        return f"{years} y"
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    return f"{max(months, 0)} mo"


def format_decimal(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 67.50 -> "67.5", 70.00 -> "70"."""
    return decimal_text(value)


def count_of(count: int, noun: str) -> str:
    """ "1 patient", "1,000 sessions" (nouns that take an -s)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def format_pain(value: int | None) -> str:
    """A 0-10 score, or an en dash when it was not recorded."""
    return "–" if value is None else str(value)
