"""The clinical catalog (muscles, drugs, codes, pick lists, payer rules) loaded from dated TOML."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from tpi_desk.clinical.record import Position, ProcedureKind
from tpi_desk.clinical.text_folding import fold

CATALOG_FILES = (
    "muscles.toml",
    "drugs.toml",
    "cpt.toml",
    "icd10.toml",
    "findings.toml",
    "payer_rules.toml",
)
REGIONS = ("cervical", "scapular", "thoracic", "lumbar", "gluteal", "upper_limb", "lower_limb")
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
    file: str
    source: str
    effective_date: date
    description: str = ""


@dataclass(frozen=True, eq=False)
class Catalog:
    """Everything the clinical rules look up; dicts keep the order of the TOML files."""

    muscles: Mapping[str, Muscle]
    drugs: Mapping[str, Drug]
    cpt: Mapping[str, CptCode]
    icd10: Mapping[str, Icd10Code]
    side_effects: Mapping[str, str]
    complications: Mapping[str, str]
    conservative_care_options: Mapping[str, str]
    position_labels: Mapping[Position, str]
    default_instructions: str
    chest_wall_instructions: str
    payer_rules: PayerRules
    sources: tuple[CatalogSource, ...]
    excipients: Mapping[str, Excipient] = field(default_factory=dict)

    def muscle(self, muscle_id: str) -> Muscle:
        return _lookup(self.muscles, muscle_id, "muscle")

    def drug(self, drug_id: str) -> Drug:
        return _lookup(self.drugs, drug_id, "drug")

    def cpt_code(self, code: str) -> CptCode:
        return _lookup(self.cpt, code, "CPT code")

    def icd10_code(self, code: str) -> Icd10Code:
        return _lookup(self.icd10, code, "ICD-10-CM code")

    def search_icd10(self, query: str) -> list[Icd10Code]:
        """Codes whose code starts with ``query`` (dots optional), then codes matching its words."""
        folded = fold(query)
        if not folded:
            return list(self.icd10.values())
        compact = folded.replace(".", "").replace(" ", "")
        by_code = [
            c for c in self.icd10.values() if fold(c.code).replace(".", "").startswith(compact)
        ]
        words = folded.split()
        by_words = [
            c
            for c in self.icd10.values()
            if c not in by_code and _all_words_in(words, (c.descriptor, *c.synonyms))
        ]
        return by_code + by_words

    def search_muscles(self, query: str) -> list[Muscle]:
        """Muscles whose name contains every word of ``query``; names starting with it first."""
        folded = fold(query)
        if not folded:
            return list(self.muscles.values())
        words = folded.split()
        found = [
            m
            for m in self.muscles.values()
            if _all_words_in(words, (m.name, m.group, m.region.replace("_", " ")))
        ]
        return sorted(found, key=lambda m: not fold(m.name).startswith(folded))


K = TypeVar("K")
V = TypeVar("V")


def _lookup(table: Mapping[K, V], key: K, kind: str) -> V:
    try:
        return table[key]
    except KeyError:
        raise KeyError(f"Unknown {kind} {key!r}: it is not in the catalog") from None


def _all_words_in(words: Iterable[str], texts: Iterable[str]) -> bool:
    haystack = " ".join(fold(text) for text in texts)
    return all(word in haystack for word in words)


# --- loading -------------------------------------------------------------------------------


class _Table:
    """One TOML table with typed getters that raise CatalogError naming file and entry."""

    def __init__(self, file: str, entry: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise CatalogError(file, entry, "must be a table")
        self.file = file
        self.entry = entry
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> CatalogError:
        return CatalogError(self.file, self.entry, problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(f"{key} is missing")
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(f"{key} must be a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false")
        return value

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(f"{key} must be a whole number of at least {minimum}")
        return value

    def optional_integer(self, key: str, *, minimum: int = 0) -> int | None:
        return self.integer(key, minimum=minimum) if key in self.data else None

    def positive_decimal(self, key: str) -> Decimal:
        return _positive_decimal(self, key, self.data.get(key))

    def optional_decimal(self, key: str) -> Decimal | None:
        return self.positive_decimal(key) if key in self.data else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{key} must be a list of non-empty strings")
        return tuple(value)

    def iso_date(self, key: str) -> date:
        value = self.data.get(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(self.text(key))
        except ValueError:
            raise self.fail(f"{key} must be an ISO date such as 2026-01-01") from None


def _positive_decimal(table: _Table, key: str, value: Any) -> Decimal:
    if isinstance(value, float):
        raise table.fail(f'{key} must be written as a string (e.g. "4.5"), not a float')
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise table.fail(f"{key} must be a number written as a string")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise table.fail(f"{key} is not a number: {value!r}") from None
    if not number.is_finite() or number <= 0:
        raise table.fail(f"{key} must be greater than 0")
    return number


def _read_file(directory: Path, name: str) -> tuple[dict[str, Any], CatalogSource]:
    path = directory / name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogError(name, None, "the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(name, None, f"not valid TOML ({error})") from None
    meta = _Table(name, "[meta]", data.get("meta"))
    source = CatalogSource(
        file=name,
        source=meta.text("source"),
        effective_date=meta.iso_date("effective_date"),
        description=meta.text("description", default=""),
    )
    return data, source


def _entries(data: dict[str, Any], file: str, key: str) -> list[_Table]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise CatalogError(file, None, f"needs at least one [[{key}]] entry")
    tables = []
    for index, item in enumerate(raw, start=1):
        name = (item.get("id") or item.get("code")) if isinstance(item, dict) else None
        tables.append(_Table(file, f"[[{key}]] #{index}" + (f" ({name})" if name else ""), item))
    return tables


def _unique(file: str, items: Iterable[tuple[str, V]]) -> dict[str, V]:
    result: dict[str, V] = {}
    for key, item in items:
        if key in result:
            raise CatalogError(file, key, "appears twice")
        result[key] = item
    return result


def _build(
    data: dict[str, Any],
    file: str,
    key: str,
    make: Callable[[_Table], V],
    ident: Callable[[V], str],
) -> dict[str, V]:
    items = [make(table) for table in _entries(data, file, key)]
    return _unique(file, ((ident(item), item) for item in items))


def _muscle(table: _Table) -> Muscle:
    region = table.text("region")
    if region not in REGIONS:
        raise table.fail(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    views = table.texts("views")
    if not views or not set(views) <= set(BODY_MAP_VIEWS):
        raise table.fail("views must list front and/or back")
    return Muscle(
        id=table.text("id"),
        name=table.text("name"),
        group=table.text("group"),
        region=region,
        pneumothorax_risk=table.flag("pneumothorax_risk"),
        views=views,
    )


def _drug(table: _Table) -> Drug:
    try:
        drug_class = DrugClass(table.text("class"))
    except ValueError:
        raise table.fail("class must be local_anaesthetic, corticosteroid or other") from None
    raw_concentrations = table.data.get("concentrations_mg_per_ml")
    if not isinstance(raw_concentrations, list) or not raw_concentrations:
        raise table.fail("concentrations_mg_per_ml must list at least one strength")
    concentrations = tuple(
        _positive_decimal(table, "concentrations_mg_per_ml", value) for value in raw_concentrations
    )
    hcpcs_code = table.optional_text("hcpcs_code")
    hcpcs_unit_mg = table.optional_decimal("hcpcs_unit_mg")
    if (hcpcs_code is None) != (hcpcs_unit_mg is None):
        raise table.fail("hcpcs_code and hcpcs_unit_mg go together")
    return Drug(
        id=table.text("id"),
        name=table.text("name"),
        drug_class=drug_class,
        concentrations_mg_per_ml=concentrations,
        max_mg_per_kg=table.optional_decimal("max_mg_per_kg"),
        max_total_mg=table.optional_decimal("max_total_mg"),
        max_mg_per_site=table.optional_decimal("max_mg_per_site"),
        hcpcs_code=hcpcs_code,
        hcpcs_unit_mg=hcpcs_unit_mg,
        allergy_class=table.optional_text("allergy_class"),
        single_dose_container=table.flag("single_dose_container", default=False),
        excipients=table.texts("excipients"),
    )


def _excipient(table: _Table) -> Excipient:
    terms = table.texts("allergy_terms")
    if not terms:
        raise table.fail("allergy_terms must name the excipient at least once")
    return Excipient(name=table.text("name"), allergy_terms=terms)


def _check_excipients(drugs: Mapping[str, Drug], excipients: Mapping[str, Excipient]) -> None:
    for drug in drugs.values():
        unknown = [name for name in drug.excipients if name not in excipients]
        if unknown:
            raise CatalogError(
                "drugs.toml", f"drug {drug.id}", f"unknown excipient(s): {', '.join(unknown)}"
            )


def _procedure_kind(table: _Table, value: str) -> ProcedureKind:
    try:
        return ProcedureKind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in ProcedureKind)
        raise table.fail(f"procedure kind must be one of {kinds}, not {value!r}") from None


def _cpt(table: _Table) -> CptCode:
    kind = table.optional_text("procedure_kind")
    return CptCode(
        code=table.text("code"),
        descriptor=table.text("descriptor"),
        note=table.text("note", default=""),
        procedure_kind=_procedure_kind(table, kind) if kind else None,
        min_muscles=table.optional_integer("min_muscles", minimum=1),
        max_muscles=table.optional_integer("max_muscles", minimum=1),
        ultrasound_guidance=table.flag("ultrasound_guidance", default=False),
        reportable_with=table.texts("reportable_with"),
    )


def _icd10(table: _Table) -> Icd10Code:
    return Icd10Code(
        code=table.text("code"),
        descriptor=table.text("descriptor"),
        tpi_lcd_covered=table.flag("tpi_lcd_covered"),
        billable=table.flag("billable"),
        synonyms=table.texts("synonyms"),
        note=table.text("note", default=""),
    )


def _labels(data: dict[str, Any], file: str, key: str) -> dict[str, str]:
    return _unique(file, ((t.text("id"), t.text("label")) for t in _entries(data, file, key)))


def _positions(data: dict[str, Any], file: str) -> dict[Position, str]:
    table = _Table(file, "[positions]", data.get("positions"))
    return {position: table.text(position.value) for position in Position}


def _payer_rules(
    data: dict[str, Any], source: CatalogSource, icd10: Mapping[str, Icd10Code]
) -> PayerRules:
    table = _Table(source.file, "[rules]", data.get("rules"))
    return PayerRules(
        lcd_ids=table.texts("lcd_ids"),
        article_ids=table.texts("article_ids"),
        applies_to=frozenset(_procedure_kind(table, k) for k in table.texts("applies_to")),
        max_sessions_rolling_12_months=table.integer("max_sessions_rolling_12_months", minimum=1),
        min_days_between_same_muscle=table.integer("min_days_between_same_muscle"),
        max_regions_per_session=table.integer("max_regions_per_session", minimum=1),
        ultrasound_guidance_covered=table.flag("ultrasound_guidance_covered"),
        covered_diagnoses=frozenset(code for code, c in icd10.items() if c.tpi_lcd_covered),
        effective_date=source.effective_date,
    )


def load_catalog(directory: Path) -> Catalog:
    """Read the six catalog files in ``directory``; raise CatalogError on any malformed entry."""
    loaded = {name: _read_file(directory, name) for name in CATALOG_FILES}
    muscles_data = loaded["muscles.toml"][0]
    drugs_data = loaded["drugs.toml"][0]
    cpt_data = loaded["cpt.toml"][0]
    icd10_data = loaded["icd10.toml"][0]
    findings_data, findings_source = loaded["findings.toml"]
    payer_data, payer_source = loaded["payer_rules.toml"]

    muscles = _build(muscles_data, "muscles.toml", "muscle", _muscle, lambda m: m.id)
    drugs = _build(drugs_data, "drugs.toml", "drug", _drug, lambda d: d.id)
    excipients = _build(drugs_data, "drugs.toml", "excipient", _excipient, lambda e: e.name)
    _check_excipients(drugs, excipients)
    cpt = _build(cpt_data, "cpt.toml", "code", _cpt, lambda c: c.code)
    icd10 = _build(icd10_data, "icd10.toml", "code", _icd10, lambda c: c.code)
    instructions = _Table("findings.toml", "[instructions]", findings_data.get("instructions"))
    return Catalog(
        muscles=muscles,
        drugs=drugs,
        cpt=cpt,
        icd10=icd10,
        side_effects=_labels(findings_data, findings_source.file, "side_effect"),
        complications=_labels(findings_data, findings_source.file, "complication"),
        conservative_care_options=_labels(findings_data, findings_source.file, "conservative_care"),
        position_labels=_positions(findings_data, findings_source.file),
        default_instructions=instructions.text("default"),
        chest_wall_instructions=instructions.text("chest_wall"),
        payer_rules=_payer_rules(payer_data, payer_source, icd10),
        sources=tuple(source for _, source in loaded.values()),
        excipients=excipients,
    )
