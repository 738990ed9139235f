"""The coding rules' data: claim modifiers by role (``cpt.toml``), Medicare's dry-needling
coverage and the diagnoses that never stand alone (``payer_rules.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from tpi_desk.clinical.catalog.entries import CatalogError
from tpi_desk.clinical.catalog.toml_tables import TomlTable, entry_tables, unique
from tpi_desk.clinical.record import Coverage

CPT_FILE = "cpt.toml"
PAYER_FILE = "payer_rules.toml"


class ModifierRole(StrEnum):
    """What a modifier says on a claim line; the catalog names the modifier for each role."""

    DRUG_DISCARDED = "drug_discarded"
    NO_DRUG_DISCARDED = "no_drug_discarded"
    STATUTORILY_EXCLUDED = "statutorily_excluded"


@dataclass(frozen=True, slots=True)
class Modifier:
    code: str
    role: ModifierRole
    descriptor: str
    source: str
    as_of: date


@dataclass(frozen=True, slots=True)
class DryNeedlingCoverage:
    """Medicare's national coverage of dry needling: only for the ``covered_diagnoses``."""

    ncd_id: str
    coverages: frozenset[Coverage]
    covered_diagnoses: tuple[str, ...]
    source: str
    as_of: date


@dataclass(frozen=True, slots=True)
class CodeFirstRule:
    """Diagnosis codes that need the condition they describe coded as well (U09.9)."""

    codes: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CodingRules:
    """Modifiers by role and the payer and coding-guideline data of the coding rules."""

    modifiers: Mapping[ModifierRole, Modifier] = field(default_factory=dict)
    medicare_dry_needling: DryNeedlingCoverage | None = None
    code_first: CodeFirstRule = field(default_factory=lambda: CodeFirstRule((), ""))

    def modifier(self, role: ModifierRole) -> str:
        """The modifier code for ``role`` ("JW"); KeyError if the catalog lacks it."""
        return self.modifiers[role].code


def load_coding_rules(cpt_data: dict[str, Any], payer_data: dict[str, Any]) -> CodingRules:
    """The coding rules' data (raises CatalogError naming a bad entry)."""
    modifiers = unique(
        CPT_FILE,
        ((m.role.value, m) for m in map(_modifier, entry_tables(cpt_data, CPT_FILE, "modifier"))),
    )
    missing = [role.value for role in ModifierRole if role.value not in modifiers]
    if missing:
        raise CatalogError(CPT_FILE, None, f"no [[modifier]] for the role(s) {', '.join(missing)}")
    code_first = TomlTable(PAYER_FILE, "[code_first]", payer_data.get("code_first"))
    dry_needling = payer_data.get("medicare_dry_needling")
    return CodingRules(
        modifiers={ModifierRole(role): modifier for role, modifier in modifiers.items()},
        medicare_dry_needling=_dry_needling(
            TomlTable(PAYER_FILE, "[medicare_dry_needling]", dry_needling)
        ),
        code_first=CodeFirstRule(code_first.texts("codes"), code_first.text("source")),
    )


def _modifier(table: TomlTable) -> Modifier:
    raw = table.text("role")
    try:
        role = ModifierRole(raw)
    except ValueError:
        roles = ", ".join(role.value for role in ModifierRole)
        raise table.fail(f"role must be one of {roles}, not {raw!r}") from None
    return Modifier(
        code=table.text("code"),
        role=role,
        descriptor=table.text("descriptor"),
        source=table.text("source"),
        as_of=table.iso_date("as_of"),
    )


def _dry_needling(table: TomlTable) -> DryNeedlingCoverage:
    coverages = []
    for raw in table.texts("coverages"):
        try:
            coverages.append(Coverage(raw))
        except ValueError:
            choices = ", ".join(coverage.value for coverage in Coverage)
            raise table.fail(f"coverages must be among {choices}, not {raw!r}") from None
    diagnoses = table.texts("covered_diagnoses")
    if not diagnoses:
        raise table.fail("covered_diagnoses must list at least one ICD-10-CM code")
    return DryNeedlingCoverage(
        ncd_id=table.text("ncd_id"),
        coverages=frozenset(coverages),
        covered_diagnoses=diagnoses,
        source=table.text("source"),
        as_of=table.iso_date("as_of"),
    )
