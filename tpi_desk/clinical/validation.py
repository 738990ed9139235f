"""Values that can never be saved, each named by its document path and a plain label."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.documentation_checks import (
    documentation_problems,
    medication_documentation_problems,
    side_problems,
)
from tpi_desk.clinical.field_problems import (
    field_label,
    in_range,
    length_problems,
    positive_at_most,
    problem,
    required_text,
)
from tpi_desk.clinical.insurance_checks import insurance_problems
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import (
    MedicationEntry,
    PatientFacts,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    SiteEntry,
)
from tpi_desk.clinical.text_safety import code_point, first_hidden_character
from tpi_desk.clinical.ultrasound_images import MAX_IMAGES_PER_SESSION

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
# Sessions are performed in these years; the document reader refuses dates outside them too.
SESSION_YEARS = (1900, 2100)
# A session is a handful of sites, each with a few drugs (issue 13: bounded work per save).
MAX_SITES = 50
MAX_MEDICATIONS_PER_SITE = 10
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
    "ultrasound.interpretation": 2_000,
    "location.name": 200,
    "consent.witness": 100,
    "chaperone": 100,
    "override_reason": 2_000,
}
MRN_PATTERN = re.compile(r"[A-Za-z0-9-]+")
USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]{1,31}")
NPI_PATTERN = re.compile(r"[0-9]{10}")
# The NPI check digit is the Luhn digit of the number prefixed with 80840 (ISO 7812 card issuer
# prefix for US health applications).
NPI_LUHN_PREFIX = "80840"

__all__ = [
    "describe_site",
    "field_label",
    "name_problems",
    "npi_check_digit_valid",
    "validate_entry",
    "validate_patient",
    "validate_provider",
]


def describe_site(site: SiteEntry, index: int, catalog: Catalog) -> str:
    """One site in plain words for messages, e.g. "Site 2 (Upper trapezius, left)"."""
    muscle = catalog.muscles.get(site.muscle_id)
    name = muscle.name if muscle is not None else site.muscle_id
    return f"Site {index + 1} ({name}, {site.side.value})"


def validate_entry(entry: SessionEntry, catalog: Catalog) -> tuple[FieldProblem, ...]:
    """Every value of ``entry`` that can never be saved (empty when all are acceptable)."""
    return (
        *_performed_at_problems(entry),
        *_procedure_time_problems(entry),
        *in_range("pain_before", entry.pain_before, *PAIN_RANGE),
        *in_range("pain_after", entry.pain_after, *PAIN_RANGE),
        *_diagnosis_problems(entry, catalog),
        *_sites_problems(entry, catalog),
        *_ultrasound_problems(entry),
        *(
            found
            for path, text in _texts(entry).items()
            for found in length_problems(path, text, TEXT_LIMITS[path])
        ),
        *_list_problems("side_effects", entry.side_effects),
        *_list_problems("complications", entry.complications),
        *_list_problems(
            "indication.conservative_care_tried", entry.indication.conservative_care_tried
        ),
        *_list_problems("indication.ongoing_care", entry.indication.ongoing_care),
        *documentation_problems(entry, catalog),
    )


def _texts(entry: SessionEntry) -> dict[str, str]:
    """The entry's length-limited free texts, by document path."""
    return {
        "notes": entry.notes,
        "instructions": entry.instructions,
        "follow_up": entry.follow_up,
        "ultrasound.device": entry.ultrasound_device,
        "ultrasound.interpretation": entry.ultrasound_interpretation,
        "location.name": entry.location_name,
        "consent.witness": entry.consent_witness,
        "chaperone": entry.chaperone,
        "override_reason": entry.override_reason,
    }


def _performed_at_problems(entry: SessionEntry) -> Iterator[FieldProblem]:
    first, last = SESSION_YEARS
    if not first <= entry.performed_at.year <= last:
        yield problem("performed_at", f"must be in the years {first} to {last}")


def _procedure_time_problems(entry: SessionEntry) -> Iterator[FieldProblem]:
    """The end, when both are recorded, comes after the start. Both are times of day on the
    session's own date and clock, so a procedure cannot run past midnight."""
    started, ended = entry.procedure_started, entry.procedure_ended
    if started is not None and ended is not None and ended <= started:
        yield problem(
            "procedure_time.ended",
            f"must be after the start time {started.isoformat('minutes')} "
            "(both are on the session's date)",
        )


def _sites_problems(entry: SessionEntry, catalog: Catalog) -> Iterator[FieldProblem]:
    if len(entry.sites) > MAX_SITES:
        # One message instead of one per site: a session this large is refused as a whole.
        yield problem("sites", f"can have at most {MAX_SITES} sites (it has {len(entry.sites):,})")
        return
    for index, site in enumerate(entry.sites):
        yield from _site_problems(entry.kind, site, f"sites[{index}]", catalog)


def _diagnosis_problems(entry: SessionEntry, catalog: Catalog) -> Iterator[FieldProblem]:
    first_index: dict[str, int] = {}
    for index, code in enumerate(entry.diagnoses):
        path = f"diagnoses[{index}]"
        if code in first_index:
            yield problem(path, f"{code} is already listed as diagnosis {first_index[code] + 1}")
            continue
        first_index[code] = index
        icd10_problem = catalog.icd10_problem(code)  # the whole ICD-10-CM code set
        if icd10_problem is not None:
            yield problem(path, icd10_problem)


def _site_problems(
    kind: ProcedureKind, site: SiteEntry, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    if site.muscle_id not in catalog.muscles:
        yield problem(f"{path}.muscle", f"{site.muscle_id!r} is not a muscle in the catalog")
    yield from side_problems(site, f"{path}.side", catalog)
    yield from in_range(f"{path}.points", site.points, *POINTS_RANGE)
    yield from in_range(f"{path}.needle_gauge", site.needle_gauge, *NEEDLE_GAUGE_RANGE)
    yield from positive_at_most(
        f"{path}.needle_length_mm",
        site.needle_length_mm,
        MAX_NEEDLE_LENGTH_MM,
        places=NEEDLE_LENGTH_PLACES,
    )
    if len(site.medications) > MAX_MEDICATIONS_PER_SITE:
        yield problem(
            f"{path}.medications",
            f"can have at most {MAX_MEDICATIONS_PER_SITE} medications "
            f"(it has {len(site.medications):,})",
        )
        return
    if kind is ProcedureKind.DRY_NEEDLING and site.medications:
        yield problem(
            f"{path}.medications", "must be empty: dry-needling sites carry no medication"
        )
        return
    for index, medication in enumerate(site.medications):
        yield from _medication_problems(medication, f"{path}.medications[{index}]", catalog)


def _medication_problems(
    medication: MedicationEntry, path: str, catalog: Catalog
) -> Iterator[FieldProblem]:
    if medication.drug_id not in catalog.drugs:
        yield problem(f"{path}.drug", f"{medication.drug_id!r} is not a drug in the catalog")
    yield from positive_at_most(
        f"{path}.concentration_mg_per_ml",
        medication.concentration_mg_per_ml,
        MAX_CONCENTRATION_MG_PER_ML,
        places=DOSE_PLACES,
    )
    yield from positive_at_most(
        f"{path}.volume_ml", medication.volume_ml, MAX_VOLUME_ML, places=DOSE_PLACES
    )
    yield from length_problems(f"{path}.lot", medication.lot, MAX_LOT_LENGTH)
    yield from medication_documentation_problems(medication, path, catalog)


def _ultrasound_problems(entry: SessionEntry) -> Iterator[FieldProblem]:
    if entry.ultrasound_image_retained and not entry.ultrasound_guided:
        yield problem("ultrasound.image_retained", "cannot be set without ultrasound guidance")
    if entry.ultrasound_interpretation.strip() and not entry.ultrasound_guided:
        yield problem("ultrasound.interpretation", "cannot be recorded without ultrasound guidance")
    images = entry.ultrasound_images
    if images and not entry.ultrasound_guided:
        yield problem("ultrasound.images", "cannot be attached without ultrasound guidance")
    if len(images) > MAX_IMAGES_PER_SESSION:
        yield problem(
            "ultrasound.images",
            f"can hold at most {MAX_IMAGES_PER_SESSION} images (there are {len(images)})",
        )
    first_of: dict[str, int] = {}
    for index, image in enumerate(images):
        earlier = first_of.setdefault(image.sha256, index)
        if earlier != index:
            yield problem(
                f"ultrasound.images[{index}]", f"is the same image as image {earlier + 1}"
            )


def _list_problems(path: str, items: tuple[str, ...]) -> Iterator[FieldProblem]:
    for index, item in enumerate(items):
        yield from required_text(f"{path}[{index}]", item, MAX_LIST_ITEM_LENGTH)


def validate_patient(
    patient: PatientFacts, prefix: str = "patient", *, today: date | None = None
) -> tuple[FieldProblem, ...]:
    """Problems with a patient's identifying facts (``today`` defaults to the clock's date)."""
    problems = list(required_text(f"{prefix}.mrn", patient.mrn, MAX_MRN_LENGTH))
    if patient.mrn.strip() and not MRN_PATTERN.fullmatch(patient.mrn):
        problems.append(problem(f"{prefix}.mrn", "may contain only letters, digits and hyphens"))
    problems += name_problems(f"{prefix}.family_name", patient.family_name, MAX_NAME_LENGTH)
    problems += name_problems(f"{prefix}.given_name", patient.given_name, MAX_NAME_LENGTH)
    today = today or date.today()
    if patient.date_of_birth > today:
        problems.append(problem(f"{prefix}.date_of_birth", "cannot be in the future"))
    elif patient.date_of_birth.year < EARLIEST_BIRTH_YEAR:
        problems.append(
            problem(f"{prefix}.date_of_birth", f"must be in {EARLIEST_BIRTH_YEAR} or later")
        )
    problems += in_range(
        f"{prefix}.weight_kg", patient.weight_kg, *WEIGHT_RANGE_KG, places=WEIGHT_PLACES
    )
    for index, allergy in enumerate(patient.allergies):
        problems += required_text(f"{prefix}.allergies[{index}]", allergy, MAX_LIST_ITEM_LENGTH)
    if patient.no_known_drug_allergies and patient.allergies:
        problems.append(
            problem(
                f"{prefix}.no_known_drug_allergies",
                "cannot be true while allergies are listed",
            )
        )
    problems += insurance_problems(patient.insurance, f"{prefix}.insurance", today)
    return tuple(problems)


def name_problems(path: str, name: str, limit: int) -> Iterator[FieldProblem]:
    """A required one-line name: no control, bidi-override or lone surrogate characters,
    which would print disguised on a note, a terminal or a CSV (issue 13)."""
    hidden = first_hidden_character(name)
    if hidden is not None:
        yield problem(
            path,
            f"contains an invisible or control character ({code_point(hidden)}); "
            "type the name again without it",
        )
        return
    yield from required_text(path, name, limit)


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
            problem(
                f"{prefix}.username",
                "must be 2 to 32 letters, digits, dots, hyphens or underscores, "
                "starting with a letter",
            )
        )
    problems += name_problems(f"{prefix}.display_name", provider.display_name, MAX_NAME_LENGTH)
    problems += name_problems(f"{prefix}.credentials", provider.credentials, MAX_CREDENTIALS_LENGTH)
    if provider.npi:
        if not NPI_PATTERN.fullmatch(provider.npi):
            problems.append(problem(f"{prefix}.npi", "must be 10 digits"))
        elif not npi_check_digit_valid(provider.npi):
            problems.append(problem(f"{prefix}.npi", "has an invalid check digit"))
    return tuple(problems)
