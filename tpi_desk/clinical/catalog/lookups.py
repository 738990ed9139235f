"""The catalog as the clinical rules use it: its tables, look-ups by id and searches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from tpi_desk.clinical.catalog.code_set import CODE_SET, CodeSetUnavailable
from tpi_desk.clinical.catalog.coding_rules import CodingRules
from tpi_desk.clinical.catalog.contractors import MedicareContractor
from tpi_desk.clinical.catalog.documentation import DocumentationVocabulary
from tpi_desk.clinical.catalog.entries import (
    CatalogSource,
    CptCode,
    Drug,
    Excipient,
    Icd10Code,
    Muscle,
    PayerRules,
)
from tpi_desk.clinical.catalog.scope import ScopeTable
from tpi_desk.clinical.catalog.steroids import SteroidEquivalence
from tpi_desk.clinical.record import Position
from tpi_desk.clinical.text_folding import fold


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
    # Exam findings, skin preparation, scales, consent risks, places of service, states.
    documentation: DocumentationVocabulary = field(default_factory=DocumentationVocabulary)
    # Corticosteroids in mg of one reference steroid (drugs.toml [steroid_equivalence]).
    steroid_equivalence: SteroidEquivalence = field(default_factory=SteroidEquivalence)
    # State x procedure -> the professions allowed (scope.toml).
    scope: ScopeTable = field(default_factory=ScopeTable)
    medicare_contractors: Mapping[str, MedicareContractor] = field(default_factory=dict)
    # Claim modifiers by role, Medicare dry-needling coverage, code-first diagnoses.
    coding_rules: CodingRules = field(default_factory=CodingRules)

    def medicare_contractor(self, state: str) -> MedicareContractor | None:
        """The Medicare contractor (MAC) for a USPS state code ("NY" -> NGS JK), or None."""
        return next((c for c in self.medicare_contractors.values() if state in c.states), None)

    def muscle(self, muscle_id: str) -> Muscle:
        return _lookup(self.muscles, muscle_id, "muscle")

    def drug(self, drug_id: str) -> Drug:
        return _lookup(self.drugs, drug_id, "drug")

    def cpt_code(self, code: str) -> CptCode:
        return _lookup(self.cpt, code, "CPT code")

    def icd10_code(self, code: str) -> Icd10Code:
        known = self.diagnosis(code)
        if known is None:
            raise KeyError(f"Unknown ICD-10-CM code {code!r}: it is not in the code set")
        return known

    def diagnosis(self, code: str) -> Icd10Code | None:
        """The catalog's entry for ``code`` (LCD coverage, synonyms, note), else the code set's
        (validity, billability, descriptor); None if ICD-10-CM has no such code."""
        listed = self.icd10.get(code)
        if listed is not None:
            return listed
        try:
            return CODE_SET.lookup(code)
        except CodeSetUnavailable:
            return None

    def icd10_problem(self, code: str) -> str | None:
        """Why ``code`` cannot be a diagnosis on a claim (not in ICD-10-CM, or a heading that
        needs a more specific code), or None for a valid billable code."""
        known = self.diagnosis(code)
        if known is None:
            try:
                spelled = CODE_SET.spelled(code)
            except CodeSetUnavailable as error:
                return f"{code} could not be checked against ICD-10-CM ({error})"
            if spelled is not None and spelled != code:
                return f"{code} is not an ICD-10-CM code as written; write it as {spelled}"
            return f"{code} is not an ICD-10-CM code"
        if not known.billable:
            return f"{code} is not billable; choose a more specific code"
        return None

    def search_icd10(self, query: str) -> list[Icd10Code]:
        """The catalog's codes matching ``query``, then the code set's billable codes: first
        those whose code starts with it (dots optional), then those matching all its words."""
        folded = fold(query)
        if not folded:
            return list(self.icd10.values())
        compact = folded.replace(".", "").replace(" ", "")
        words = folded.split()
        by_code = [
            c for c in self.icd10.values() if fold(c.code).replace(".", "").startswith(compact)
        ]
        by_words = [
            c
            for c in self.icd10.values()
            if c not in by_code and _all_words_in(words, (c.descriptor, *c.synonyms))
        ]
        listed = self.icd10.keys()
        try:
            from_set = [c for c in CODE_SET.search(compact, words) if c.code not in listed]
        except CodeSetUnavailable:
            from_set = []  # the catalog's own codes still answer
        return by_code + by_words + from_set

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
