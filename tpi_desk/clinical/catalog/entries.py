"""The catalog's entries: muscles, drugs, excipients, codes, payer rules and their sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tpi_desk.clinical.record import ProcedureKind

REGIONS = (
    "jaw",
    "cervical",
    "scapular",
    "thoracic",
    "lumbar",
    "gluteal",
    "upper_limb",
    "lower_limb",
)
BODY_MAP_VIEWS = ("front", "back")


class CatalogError(Exception):
    """The catalog data is missing or malformed; the message names the file and the entry."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        where = f"{file}, {entry}" if entry else file
        super().__init__(f"Catalog file {where}: {problem}")
        self.file = file
        self.entry = entry
        self.problem = problem


class DrugClass(StrEnum):
    LOCAL_ANAESTHETIC = "local_anaesthetic"
    CORTICOSTEROID = "corticosteroid"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Muscle:
    id: str
    name: str
    group: str
    region: str
    pneumothorax_risk: bool
    views: tuple[str, ...]
    # A midline muscle has no left or right (none of the paired muscles): only it may be
    # documented with the side "midline".
    midline: bool = False
    # The SNOMED CT body-structure concept of the muscle ("" when none was verified: FHIR
    # exports then code the site by its name alone), its term and where it was checked.
    snomed: str = ""
    snomed_term: str = ""
    snomed_source: str = ""


@dataclass(frozen=True, slots=True)
class Drug:
    id: str
    name: str
    drug_class: DrugClass
    concentrations_mg_per_ml: tuple[Decimal, ...]
    max_mg_per_kg: Decimal | None = None
    max_total_mg: Decimal | None = None
    max_mg_per_site: Decimal | None = None
    hcpcs_code: str | None = None
    hcpcs_unit_mg: Decimal | None = None
    allergy_class: str | None = None
    single_dose_container: bool = False
    excipients: tuple[str, ...] = ()  # names of ``Catalog.excipients`` the usual vial holds
    synonyms: tuple[str, ...] = ()  # brand names an allergy may name it by ("Xylocaine")
    # Corticosteroids: the mg of this drug equivalent to the reference steroid dose.
    steroid_equivalent_mg: Decimal | None = None

    @property
    def is_local_anaesthetic(self) -> bool:
        return self.drug_class is DrugClass.LOCAL_ANAESTHETIC

    @property
    def is_corticosteroid(self) -> bool:
        return self.drug_class is DrugClass.CORTICOSTEROID


@dataclass(frozen=True, slots=True)
class Excipient:
    """An ingredient besides the drug that patients can be allergic to (a preservative, an
    antioxidant); ``allergy_terms`` are the words an allergy names it by ("sulfite"), a
    phrase matching when all its words are in the allergy."""

    name: str
    allergy_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CptCode:
    """A CPT code; procedure codes say which kind and how many distinct muscles they cover."""

    code: str
    descriptor: str
    note: str = ""
    procedure_kind: ProcedureKind | None = None
    min_muscles: int | None = None
    max_muscles: int | None = None
    ultrasound_guidance: bool = False
    reportable_with: tuple[str, ...] = ()

    def covers(self, kind: ProcedureKind, muscle_count: int) -> bool:
        """True if this is the procedure code for ``muscle_count`` distinct muscles of ``kind``."""
        if self.procedure_kind is not kind or self.min_muscles is None:
            return False
        if muscle_count < self.min_muscles:
            return False
        return self.max_muscles is None or muscle_count <= self.max_muscles


@dataclass(frozen=True, slots=True)
class Icd10Code:
    code: str
    descriptor: str
    tpi_lcd_covered: bool
    billable: bool
    synonyms: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class PayerRules:
    """Limits of the Medicare TPI LCDs, checked as warnings."""

    lcd_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    applies_to: frozenset[ProcedureKind]
    max_sessions_rolling_12_months: int
    min_days_between_same_muscle: int
    max_regions_per_session: int
    ultrasound_guidance_covered: bool
    covered_diagnoses: frozenset[str]
    effective_date: date


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """A catalog file's ``[meta]``: its source and the date the data was checked against it."""

    file: str
    source: str
    as_of: date
    description: str = ""
