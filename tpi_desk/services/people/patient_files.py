"""Reading a file of patients to import: a CSV (any common headers and dates) or a FHIR R4
``Bundle`` of ``Patient`` resources (JSON, validated with the ``fhir.resources`` R4B model).

Nothing is written here: the result says how the file was read (the column mapping), the
patients read, and every problem with its row (or Bundle entry) and column (or field).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tpi_desk.clinical.patient_import import (
    ColumnMapping,
    ReadRows,
    RowProblem,
    map_columns,
    read_rows,
)
from tpi_desk.clinical.record import PatientFacts, Sex
from tpi_desk.clinical.validation import validate_patient
from tpi_desk.services.errors import UserError

MAX_FILE_BYTES = 100_000_000
FHIR_MAPPING = ColumnMapping(
    {
        "mrn": "Patient.identifier (type MR, else the first)",
        "family_name": "Patient.name.family (official name, else the first)",
        "given_name": "Patient.name.given",
        "date_of_birth": "Patient.birthDate",
        "sex": "Patient.gender",
    },
    (),
)
_GENDERS = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER, "unknown": Sex.UNKNOWN}


@dataclass(frozen=True, slots=True)
class PatientFile:
    """One file read: its kind, how its columns map, the first rows as written, and what was
    read from them."""

    name: str
    kind: str  # "CSV" or "FHIR Bundle"
    mapping: ColumnMapping
    read: ReadRows
    headers: tuple[str, ...] = ()
    first_rows: tuple[tuple[str, ...], ...] = field(default=())
    row_count: int = 0

    @property
    def problems(self) -> tuple[RowProblem, ...]:
        return self.read.problems


def read_patient_file(path: Path, *, today: date, preview_rows: int = 10) -> PatientFile:
    """The patients in ``path`` (JSON: a FHIR Bundle; anything else: CSV). A file that cannot
    be read at all is a UserError saying why."""
    text = _text(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_bundle(path.name, text, today)
    return _read_csv(path.name, text, today, preview_rows)


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"{path} is larger than 100 MB; split it into smaller files.")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a file of patients.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as CSV UTF-8.") from None
    except OSError as error:
        raise UserError(f"{path} cannot be read ({error.strerror or error}).") from None


def _read_csv(name: str, text: str, today: date, preview_rows: int) -> PatientFile:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    headers = tuple(header.strip() for header in reader.fieldnames or ())
    if not headers:
        raise UserError(f"{name} is empty: the first line must name the columns.")
    reader.fieldnames = list(headers)
    try:
        rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as error:
        raise UserError(f"{name}, row {reader.line_num}: not CSV ({error}).") from None
    date_header = map_columns(headers, today=today).columns.get("date_of_birth")
    dates = [row.get(date_header, "") for row in rows] if date_header else []
    mapping = map_columns(headers, dates, today=today)
    missing = [f"'{_LABELS[name]}'" for name in mapping.missing()]
    read = ReadRows(
        problems=(
            RowProblem(1, ", ".join(missing), "no column holds this; name the column "
                       "with its usual header (e.g. MRN, Last Name, First Name, DOB)"),
        )
    ) if missing else read_rows(mapping, rows, today=today)  # fmt: skip
    preview = tuple(tuple(row.get(h, "") for h in headers) for row in rows[:preview_rows])
    return PatientFile(name, "CSV", mapping, read, headers, preview, len(rows))


_LABELS = {
    "mrn": "MRN",
    "family_name": "Family name",
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
}


def _read_bundle(name: str, text: str, today: date) -> PatientFile:
    from fhir.resources.R4B.bundle import Bundle  # a second or so to import: only for FHIR
    from pydantic import ValidationError

    try:
        kind = json.loads(text).get("resourceType")
    except (json.JSONDecodeError, AttributeError):
        raise UserError(f"{name} is not JSON; a FHIR file is a Bundle of Patients.") from None
    if kind != "Bundle":
        raise UserError(f"{name} holds a FHIR {kind or 'document'}, not a Bundle of Patients.")
    try:
        bundle = Bundle.model_validate_json(text)
    except ValidationError as invalid:
        problems = tuple(_fhir_problem(error) for error in invalid.errors())
        return PatientFile(name, "FHIR Bundle", FHIR_MAPPING, ReadRows(problems=problems))
    patients: list[PatientFacts] = []
    numbers: list[int] = []
    problems_found: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(bundle.entry or (), start=1):
        facts, found = _patient(entry.resource, number, today)
        if facts is not None:
            earlier = seen.setdefault(facts.mrn.upper(), number)
            if earlier != number:
                again = f"MRN {facts.mrn} is also in entry {earlier}; keep one per patient"
                found.append(RowProblem(number, "Patient.identifier", again, "entry"))
        problems_found += found
        if facts is not None and not found:
            patients.append(facts)
            numbers.append(number)
    read = ReadRows(tuple(patients), tuple(numbers), tuple(problems_found))
    count = len(bundle.entry or ())
    return PatientFile(name, "FHIR Bundle", FHIR_MAPPING, read, row_count=count)


def _fhir_problem(error: Any) -> RowProblem:
    location = list(error.get("loc", ()))
    number = 0
    if len(location) > 1 and location[0] == "entry" and isinstance(location[1], int):
        number = location[1] + 1
        location = location[3:] if len(location) > 2 and location[2] == "resource" else location[2:]
    path = ".".join(str(part) for part in location if not isinstance(part, int))
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return RowProblem(number, f"Patient.{path}" if path else "Patient", message, "entry")


def _patient(
    resource: Any, number: int, today: date
) -> tuple[PatientFacts | None, list[RowProblem]]:
    def problem(column: str, message: str) -> RowProblem:
        return RowProblem(number, column, message, "entry")

    kind = getattr(resource, "__resource_type__", type(resource).__name__)
    if kind != "Patient":
        return None, [problem("resourceType", f"is {kind}; only Patient resources are imported")]
    identifiers = list(resource.identifier or ())
    medical_record = next(
        (i for i in identifiers if i.type and any(c.code == "MR" for c in i.type.coding or ())),
        identifiers[0] if identifiers else None,
    )
    names = list(resource.name or ())
    official = next((n for n in names if n.use == "official"), names[0] if names else None)
    found = []
    mrn = (medical_record.value or "").strip() if medical_record is not None else ""
    if not mrn:
        found.append(problem("Patient.identifier", "no MRN: give an identifier of type MR"))
    if resource.birthDate is None:
        found.append(problem("Patient.birthDate", "is missing"))
    if found:
        return None, found
    facts = PatientFacts(
        mrn=mrn,
        family_name=(official.family or "").strip() if official else "",
        given_name=" ".join(official.given or ()).strip() if official else "",
        date_of_birth=resource.birthDate,
        sex=_GENDERS.get(resource.gender or "unknown", Sex.UNKNOWN),
    )
    for invalid in validate_patient(facts, today=today):
        column = FHIR_MAPPING.columns.get(invalid.path.removeprefix("patient."), "Patient")
        found.append(problem(column.split(" ")[0], invalid.message))
    return facts, found
