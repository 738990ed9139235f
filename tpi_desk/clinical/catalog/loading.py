"""Loading the catalog: each file's entries checked and built, then the whole ``Catalog``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tpi_desk.clinical.catalog.coding_rules import load_coding_rules
from tpi_desk.clinical.catalog.contractors import load_contractors
from tpi_desk.clinical.catalog.documentation import load_documentation
from tpi_desk.clinical.catalog.entries import (
    BODY_MAP_VIEWS,
    REGIONS,
    CatalogError,
    CatalogSource,
    CptCode,
    Drug,
    DrugClass,
    Excipient,
    Icd10Code,
    Muscle,
    PayerRules,
)
from tpi_desk.clinical.catalog.lookups import Catalog
from tpi_desk.clinical.catalog.scope import load_scope
from tpi_desk.clinical.catalog.snomed import concept_id_problem
from tpi_desk.clinical.catalog.steroids import load_steroid_equivalence
from tpi_desk.clinical.catalog.toml_tables import (
    TomlTable,
    build_entries,
    entry_tables,
    positive_decimal,
    read_catalog_file,
    unique,
)
from tpi_desk.clinical.record import Position, ProcedureKind

CATALOG_FILES = (
    "muscles.toml",
    "drugs.toml",
    "cpt.toml",
    "icd10.toml",
    "findings.toml",
    "payer_rules.toml",
    "documentation.toml",
    "scope.toml",
    "medicare_contractors.toml",
)


def _muscle(table: TomlTable) -> Muscle:
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
        midline=table.flag("midline", default=False),
        **_snomed_concept(table),
    )


def _snomed_concept(table: TomlTable) -> dict[str, str]:
    """The entry's SNOMED CT concept (``snomed``, with its ``snomed_term`` and
    ``snomed_source``), checked by its check digit; empty when the entry names none."""
    code = table.optional_text("snomed")
    if code is None:
        return {}
    problem = concept_id_problem(code)
    if problem is not None:
        raise table.fail(f"snomed: {problem}")
    return {
        "snomed": code,
        "snomed_term": table.text("snomed_term"),
        "snomed_source": table.text("snomed_source"),
    }


def _check_snomed_sources(data: Mapping[str, Any], muscles: Mapping[str, Muscle]) -> None:
    """Every muscle's ``snomed_source`` names an entry of ``[meta.snomed_sources]``."""
    meta = data.get("meta")
    sources = meta.get("snomed_sources", {}) if isinstance(meta, dict) else {}
    for muscle in muscles.values():
        if muscle.snomed and muscle.snomed_source not in sources:
            raise CatalogError(
                "muscles.toml",
                muscle.id,
                f"snomed_source {muscle.snomed_source!r} is not in [meta.snomed_sources]",
            )


def _drug(table: TomlTable) -> Drug:
    try:
        drug_class = DrugClass(table.text("class"))
    except ValueError:
        raise table.fail("class must be local_anaesthetic, corticosteroid or other") from None
    raw_concentrations = table.data.get("concentrations_mg_per_ml")
    if not isinstance(raw_concentrations, list) or not raw_concentrations:
        raise table.fail("concentrations_mg_per_ml must list at least one strength")
    concentrations = tuple(
        positive_decimal(table, "concentrations_mg_per_ml", value) for value in raw_concentrations
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
        synonyms=table.texts("synonyms"),
        steroid_equivalent_mg=table.optional_decimal("steroid_equivalent_mg"),
    )


def _excipient(table: TomlTable) -> Excipient:
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


def _procedure_kind(table: TomlTable, value: str) -> ProcedureKind:
    try:
        return ProcedureKind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in ProcedureKind)
        raise table.fail(f"procedure kind must be one of {kinds}, not {value!r}") from None


def _cpt(table: TomlTable) -> CptCode:
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


def _icd10(table: TomlTable) -> Icd10Code:
    return Icd10Code(
        code=table.text("code"),
        descriptor=table.text("descriptor"),
        tpi_lcd_covered=table.flag("tpi_lcd_covered"),
        billable=table.flag("billable"),
        synonyms=table.texts("synonyms"),
        note=table.text("note", default=""),
    )


def _labels(data: dict[str, Any], file: str, key: str) -> dict[str, str]:
    return unique(file, ((t.text("id"), t.text("label")) for t in entry_tables(data, file, key)))


def _positions(data: dict[str, Any], file: str) -> dict[Position, str]:
    table = TomlTable(file, "[positions]", data.get("positions"))
    return {position: table.text(position.value) for position in Position}


def _payer_rules(
    data: dict[str, Any], source: CatalogSource, icd10: Mapping[str, Icd10Code]
) -> PayerRules:
    table = TomlTable(source.file, "[rules]", data.get("rules"))
    return PayerRules(
        lcd_ids=table.texts("lcd_ids"),
        article_ids=table.texts("article_ids"),
        applies_to=frozenset(_procedure_kind(table, k) for k in table.texts("applies_to")),
        max_sessions_rolling_12_months=table.integer("max_sessions_rolling_12_months", minimum=1),
        min_days_between_same_muscle=table.integer("min_days_between_same_muscle"),
        max_regions_per_session=table.integer("max_regions_per_session", minimum=1),
        ultrasound_guidance_covered=table.flag("ultrasound_guidance_covered"),
        covered_diagnoses=frozenset(code for code, c in icd10.items() if c.tpi_lcd_covered),
        effective_date=table.iso_date("effective_date"),
    )


def load_catalog(directory: Path) -> Catalog:
    """Read the catalog files in ``directory``; raise CatalogError on any malformed entry."""
    loaded = {name: read_catalog_file(directory, name) for name in CATALOG_FILES}
    muscles_data = loaded["muscles.toml"][0]
    drugs_data = loaded["drugs.toml"][0]
    cpt_data = loaded["cpt.toml"][0]
    icd10_data = loaded["icd10.toml"][0]
    findings_data, findings_source = loaded["findings.toml"]
    payer_data, payer_source = loaded["payer_rules.toml"]

    muscles = build_entries(muscles_data, "muscles.toml", "muscle", _muscle, lambda m: m.id)
    _check_snomed_sources(muscles_data, muscles)
    drugs = build_entries(drugs_data, "drugs.toml", "drug", _drug, lambda d: d.id)
    excipients = build_entries(drugs_data, "drugs.toml", "excipient", _excipient, lambda e: e.name)
    _check_excipients(drugs, excipients)
    cpt = build_entries(cpt_data, "cpt.toml", "code", _cpt, lambda c: c.code)
    icd10 = build_entries(icd10_data, "icd10.toml", "code", _icd10, lambda c: c.code)
    instructions = TomlTable("findings.toml", "[instructions]", findings_data.get("instructions"))
    documentation = load_documentation(loaded["documentation.toml"][0])
    contractors_data = loaded["medicare_contractors.toml"][0]
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
        documentation=documentation,
        steroid_equivalence=load_steroid_equivalence(drugs_data, drugs),
        scope=load_scope(loaded["scope.toml"][0]),
        medicare_contractors=load_contractors(contractors_data, documentation.states),
        coding_rules=load_coding_rules(cpt_data, payer_data),
    )
