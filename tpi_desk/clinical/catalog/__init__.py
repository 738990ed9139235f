"""The clinical catalog (muscles, drugs, codes, pick lists, payer rules) loaded from dated TOML.

``entries`` holds the entry types, ``lookups`` the ``Catalog`` and its searches,
``toml_tables`` the checked reading of one TOML file and ``loading`` builds the catalog.
"""

from tpi_desk.clinical.catalog.contractors import MedicareContractor
from tpi_desk.clinical.catalog.documentation import (
    ConsentRisk,
    DocumentationVocabulary,
    FunctionScale,
    RiskPreselect,
)
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
from tpi_desk.clinical.catalog.loading import CATALOG_FILES, load_catalog
from tpi_desk.clinical.catalog.lookups import Catalog
from tpi_desk.clinical.catalog.scope import ScopeRule, ScopeTable
from tpi_desk.clinical.catalog.steroids import SteroidEquivalence

__all__ = [
    "BODY_MAP_VIEWS",
    "CATALOG_FILES",
    "REGIONS",
    "Catalog",
    "CatalogError",
    "CatalogSource",
    "ConsentRisk",
    "CptCode",
    "DocumentationVocabulary",
    "Drug",
    "DrugClass",
    "Excipient",
    "FunctionScale",
    "Icd10Code",
    "MedicareContractor",
    "Muscle",
    "PayerRules",
    "RiskPreselect",
    "ScopeRule",
    "ScopeTable",
    "SteroidEquivalence",
    "load_catalog",
]
