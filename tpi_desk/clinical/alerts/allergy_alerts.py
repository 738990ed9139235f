"""Allergy review: each drug of the session against the patient's recorded allergies."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from tpi_desk.clinical.alerts.kinds import (
    Alert,
    AlertCode,
    AlertSeverity,
    drug_name,
    join_names,
)
from tpi_desk.clinical.catalog import Catalog, Drug, Excipient
from tpi_desk.clinical.dosing import medications
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.clinical.text_folding import fold

# Words of drug names that name a salt, a diluent or a link, never an allergen on their own.
_NOT_ALLERGEN_WORDS = frozenset(
    {"with", "and", "sodium", "chloride", "phosphate", "acetate", "acetonide", "hydrochloride"}
)
_ANAESTHETIC_WORDS = frozenset({"anaesthetic", "anesthetic"})
# Local anaesthetic allergy classes, known even when the catalog has no drug of one of them,
# so that "ester local anaesthetics" is never read as every local anaesthetic.
_ANAESTHETIC_ALLERGY_CLASSES = frozenset({"amide", "ester"})
_CORTICOSTEROID_WORDS = frozenset({"corticosteroid", "steroid"})
_WORD = re.compile(r"[a-z0-9]+")
# Answers to "any allergies?" that record none (DOMAIN.md, Safety: "NKDA" is a recorded
# answer, not an allergy), folded and with punctuation dropped.
_NO_KNOWN_ALLERGY_ANSWERS = frozenset(
    {
        "nkda",
        "nka",
        "nkma",
        "none",
        "none known",
        "no known allergies",
        "no known allergy",
        "no known drug allergies",
        "no known drug allergy",
        "no known medication allergies",
        "no drug allergies",
        "no allergies",
        "denies allergies",
        "denies drug allergies",
    }
)


def is_no_known_allergy(text: str) -> bool:
    """Whether an allergy entry records that there are none ("NKDA", "No known drug
    allergies"), which is an answer, never an allergy."""
    return " ".join(_WORD.findall(fold(text))) in _NO_KNOWN_ALLERGY_ANSWERS


def recorded_allergies(allergies: Sequence[str]) -> tuple[str, ...]:
    """The entries that name an allergy: blank ones and "NKDA"-like answers left out."""
    return tuple(a for a in allergies if a.strip() and not is_no_known_allergy(a))


def allergy_alerts(
    entry: SessionEntry, catalog: Catalog, allergies: Sequence[str]
) -> Iterator[Alert]:
    """One warning per drug and conflicting allergy, at the drug's first medication line."""
    allergy_words = [(allergy, _words_of(allergy)) for allergy in recorded_allergies(allergies)]
    classes = _ANAESTHETIC_ALLERGY_CLASSES | {
        _allergy_class(drug) for drug in catalog.drugs.values() if drug.allergy_class
    }
    seen: set[str] = set()
    for site_index, medication_index, medication in medications(entry):
        if medication.drug_id in seen:
            continue
        seen.add(medication.drug_id)
        drug = catalog.drugs.get(medication.drug_id)
        for allergy, words in allergy_words:
            reason = _allergy_reason(medication.drug_id, drug, words, classes)
            if reason is None and drug is not None:
                reason = _excipient_reason(drug, words, catalog.excipients)
            if reason is None:
                continue
            yield Alert(
                AlertCode.ALLERGY_CONFLICT,
                AlertSeverity.BLOCKING,
                f"{drug_name(catalog, medication.drug_id)} conflicts with the recorded "
                f'allergy "{allergy}": {reason}',
                f"sites[{site_index}].medications[{medication_index}].drug",
            )


def _allergy_reason(
    drug_id: str, drug: Drug | None, allergy: frozenset[str], classes: frozenset[str]
) -> str | None:
    """Why a drug conflicts with an allergy's (folded, singular) words, or None: by its
    generic name, a brand name (drugs.toml synonyms), its class (amide or ester local
    anaesthetic, local anaesthetic, corticosteroid or steroid)."""
    shared = [word for word in _allergen_words(drug_id, drug) if word in allergy]
    if shared:
        return f"it contains {join_names(shared)}"
    if drug is None:
        return None
    for synonym in drug.synonyms:
        if frozenset(_word_list(synonym)) <= allergy:
            return f"{synonym} is {drug.name.lower()}"
    named_classes = allergy & classes
    if named_classes:
        if _allergy_class(drug) in named_classes:
            return f"it is in the {drug.allergy_class} class"
        return None
    if drug.is_local_anaesthetic and "local" in allergy and allergy & _ANAESTHETIC_WORDS:
        return "it is a local anaesthetic"
    if drug.is_corticosteroid and allergy & _CORTICOSTEROID_WORDS:
        return "it is a corticosteroid"
    return None


def _excipient_reason(
    drug: Drug, allergy: frozenset[str], excipients: Mapping[str, Excipient]
) -> str | None:
    """Why the drug's usual vial conflicts with an allergy to one of its excipients, or None."""
    for name in drug.excipients:
        excipient = excipients.get(name)
        terms = excipient.allergy_terms if excipient is not None else ()
        if any(frozenset(_word_list(term)) <= allergy for term in terms):
            return f"its usual vial contains {name}; check the label of the vial used"
    return None


def _allergy_class(drug: Drug) -> str:
    return _singular(fold(drug.allergy_class or ""))


def _allergen_words(drug_id: str, drug: Drug | None) -> list[str]:
    """The words of a drug's name and id that can name an allergen, in order, each once."""
    names = f"{drug.name} {drug_id}" if drug is not None else drug_id
    words = dict.fromkeys(_word_list(names.replace("_", " ")))
    return [
        word
        for word in words
        if word.isalpha() and len(word) > 3 and word not in _NOT_ALLERGEN_WORDS
    ]


def _words_of(text: str) -> frozenset[str]:
    """The accent- and case-folded words of ``text``, plurals made singular ("amides")."""
    return frozenset(_word_list(text))


def _word_list(text: str) -> list[str]:
    return [_singular(word) for word in _WORD.findall(fold(text))]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
