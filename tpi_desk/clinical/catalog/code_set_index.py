"""Builds the ICD-10-CM index file from the ``simple-icd-10-cm`` package.

Run as ``python -m tpi_desk.clinical.catalog.code_set_index FILE``: the package parses its
tabular list on import (about two seconds and 180 MB), so the app never imports it itself;
a short-lived process writes every code once into a small SQLite file, and the app reads
that file (``code_set.py``). Chapters and blocks ("M00-M99") are not codes; billable codes
are the leaves of the tabular list.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
import sys
import warnings
from pathlib import Path
from types import ModuleType

from tpi_desk.clinical.text_folding import fold

PACKAGE = "simple_icd_10_cm"
DISTRIBUTION = "simple-icd-10-cm"
SCHEMA = """
CREATE TABLE codes (
    code TEXT PRIMARY KEY,   -- as the tabular list writes it: "M79.18"
    compact TEXT NOT NULL,   -- folded, without its dot: "m7918"
    descriptor TEXT NOT NULL,
    billable INTEGER NOT NULL,
    words TEXT NOT NULL      -- code and descriptor folded, single spaces between words
);
CREATE INDEX codes_by_compact ON codes (compact);
-- Word-prefix search ("tension" finds "tension-type", not "hypertension"), billable only.
CREATE VIRTUAL TABLE code_words USING fts5(
    words, content='codes', content_rowid='rowid', tokenize='unicode61', prefix='2 3'
);
"""
_NOT_WORD = re.compile(r"[^a-z0-9.]+")


def package() -> ModuleType:
    with warnings.catch_warnings():  # it reads its data with a deprecated importlib API
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(PACKAGE)


def build_index(target: Path) -> int:
    """Write every category and subcategory code of the tabular list to ``target`` (a new
    SQLite file); returns how many codes it holds."""
    icd = package()
    rows = []
    for code in dict.fromkeys(icd.get_all_codes(True)):  # the list repeats a few codes
        if not icd.is_category_or_subcategory(code):
            continue
        descriptor = icd.get_description(code)
        folded = fold(code)
        words = _NOT_WORD.sub(" ", f" {folded} {fold(descriptor)}")
        rows.append((code, folded.replace(".", ""), descriptor, int(icd.is_leaf(code)), words))
    with sqlite3.connect(target) as index:
        index.executescript(SCHEMA)
        index.executemany(
            "INSERT INTO codes (code, compact, descriptor, billable, words) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        index.execute(
            "INSERT INTO code_words (rowid, words) SELECT rowid, words FROM codes WHERE billable"
        )
    index.close()
    return len(rows)


if __name__ == "__main__":
    print(build_index(Path(sys.argv[1])))
