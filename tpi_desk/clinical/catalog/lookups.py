"""The catalog as the clinical rules use it: its tables, look-ups by id and searches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from tpi_desk.clinical.catalog.coding_rules import CodingRules
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
    # Claim modifiers by role, Medicare dry-needling coverage, code-first diagnoses.
    coding_rules: CodingRules = field(default_factory=CodingRules)

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
