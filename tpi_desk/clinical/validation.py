"""Values that can never be saved, each named by its document path and a plain label."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    SiteEntry,
)
from tpi_desk.clinical.session_shape import field_labels

PAIN_RANGE = (0, 10)
POINTS_RANGE = (1, 50)
NEEDLE_GAUGE_RANGE = (18, 34)
MAX_NEEDLE_LENGTH_MM = Decimal(150)
MAX_CONCENTRATION_MG_PER_ML = Decimal(1000)
MAX_VOLUME_ML = Decimal(50)
MAX_LOT_LENGTH = 40
MAX_NAME_LENGTH = 100
MAX_MRN_LENGTH = 32
MAX_CREDENTIALS_LENGTH = 50
MAX_LIST_ITEM_LENGTH = 200
EARLIEST_BIRTH_YEAR = 1900
WEIGHT_RANGE_KG = (Decimal("0.5"), Decimal(500))
# Decimal places the database keeps (the columns' scales): more would be rounded silently.
WEIGHT_PLACES = 2
NEEDLE_LENGTH_PLACES = 1
DOSE_PLACES = 3
# Longest accepted free text, by document path.
TEXT_LIMITS = {
    "notes": 20_000,
    "instructions": 5_000,
    "follow_up": 2_000,
    "ultrasound.device": 200,
}
MRN_PATTERN = re.compile(r"[A-Za-z0-9-]+")
USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]{1,31}")
NPI_PATTERN = re.compile(r"[0-9]{10}")
# The NPI check digit is the Luhn digit of the number prefixed with 80840 (ISO 7812 card issuer
# prefix for US health applications).
NPI_LUHN_PREFIX = "80840"

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
}
_SEGMENT = re.compile(r"(?P<name>[A-Za-z_]+)(?:\[(?P<index>\d+)\])?")


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


def describe_site(site: SiteEntry, index: int, catalog: Catalog) -> str:
    """One site in plain words for messages, e.g. "Site 2 (Upper trapezius, left)"."""
    muscle = catalog.muscles.get(site.muscle_id)
    name = muscle.name if muscle is not None else site.muscle_id
    return f"Site {index + 1} ({name}, {site.side.value})"


def _problem(path: str, message: str) -> FieldProblem:
    return FieldProblem(path, field_label(path), message)


def _range(
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
        yield _problem(path, "must be a number")
    elif not low <= value <= high:
        yield _problem(path, f"must be between {low} and {high}")
    elif isinstance(value, Decimal):
        yield from _places(path, value, places)


def _positive_at_most(
    path: str, value: Decimal | None, high: Decimal, *, places: int
) -> Iterator[FieldProblem]:
    if value is None:
        return
    if not value.is_finite() or value <= 0:
        yield _problem(path, "must be greater than 0")
    elif value > high:
        yield _problem(path, f"must be at most {high}")
    else:
        yield from _places(path, value, places)


def _places(path: str, value: Decimal, places: int) -> Iterator[FieldProblem]:
    """Refuse more decimal places than are stored, rather than let storage round silently."""
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        yield _problem(path, f"can have at most {places} decimal place{'s' if places > 1 else ''}")


def _length(path: str, text: str, limit: int) -> Iterator[FieldProblem]:
    if len(text) > limit:
        yield _problem(path, f"must be at most {limit:,} characters (it has {len(text):,})")


def _required_text(path: str, text: str, limit: int) -> Iterator[FieldProblem]:
    if not text.strip():
        yield _problem(path, "is required")
    else:
        yield from _length(path, text, limit)


def validate_entry(entry: SessionEntry, catalog: Catalog) -> tuple[FieldProblem, ...]:
    """Every value of ``entry`` that can never be saved (empty when all are acceptable)."""
    return (
        *_range("pain_before", entry.pain_before, *PAIN_RANGE),
        *_range("pain_after", entry.pain_after, *PAIN_RANGE),
        *_diagnosis_problems(entry, catalog),
        *(
            problem
            for index, site in enumerate(entry.sites)
            for problem in _site_problems(entry.kind, site, f"sites[{index}]", catalog)
        ),
        *_ultrasound_problems(entry),
        *(
            problem
            for path, text in _texts(entry).items()
            for problem in _length(path, text, TEXT_LIMITS[path])
        ),
        *_list_problems("side_effects", entry.side_effects),
        *_list_problems("complications", entry.complications),
        *_list_problems(
            "indication.conservative_care_tried", entry.indication.conservative_care_tried
        ),
        *_list_problems("indication.ongoing_care", entry.indication.ongoing_care),
    )


def _texts(entry: SessionEntry) -> dict[str, str]:
    """The entry's length-limited free texts, by document path."""
    return {
        "notes": entry.notes,
        "instructions": entry.instructions,
        "follow_up": entry.follow_up,
        "ultrasound.device": entry.ultrasound_device,
    }


def _diagnosis_problems(entry: SessionEntry, catalog: Catalog) -> Iterator[FieldProblem]:
    first_index: dict[str, int] = {}
    for index, code in enumerate(entry.diagnoses):
        path = f"diagnoses[{index}]"
        if code in first_index:
            yield _problem(path, f"{code} is already listed as diagnosis {first_index[code] + 1}")
            continue
        first_index[code] = index
        problem = catalog.icd10_problem(code)  # the whole ICD-10-CM code set
        if problem is not None:
            yield _problem(path, problem)


def _site_problems(
    kind: ProcedureKind, site: SiteEntry, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    if site.muscle_id not in catalog.muscles:
        yield _problem(f"{path}.muscle", f"{site.muscle_id!r} is not a muscle in the catalog")
    yield from _range(f"{path}.points", site.points, *POINTS_RANGE)
    yield from _range(f"{path}.needle_gauge", site.needle_gauge, *NEEDLE_GAUGE_RANGE)
    yield from _positive_at_most(
        f"{path}.needle_length_mm",
        site.needle_length_mm,
        MAX_NEEDLE_LENGTH_MM,
        places=NEEDLE_LENGTH_PLACES,
    )
    if kind is ProcedureKind.DRY_NEEDLING and site.medications:
        yield _problem(
            f"{path}.medications", "must be empty: dry-needling sites carry no medication"
        )
        return
    for index, medication in enumerate(site.medications):
        yield from _medication_problems(medication, f"{path}.medications[{index}]", catalog)


def _medication_problems(
    medication: MedicationEntry, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    if medication.drug_id not in catalog.drugs:
        yield _problem(f"{path}.drug", f"{medication.drug_id!r} is not a drug in the catalog")
    yield from _positive_at_most(
        f"{path}.concentration_mg_per_ml",
        medication.concentration_mg_per_ml,
        MAX_CONCENTRATION_MG_PER_ML,
        places=DOSE_PLACES,
    )
    yield from _positive_at_most(
        f"{path}.volume_ml", medication.volume_ml, MAX_VOLUME_ML, places=DOSE_PLACES
    )
    yield from _length(f"{path}.lot", medication.lot, MAX_LOT_LENGTH)


def _ultrasound_problems(entry: SessionEntry) -> Iterator[FieldProblem]:
    if entry.ultrasound_image_retained and not entry.ultrasound_guided:
        yield _problem("ultrasound.image_retained", "cannot be set without ultrasound guidance")


def _list_problems(path: str, items: tuple[str, ...]) -> Iterator[FieldProblem]:
    for index, item in enumerate(items):
        yield from _required_text(f"{path}[{index}]", item, MAX_LIST_ITEM_LENGTH)


def validate_patient(
    patient: PatientFacts, prefix: str = "patient", *, today: date | None = None
) -> tuple[FieldProblem, ...]:
    """Problems with a patient's identifying facts (``today`` defaults to the clock's date)."""
    problems = list(_required_text(f"{prefix}.mrn", patient.mrn, MAX_MRN_LENGTH))
    if patient.mrn.strip() and not MRN_PATTERN.fullmatch(patient.mrn):
        problems.append(_problem(f"{prefix}.mrn", "may contain only letters, digits and hyphens"))
    problems += _required_text(f"{prefix}.family_name", patient.family_name, MAX_NAME_LENGTH)
    problems += _required_text(f"{prefix}.given_name", patient.given_name, MAX_NAME_LENGTH)
    today = today or date.today()
    if patient.date_of_birth > today:
        problems.append(_problem(f"{prefix}.date_of_birth", "cannot be in the future"))
    elif patient.date_of_birth.year < EARLIEST_BIRTH_YEAR:
        problems.append(
            _problem(f"{prefix}.date_of_birth", f"must be in {EARLIEST_BIRTH_YEAR} or later")
        )
    problems += _range(
        f"{prefix}.weight_kg", patient.weight_kg, *WEIGHT_RANGE_KG, places=WEIGHT_PLACES
    )
    for index, allergy in enumerate(patient.allergies):
        problems += _required_text(f"{prefix}.allergies[{index}]", allergy, MAX_LIST_ITEM_LENGTH)
    return tuple(problems)


def npi_check_digit_valid(npi: str) -> bool:
    """The Luhn check over "80840" + the 10-digit NPI (CMS NPI check digit standard)."""
    if not NPI_PATTERN.fullmatch(npi):
        return False
    total = 0
    for position, char in enumerate(reversed(NPI_LUHN_PREFIX + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_provider(
    provider: ProviderFacts, prefix: str = "provider"
) -> tuple[FieldProblem, ...]:
    """Problems with a provider's login name, display name, credentials and NPI."""
    problems = []
    if not USERNAME_PATTERN.fullmatch(provider.username):
        problems.append(
            _problem(
                f"{prefix}.username",
                "must be 2 to 32 letters, digits, dots, hyphens or underscores, "
                "starting with a letter",
            )
        )
    problems += _required_text(f"{prefix}.display_name", provider.display_name, MAX_NAME_LENGTH)
    problems += _required_text(
        f"{prefix}.credentials", provider.credentials, MAX_CREDENTIALS_LENGTH
    )
    if provider.npi:
        if not NPI_PATTERN.fullmatch(provider.npi):
            problems.append(_problem(f"{prefix}.npi", "must be 10 digits"))
        elif not npi_check_digit_valid(provider.npi):
            problems.append(_problem(f"{prefix}.npi", "has an invalid check digit"))
    return tuple(problems)
