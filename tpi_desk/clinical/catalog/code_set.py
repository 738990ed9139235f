"""The whole ICD-10-CM code set (CMS/CDC tabular list) as shipped by ``simple-icd-10-cm``.

The package parses its tabular list on import (about two seconds and 180 MB), so it is
imported on first use only, once per process, under a lock: a diagnosis the catalog lists
(``icd10.toml``) never needs it. Billable codes are the leaves of the tabular list (a
category or subcategory without children); chapters and blocks ("M00-M99") are not codes.
"""

from __future__ import annotations

import importlib
import re
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType

from tpi_desk.clinical.catalog.entries import Icd10Code
from tpi_desk.clinical.text_folding import fold


@dataclass(frozen=True, slots=True)
class CodeSetEntry:
    """One code of the tabular list: its entry and how the search finds it."""

    code: Icd10Code
    compact: str  # the code folded without its dot, for "starts with" searches
    words: str  # " " + the code and descriptor folded, words split by single spaces

    def has_words_starting(self, prefixes: list[str]) -> bool:
        """True if every prefix starts a word ("tension" matches "tension-type", not
        "hypertension")."""
        return all(f" {prefix}" in self.words for prefix in prefixes)


_NOT_WORD = re.compile(r"[^a-z0-9.]+")


class Icd10CodeSet:
    """Validity, billability and descriptions of every ICD-10-CM code, loaded on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._billable: tuple[CodeSetEntry, ...] | None = None
        self._by_code: dict[str, Icd10Code] = {}

    def lookup(self, code: str) -> Icd10Code | None:
        """The code written as the tabular list writes it ("M79.18"), or None."""
        known = self._by_code.get(code)
        if known is not None:
            return known
        package = _package()
        if not package.is_valid_item(code) or not package.is_category_or_subcategory(code):
            return None
        if package.add_dot(package.remove_dot(code)) != code:
            return None  # "m7918" or "M7918": valid only in the tabular list's spelling
        return Icd10Code(
            code=code,
            descriptor=package.get_description(code),
            tpi_lcd_covered=False,
            billable=package.is_leaf(code),
        )

    def spelled(self, code: str) -> str | None:
        """The tabular list's spelling of ``code`` typed loosely ("m7918" -> "M79.18")."""
        package = _package()
        candidate = code.strip().upper()
        if not package.is_valid_item(candidate):
            return None
        dotted = package.add_dot(package.remove_dot(candidate))
        return dotted if package.is_category_or_subcategory(dotted) else None

    def billable_codes(self) -> tuple[CodeSetEntry, ...]:
        """Every billable code of the tabular list, in its order."""
        self._load()
        assert self._billable is not None
        return self._billable

    def _load(self) -> None:
        if self._billable is not None:
            return
        with self._lock:
            if self._billable is not None:
                return
            package = _package()
            entries = []
            for code in package.get_all_codes(True):
                if not package.is_category_or_subcategory(code) or not package.is_leaf(code):
                    continue
                entry = Icd10Code(
                    code=code,
                    descriptor=package.get_description(code),
                    tpi_lcd_covered=False,
                    billable=True,
                )
                folded = fold(code)
                words = _NOT_WORD.sub(" ", f" {folded} {fold(entry.descriptor)}")
                entries.append(CodeSetEntry(entry, folded.replace(".", ""), words))
                self._by_code[code] = entry
            self._billable = tuple(entries)


def _package() -> ModuleType:
    """The code-set package, imported here so that loading the catalog stays fast."""
    with warnings.catch_warnings():  # it reads its data with a deprecated importlib API
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


CODE_SET = Icd10CodeSet()
"""The process's code set: the package holds one tabular list per process anyway."""
