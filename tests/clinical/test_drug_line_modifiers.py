"""Drug lines: JW/JZ for single-dose containers, units per billing unit, local anaesthetics
billed or bundled per the clinic's setting. Expected lines are worked out by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import derive_codes
from tpi_desk.clinical.record import (
    ContainerKind,
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.settings import CodingSettings

FAQ = "CMS JW/JZ modifier FAQ (2023); DOMAIN.md, CPT (Drugs: JW/JZ)"
CGS = "CGS Part B 'JW and JZ Modifier Guidelines' 2023-06-27 (305 mg given of 400 mg, 10 mg units)"
UNITS = "DOMAIN.md, HCPCS drugs (billing units)"


def med(
    drug_id: str,
    mg_per_ml: str,
    ml: str,
    discarded: str | None = None,
    container: ContainerKind | None = None,
) -> MedicationEntry:
    return MedicationEntry(
        drug_id,
        Decimal(mg_per_ml),
        Decimal(ml),
        "L1",
        container=container,
        discarded_ml=None if discarded is None else Decimal(discarded),
    )


def drug_lines(
    catalog: Catalog, *meds: MedicationEntry, settings: CodingSettings | None = None
) -> list[tuple[str, int, tuple[str, ...]]]:
    entry = SessionEntry(
        datetime(2026, 3, 10, 9, 30),
        ProcedureKind.TRIGGER_POINT_INJECTION,
        sites=(SiteEntry("upper_trapezius", Side.LEFT, medications=meds),),
    )
    coding = derive_codes(entry, catalog, settings or CodingSettings())
    return [(line.code, line.units, line.modifiers) for line in coding.hcpcs]


SINGLE = ContainerKind.SINGLE_DOSE
MULTI = ContainerKind.MULTI_DOSE

CASES = [
    # (source, medications, expected (code, units, modifiers) lines)
    (FAQ, [med("bupivacaine", "5", "4")], [("J0665", 40, ("JZ",))]),
    (FAQ, [med("bupivacaine", "5", "4", "0")], [("J0665", 40, ("JZ",))]),
    (FAQ, [med("bupivacaine", "5", "4", "6")], [("J0665", 40, ()), ("J0665", 60, ("JW",))]),
    # 0.75 mg given = 2 units; with 0.25 mg discarded still 2 units: no JW line, JZ.
    (CGS, [med("bupivacaine", "2.5", "0.3", "0.1")], [("J0665", 2, ("JZ",))]),
    (FAQ, [med("methylprednisolone_acetate", "40", "1")], [("J1010", 40, ("JZ",))]),
    (
        FAQ,
        [med("methylprednisolone_acetate", "80", "0.5", "0.5")],
        [("J1010", 40, ()), ("J1010", 40, ("JW",))],
    ),
    # Kenalog-40 comes in multi-dose vials: neither modifier.
    (FAQ, [med("triamcinolone_acetonide", "40", "1")], [("J3301", 4, ())]),
    (FAQ, [med("triamcinolone_acetonide", "40", "1", None, MULTI)], [("J3301", 4, ())]),
    (
        FAQ,
        [med("triamcinolone_acetonide", "40", "0.5", "0.5", SINGLE)],
        [("J3301", 2, ()), ("J3301", 2, ("JW",))],
    ),
    # 305 mg = 31 units; 305 + 95 = 400 mg = 40 units: 9 units discarded, not 10.
    (
        CGS,
        [med("triamcinolone_acetonide", "40", "7.625", "2.375", SINGLE)],
        [("J3301", 31, ()), ("J3301", 9, ("JW",))],
    ),
    # A multi-dose bupivacaine vial: no JW/JZ, the discarded amount is not billed.
    (FAQ, [med("bupivacaine", "5", "4", "6", MULTI)], [("J0665", 40, ())]),
    (UNITS, [med("dexamethasone_sodium_phosphate", "4", "1")], [("J1100", 4, ())]),
    (UNITS, [med("betamethasone", "6", "1")], [("J0702", 1, ())]),
    # Two sites of one drug: 20 mg given (40 units), 25 mg with the discard (50): JW 10.
    (
        FAQ,
        [med("bupivacaine", "5", "2"), med("bupivacaine", "5", "2", "1")],
        [("J0665", 40, ()), ("J0665", 10, ("JW",))],
    ),
    # Lidocaine and saline have no separately payable code (DOMAIN.md, HCPCS drugs).
    (UNITS, [med("lidocaine", "10", "3"), med("sodium_chloride_0_9", "9", "2")], []),
]


@pytest.mark.parametrize(("source", "meds", "expected"), CASES)
def test_drug_lines_carry_jw_or_jz_as_cms_says(
    catalog: Catalog,
    source: str,
    meds: list[MedicationEntry],
    expected: list[tuple[str, int, tuple[str, ...]]],
) -> None:
    assert source
    assert drug_lines(catalog, *meds) == expected


def test_the_jw_line_names_the_discarded_mg(catalog: Catalog) -> None:
    entry = SessionEntry(
        datetime(2026, 3, 10, 9, 30),
        ProcedureKind.TRIGGER_POINT_INJECTION,
        sites=(
            SiteEntry(
                "upper_trapezius", Side.LEFT, medications=(med("bupivacaine", "5", "4", "6"),)
            ),
        ),
    )
    given, discarded = derive_codes(entry, catalog).hcpcs
    assert (given.dose_mg, discarded.dose_mg) == (Decimal(20), Decimal(30))
    assert discarded.descriptor == "Bupivacaine, per 0.5 mg, discarded"
    assert discarded.drug_id == "bupivacaine"


@pytest.mark.parametrize(
    ("bill_local", "expected"),
    [
        # DOMAIN.md, HCPCS drugs: local anaesthetic J-codes billed or bundled per payer setting.
        (True, [("J0665", 20, ("JZ",)), ("J3301", 4, ())]),
        (False, [("J3301", 4, ())]),
    ],
)
def test_local_anaesthetic_j_codes_follow_the_clinic_setting(
    catalog: Catalog, bill_local: bool, expected: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    settings = CodingSettings(bill_local_anesthetic_drugs=bill_local)
    meds = (
        med("bupivacaine", "2.5", "4"),
        med("lidocaine", "10", "2"),
        med("triamcinolone_acetonide", "40", "1"),
    )
    assert drug_lines(catalog, *meds, settings=settings) == expected


def test_dry_needling_never_bills_drugs_even_from_single_dose_vials(catalog: Catalog) -> None:
    entry = SessionEntry(
        datetime(2026, 3, 10, 9, 30),
        ProcedureKind.DRY_NEEDLING,
        sites=(
            SiteEntry(
                "gluteus_medius", Side.LEFT, medications=(med("bupivacaine", "5", "2", "1"),)
            ),
        ),
    )
    assert derive_codes(entry, catalog).hcpcs == ()
