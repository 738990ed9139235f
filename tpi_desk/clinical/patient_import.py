"""Patients in from a spreadsheet (issue 15 item 4): which column is which, and each row read
into a patient's facts, or the problems naming its row and column in plain words.

Headers are recognised by their usual names ("Last Name", "DOB", "Gender", "Medical Record
Number"...), compared without case, spaces or punctuation. Dates are read in any common
form (``clinical.date_reading``), in the order that reads most of the column. Rows are
numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from tpi_desk.clinical.date_reading import DateOrder, guess_date_order, read_written_date
from tpi_desk.clinical.record import Coverage, PatientFacts, Sex
from tpi_desk.clinical.validation import validate_patient

# Each field, its name in plain words, and the headers that mean it (compared folded).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mrn": ("MRN", ("mrn", "medical record number", "medical record no", "record number",
                    "patient id", "patient number", "chart number", "chart no", "mr number")),
    "family_name": ("Family name", ("family name", "last name", "surname", "last", "lname",
                                    "family")),
    "given_name": ("Given name", ("given name", "first name", "forename", "first", "fname",
                                  "given")),
    "date_of_birth": ("Date of birth", ("date of birth", "dob", "birth date", "birthdate",
                                        "born", "birthday")),
    "sex": ("Sex", ("sex", "gender", "sex at birth", "administrative gender")),
    "weight_kg": ("Weight (kg)", ("weight kg", "weight", "weight in kg", "body weight")),
    "allergies": ("Allergies", ("allergies", "allergy", "drug allergies", "allergy list")),
    "coverage": ("Coverage", ("coverage", "payer type", "insurance type", "coverage type")),
}  # fmt: skip
Choice = TypeVar("Choice", Sex, Coverage)
REQUIRED = ("mrn", "family_name", "given_name", "date_of_birth")
_SEXES = {
    Sex.FEMALE: ("f", "female", "woman", "w"),
    Sex.MALE: ("m", "male", "man"),
    Sex.OTHER: ("o", "other", "x", "nonbinary", "non binary", "diverse"),
    Sex.UNKNOWN: ("", "u", "unknown", "unk", "not stated", "prefer not to say"),
}
_COVERAGES = {
    Coverage.MEDICARE: ("medicare", "medicare part b"),
    Coverage.MEDICARE_ADVANTAGE: ("medicare advantage", "medicare part c", "ma"),
    Coverage.MEDICAID: ("medicaid",),
    Coverage.COMMERCIAL: ("commercial", "private", "private insurance", "hmo", "ppo"),
    Coverage.WORKERS_COMPENSATION: ("workers compensation", "workers comp", "work comp"),
    Coverage.SELF_PAY: ("self pay", "selfpay", "cash", "uninsured"),
    Coverage.UNKNOWN: ("", "unknown"),
}
COVERAGE_WORDS = "Medicare, Medicare Advantage, Medicaid, commercial, workers comp or self pay"
NO_KNOWN_ALLERGIES = ("nkda", "nka", "none", "no known allergies", "no known drug allergies")
POUNDS_TO_KG = Decimal("0.45359237")
_ALLERGY_SEPARATORS = re.compile(r"[;|,]")
_NUMBER_AND_UNIT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(kg|kgs|lb|lbs|pounds?)?", re.I)


def folded(text: str) -> str:
    """``"Date_of-Birth "`` -> ``"date of birth"``: lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which header of the file holds each field (fields absent from the file are left out),
    the headers nobody reads, and the order the date column is read in."""

    columns: Mapping[str, str]  # field -> header as written in the file
    unused: tuple[str, ...]
    date_order: DateOrder = DateOrder.MONTH_DAY_YEAR

    def missing(self) -> tuple[str, ...]:
        """The required fields no header names."""
        return tuple(name for name in REQUIRED if name not in self.columns)

    def lines(self) -> list[str]:
        """The mapping in plain words, one line per field (shown by the dry run)."""
        shown = [
            f"{label}: {self.columns[name]!r}" if name in self.columns else f"{label}: (none)"
            for name, (label, _) in FIELDS.items()
        ]
        if "date_of_birth" in self.columns:
            shown.append(f"Dates read as {_ORDER_WORDS[self.date_order]}")
        if self.unused:
            shown.append("Not imported: " + ", ".join(repr(header) for header in self.unused))
        return shown


_ORDER_WORDS = {
    DateOrder.MONTH_DAY_YEAR: "month/day/year",
    DateOrder.DAY_MONTH_YEAR: "day/month/year",
    DateOrder.YEAR_MONTH_DAY: "year-month-day",
}


def map_columns(
    headers: Sequence[str],
    date_texts: Sequence[str] = (),
    *,
    today: date,
    preferred_order: DateOrder = DateOrder.MONTH_DAY_YEAR,
) -> ColumnMapping:
    """Each field's header (the first that means it); the date order from ``date_texts``."""
    aliases = {alias: name for name, (_, names) in FIELDS.items() for alias in names}
    columns: dict[str, str] = {}
    unused = []
    for header in headers:
        name = aliases.get(folded(header))
        if name is None or name in columns:
            unused.append(header)
        else:
            columns[name] = header
    order = guess_date_order(list(date_texts), today, preferred_order)
    return ColumnMapping(columns, tuple(unused), order)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row: its number (header = row 1), its column, in plain words."""

    row: int
    column: str
    message: str
    where: str = "row"  # "entry" in a FHIR Bundle

    def text(self) -> str:
        column = "column" if self.where == "row" else "field"
        return f"{self.where} {self.row}, {column} {self.column!r}: {self.message}"


@dataclass(frozen=True, slots=True)
class ReadRows:
    """The patients read from the file's rows, and the problems of the rows that were not."""

    patients: tuple[PatientFacts, ...] = ()
    rows: tuple[int, ...] = ()  # each patient's row number
    problems: tuple[RowProblem, ...] = field(default=())


def read_rows(
    mapping: ColumnMapping, rows: Sequence[Mapping[str, str]], *, today: date, first_row: int = 2
) -> ReadRows:
    """Every row as a patient; a problem per bad cell, and per MRN given twice."""
    patients: list[PatientFacts] = []
    numbers: list[int] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        facts, found = _read_row(mapping, row, number, today)
        if facts is not None:
            earlier = seen.get(facts.mrn.upper())
            if earlier is not None:
                again = f"MRN {facts.mrn} is also on row {earlier}; keep one row per patient"
                found.append(RowProblem(number, mapping.columns["mrn"], again))
            seen.setdefault(facts.mrn.upper(), number)
        problems += found
        if facts is not None and not found:
            patients.append(facts)
            numbers.append(number)
    return ReadRows(tuple(patients), tuple(numbers), tuple(problems))


def _read_row(
    mapping: ColumnMapping, row: Mapping[str, str], number: int, today: date
) -> tuple[PatientFacts | None, list[RowProblem]]:
    columns = mapping.columns
    problems: list[RowProblem] = []

    def cell(name: str) -> str:
        header = columns.get(name)
        return (row.get(header) or "").strip() if header is not None else ""

    def bad(name: str, message: str) -> None:
        problems.append(RowProblem(number, columns.get(name, FIELDS[name][0]), message))

    born_text = cell("date_of_birth")
    born = read_written_date(born_text, mapping.date_order, today) if born_text else None
    if born is None:
        bad("date_of_birth", f"{born_text!r} is not a date" if born_text else "is empty")
    sex = _choice(_SEXES, cell("sex"))
    if sex is None:
        bad("sex", f"{cell('sex')!r} is not a sex: write female, male, other or unknown")
    coverage = _choice(_COVERAGES, cell("coverage"))
    if coverage is None:
        bad("coverage", f"{cell('coverage')!r} is not a coverage: write {COVERAGE_WORDS}")
    weight, weight_problem = _weight(cell("weight_kg"))
    if weight_problem:
        bad("weight_kg", weight_problem)
    allergies_text = cell("allergies")
    no_known = folded(allergies_text) in NO_KNOWN_ALLERGIES
    allergies = () if no_known else _allergies(allergies_text)
    if born is None or sex is None or coverage is None or weight_problem:
        return None, problems
    facts = PatientFacts(
        mrn=cell("mrn"),
        family_name=cell("family_name"),
        given_name=cell("given_name"),
        date_of_birth=born,
        sex=sex,
        weight_kg=weight,
        allergies=allergies,
        no_known_drug_allergies=no_known,
        coverage=coverage,
    )
    for found in validate_patient(facts, today=today):
        name = found.path.removeprefix("patient.").split("[")[0].split(".")[0]
        bad(name if name in FIELDS else "mrn", found.message)
    return facts, problems


def _choice(choices: Mapping[Choice, tuple[str, ...]], text: str) -> Choice | None:
    wanted = folded(text)
    return next((value for value, words in choices.items() if wanted in words), None)


def _weight(text: str) -> tuple[Decimal | None, str]:
    """(kg, "") or (None, the problem); pounds are converted, to two decimals."""
    if not text:
        return None, ""
    match = _NUMBER_AND_UNIT.fullmatch(text.strip())
    if match is None:
        return None, f"{text!r} is not a weight: write kilograms, e.g. 72.5 (or 160 lb)"
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None, f"{text!r} is not a weight"
    unit = (match.group(2) or "kg").lower()
    if unit.startswith(("lb", "pound")):
        value = (value * POUNDS_TO_KG).quantize(Decimal("0.01"))
    return value, ""


def _allergies(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _ALLERGY_SEPARATORS.split(text) if part.strip())
