"""Consent risks the app pre-selects (DOMAIN.md, Note contents: pneumothorax for chest-wall,
thoracic, lower neck and trapezius sites; steroid effects; LA toxicity)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.consent import preselected_risks
from tpi_desk.clinical.record import MedicationEntry, ProcedureKind, SessionEntry, Side, SiteEntry

ALWAYS = ("bleeding_bruising", "infection", "soreness", "nerve_injury", "vasovagal")
WHEN = datetime(2026, 3, 4, 9, 30).astimezone()


def _entry(kind: ProcedureKind, muscle: str, drugs: tuple[str, ...]) -> SessionEntry:
    medications = tuple(MedicationEntry(d, Decimal(10), Decimal(1)) for d in drugs)
    return SessionEntry(WHEN, kind, sites=(SiteEntry(muscle, Side.LEFT, medications=medications),))


@pytest.mark.parametrize(
    ("kind", "muscle", "drugs", "expected"),
    [
        # DOMAIN.md, Note contents: the general risks of any needle procedure.
        (ProcedureKind.DRY_NEEDLING, "gluteus_medius", (), ALWAYS),
        # DOMAIN.md, Note contents: local anaesthetic -> allergic reaction / LA toxicity.
        (
            ProcedureKind.TRIGGER_POINT_INJECTION,
            "gluteus_medius",
            ("lidocaine",),
            (*ALWAYS, "allergic_reaction"),
        ),
        # DOMAIN.md, Note contents: steroid effects when a corticosteroid is given.
        (
            ProcedureKind.TRIGGER_POINT_INJECTION,
            "gluteus_medius",
            ("lidocaine", "triamcinolone_acetonide"),
            (*ALWAYS, "allergic_reaction", "steroid_effects"),
        ),
        # DOMAIN.md, Muscles: pneumothorax risk applies to trapezius sites.
        (
            ProcedureKind.TRIGGER_POINT_INJECTION,
            "upper_trapezius",
            ("lidocaine",),
            (*ALWAYS, "allergic_reaction", "pneumothorax"),
        ),
        (ProcedureKind.DRY_NEEDLING, "upper_trapezius", (), (*ALWAYS, "pneumothorax")),
    ],
)
def test_preselected_risks_follow_the_sites_and_drugs(
    catalog: Catalog,
    kind: ProcedureKind,
    muscle: str,
    drugs: tuple[str, ...],
    expected: tuple[str, ...],
) -> None:
    assert preselected_risks(_entry(kind, muscle, drugs), catalog) == expected
