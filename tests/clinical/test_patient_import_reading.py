"""Reading a spreadsheet of patients (issue 15 item 4): headers practice-management exports
use, dates in the forms files hold them, and the values of sex, weight and allergies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tpi_desk.clinical.date_reading import DateOrder, guess_date_order, read_written_date
from tpi_desk.clinical.patient_import import map_columns, read_rows
from tpi_desk.clinical.record import Coverage, Sex

TODAY = date(2026, 12, 7)
MDY = DateOrder.MONTH_DAY_YEAR


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1968-03-14", MDY, date(1968, 3, 14)),  # ISO 8601, FHIR birthDate
        ("1968-03-14T00:00:00", MDY, date(1968, 3, 14)),  # spreadsheet date-times
        ("03/14/1968", MDY, date(1968, 3, 14)),  # US exports
        ("3/14/68", MDY, date(1968, 3, 14)),  # US short year
        ("14/03/1968", DateOrder.DAY_MONTH_YEAR, date(1968, 3, 14)),  # UK, most of Europe
        ("14.03.1968", DateOrder.DAY_MONTH_YEAR, date(1968, 3, 14)),  # Germany, Poland
        ("14 Mar 1968", MDY, date(1968, 3, 14)),  # month abbreviated
        ("March 14, 1968", MDY, date(1968, 3, 14)),  # month written out
        ("14-Mar-68", MDY, date(1968, 3, 14)),  # spreadsheet "d-mmm-yy"
        ("14/03/1968", MDY, None),  # no 14th month
        ("Smarch 14, 1968", MDY, None),
        ("", MDY, None),
    ],
)
def test_dates_in_the_forms_files_hold_them(
    text: str, order: DateOrder, expected: date | None
) -> None:
    assert read_written_date(text, order, TODAY) == expected


def test_the_column_decides_day_or_month_first() -> None:
    assert guess_date_order(["01/02/1970", "25/12/1970"], TODAY, MDY) is DateOrder.DAY_MONTH_YEAR
    assert guess_date_order(["01/02/1970", "12/25/1970"], TODAY, MDY) is MDY
    assert guess_date_order(["01/02/1970"], TODAY, MDY) is MDY  # a tie: the preferred


@pytest.mark.parametrize(
    ("headers", "field", "header"),
    [
        (["Patient ID", "Last Name", "First Name", "DOB"], "mrn", "Patient ID"),  # PM exports
        (["Medical Record Number"], "mrn", "Medical Record Number"),
        (["MRN", "Surname", "Forename"], "family_name", "Surname"),  # UK usage
        (["family_name", "given_name", "date_of_birth"], "date_of_birth", "date_of_birth"),
        (["Birth Date"], "date_of_birth", "Birth Date"),
        (["Gender"], "sex", "Gender"),
        (["Weight (kg)"], "weight_kg", "Weight (kg)"),
        (["Insurance Type"], "coverage", "Insurance Type"),
    ],
)
def test_common_headers_are_recognised(headers: list[str], field: str, header: str) -> None:
    assert map_columns(headers, today=TODAY).columns[field] == header


def test_unknown_and_repeated_headers_are_listed_as_not_imported() -> None:
    mapping = map_columns(["MRN", "Record Number", "Notes"], today=TODAY)
    assert mapping.unused == ("Record Number", "Notes")
    assert mapping.missing() == ("family_name", "given_name", "date_of_birth")


@pytest.mark.parametrize(
    ("cells", "sex", "weight", "allergies", "nkda", "coverage"),
    [
        ({"Sex": "F", "Weight": "72.5"}, Sex.FEMALE, Decimal("72.5"), (), False, Coverage.UNKNOWN),
        ({"Sex": "Male", "Weight": "160 lb"}, Sex.MALE, Decimal("72.57"), (), False,
         Coverage.UNKNOWN),
        ({"Sex": "x", "Allergies": "latex; sulfa"}, Sex.OTHER, None, ("latex", "sulfa"), False,
         Coverage.UNKNOWN),
        ({"Allergies": "NKDA", "Coverage": "Workers Comp"}, Sex.UNKNOWN, None, (), True,
         Coverage.WORKERS_COMPENSATION),
        ({"Coverage": "Medicare Advantage"}, Sex.UNKNOWN, None, (), False,
         Coverage.MEDICARE_ADVANTAGE),
    ],
)  # fmt: skip
def test_values_are_read_in_plain_words(
    cells: dict[str, str],
    sex: Sex,
    weight: Decimal | None,
    allergies: tuple[str, ...],
    nkda: bool,
    coverage: Coverage,
) -> None:
    headers = ["MRN", "Last Name", "First Name", "DOB", "Sex", "Weight", "Allergies", "Coverage"]
    row = {"MRN": "SYN-1", "Last Name": "Ñúñez", "First Name": "Zoë", "DOB": "1979-04-02"}
    read = read_rows(map_columns(headers, today=TODAY), [row | cells], today=TODAY)
    assert read.problems == ()
    facts = read.patients[0]
    assert (facts.sex, facts.weight_kg, facts.allergies) == (sex, weight, allergies)
    assert (facts.no_known_drug_allergies, facts.coverage) == (nkda, coverage)
