"""Per-clinic settings that change how the clinical rules count and code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodingSettings:
    """How a clinic reads the CPT muscle-count rules.

    ``count_sides_separately``: left and right of one muscle count as two muscles (a bilateral
    site counts as two). Off by default, the conservative reading, since payers disagree.
    """

    count_sides_separately: bool = False
