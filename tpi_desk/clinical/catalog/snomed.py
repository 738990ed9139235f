"""SNOMED CT concept ids as the catalog keeps them: checked by their Verhoeff check digit.

A SNOMED CT identifier (SCTID) is 6 to 18 digits: an item id, a partition id of two digits
(``00``/``10`` for a concept) and a Verhoeff check digit last (SNOMED CT Technical
Implementation Guide, "SCTID" and "Check-digit"). Checking both catches a mistyped code in the
catalog before an export carries it to another system.
"""

from __future__ import annotations

# The dihedral group D5 multiplication, the permutation and the inverse tables of Verhoeff.
_MULTIPLY = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_PERMUTE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
CONCEPT_PARTITIONS = ("00", "10")  # short-format and extension-namespace concept ids


def verhoeff_valid(digits: str) -> bool:
    """True when ``digits`` ends in its correct Verhoeff check digit."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _MULTIPLY[check][_PERMUTE[position % 8][int(digit)]]
    return check == 0


def concept_id_problem(code: str) -> str | None:
    """Why ``code`` cannot be a SNOMED CT concept id (None when it can)."""
    if not code.isascii() or not code.isdigit() or not 6 <= len(code) <= 18:
        return f"{code!r} is not a SNOMED CT id (6 to 18 digits)"
    if code.startswith("0"):
        return f"{code} is not a SNOMED CT id (no leading zero)"
    if code[-3:-1] not in CONCEPT_PARTITIONS:
        return f"{code} is not a SNOMED CT concept id (partition {code[-3:-1]})"
    if not verhoeff_valid(code):
        return f"{code} fails the SNOMED CT check digit (a digit is mistyped)"
    return None
