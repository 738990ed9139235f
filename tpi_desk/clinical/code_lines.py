"""One line of a claim: a CPT or HCPCS code with its units and modifiers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CPT = "CPT"
HCPCS = "HCPCS"


@dataclass(frozen=True, slots=True)
class CodeLine:
    """A claim line; drug lines name their drug and the mg they stand for (administered, or
    discarded on a line with the discarded-drug modifier)."""

    code_system: str
    code: str
    descriptor: str
    units: int
    modifiers: tuple[str, ...] = ()
    drug_id: str | None = None
    dose_mg: Decimal | None = None
