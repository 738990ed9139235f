"""CPT, HCPCS and ICD-10-CM derivation: counts of distinct muscles, guidance, drug units."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import (
    CPT,
    HCPCS,
    CodeLine,
    counted_muscles,
    derive_codes,
    hcpcs_units,
)
from tpi_desk.clinical.record import (
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.settings import CodingSettings

TPI = ProcedureKind.TRIGGER_POINT_INJECTION
DRY = ProcedureKind.DRY_NEEDLING
SIDES_APART = CodingSettings(count_sides_separately=True)
# The payer override: each muscle once whatever its sides (DOMAIN.md, CPT: "Keep a per-payer
# override, default 2").
ONE_PER_MUSCLE = CodingSettings(count_sides_separately=False)
# 76942 is billed only with a retained image and a written interpretation (DOMAIN.md, CPT).
GUIDED = {
    "ultrasound_guided": True,
    "ultrasound_image_retained": True,
    "ultrasound_interpretation": "Needle tip seen entering the taut band; no fluid collection.",
}


def site(muscle_id: str, side: Side = Side.LEFT, *meds: MedicationEntry) -> SiteEntry:
    return SiteEntry(muscle_id, side, medications=meds)


def med(drug_id: str, concentration: str, volume: str) -> MedicationEntry:
    return MedicationEntry(drug_id, Decimal(concentration), Decimal(volume), "L1")


def session(kind: ProcedureKind, *sites: SiteEntry, **extra: Any) -> SessionEntry:
    return SessionEntry(datetime(2026, 3, 10, 9, 30), kind, sites=sites, **extra)


def procedure_codes(entry: SessionEntry, catalog: Catalog, **settings: bool) -> list[str]:
    return [line.code for line in derive_codes(entry, catalog, CodingSettings(**settings)).cpt]


@pytest.mark.parametrize(
    ("muscles", "tpi_code", "dn_code"),
    [
        (["upper_trapezius"], "20552", "20560"),
        (["upper_trapezius", "levator_scapulae"], "20552", "20560"),
        (["upper_trapezius", "levator_scapulae", "rhomboid_major"], "20553", "20561"),
        ([f"m{i}" for i in range(9)], "20553", "20561"),
    ],
)
def test_procedure_code_follows_the_number_of_muscles(
    catalog: Catalog, muscles: list[str], tpi_code: str, dn_code: str
) -> None:
    assert procedure_codes(session(TPI, *(site(m) for m in muscles)), catalog) == [tpi_code]
    assert procedure_codes(session(DRY, *(site(m) for m in muscles)), catalog) == [dn_code]


def test_the_procedure_line_is_billed_once_with_its_descriptor(catalog: Catalog) -> None:
    summary = derive_codes(session(TPI, site("upper_trapezius")), catalog)
    assert summary.cpt == (
        CodeLine(CPT, "20552", "Trigger point injection(s), one or two muscles", 1),
    )
    assert summary.muscle_count == 1


def test_repeated_sites_of_one_muscle_count_once(catalog: Catalog) -> None:
    entry = session(TPI, site("upper_trapezius"), site("upper_trapezius"), site("levator_scapulae"))
    assert derive_codes(entry, catalog).muscle_count == 2


def test_left_and_right_count_twice_unless_the_payer_override_says_once(
    catalog: Catalog,
) -> None:
    # DOMAIN.md, CPT: left and right of a paired muscle are two muscles (AAPC); issue 12
    # corrects the old default that counted them once.
    entry = session(
        TPI,
        site("upper_trapezius", Side.LEFT),
        site("upper_trapezius", Side.RIGHT),
        site("levator_scapulae", Side.LEFT),
    )
    assert procedure_codes(entry, catalog) == ["20553"]
    assert procedure_codes(entry, catalog, count_sides_separately=False) == ["20552"]


def test_bilateral_counts_as_two_when_sides_are_counted(catalog: Catalog) -> None:
    entry = session(TPI, site("upper_trapezius", Side.BILATERAL), site("splenius_capitis"))
    assert counted_muscles(entry, ONE_PER_MUSCLE) == 2
    assert counted_muscles(entry, CodingSettings()) == 3  # DOMAIN.md, CPT: default 2 per pair
    assert counted_muscles(entry, SIDES_APART) == 3
    overlapping = session(
        TPI, site("upper_trapezius", Side.BILATERAL), site("upper_trapezius", Side.LEFT)
    )
    assert counted_muscles(overlapping, SIDES_APART) == 2
    midline = session(TPI, site("multifidus", Side.MIDLINE))
    assert counted_muscles(midline, SIDES_APART) == 1
    midline_and_left = session(TPI, site("multifidus", Side.MIDLINE), site("multifidus", Side.LEFT))
    assert counted_muscles(midline_and_left, SIDES_APART) == 1


def test_no_sites_means_no_procedure_line(catalog: Catalog) -> None:
    summary = derive_codes(session(TPI, **GUIDED), catalog)
    assert summary.cpt == () and summary.hcpcs == () and summary.muscle_count == 0


def test_ultrasound_guidance_adds_76942_to_injections(catalog: Catalog) -> None:
    entry = session(TPI, site("upper_trapezius"), **GUIDED)
    lines = derive_codes(entry, catalog).cpt
    assert [(line.code, line.units) for line in lines] == [("20552", 1), ("76942", 1)]


def test_ultrasound_guidance_is_not_reported_with_dry_needling(catalog: Catalog) -> None:
    entry = session(DRY, site("upper_trapezius"), **GUIDED)
    assert procedure_codes(entry, catalog) == ["20560"]


@pytest.mark.parametrize(
    ("drug_id", "concentration", "volume", "code", "units"),
    [
        ("triamcinolone_acetonide", "40", "1.5", "J3301", 6),
        ("triamcinolone_acetonide", "40", "0.1", "J3301", 1),
        ("triamcinolone_acetonide", "10", "4.5", "J3301", 5),
        ("bupivacaine", "5", "5", "J0665", 50),
        ("bupivacaine_with_epinephrine", "2.5", "0.3", "J0665", 2),
        ("methylprednisolone_acetate", "40", "1", "J1010", 40),
        ("dexamethasone_sodium_phosphate", "4", "0.5", "J1100", 2),
        ("betamethasone", "6", "1.5", "J0702", 2),
    ],
)
def test_hcpcs_units_round_up(
    catalog: Catalog, drug_id: str, concentration: str, volume: str, code: str, units: int
) -> None:
    entry = session(TPI, site("upper_trapezius", Side.LEFT, med(drug_id, concentration, volume)))
    (line,) = derive_codes(entry, catalog).hcpcs
    assert (line.code_system, line.code, line.units, line.drug_id) == (HCPCS, code, units, drug_id)
    assert line.dose_mg == Decimal(concentration) * Decimal(volume)


def test_hcpcs_line_totals_the_drug_over_all_sites(catalog: Catalog) -> None:
    entry = session(
        TPI,
        site("upper_trapezius", Side.LEFT, med("triamcinolone_acetonide", "40", "0.5")),
        site("levator_scapulae", Side.LEFT, med("triamcinolone_acetonide", "40", "0.25")),
    )
    (line,) = derive_codes(entry, catalog).hcpcs
    assert line == CodeLine(
        HCPCS,
        "J3301",
        "Triamcinolone acetonide, per 10 mg",
        3,
        (),
        "triamcinolone_acetonide",
        Decimal("30.00"),
    )


def test_lidocaine_and_saline_have_no_billing_line(catalog: Catalog) -> None:
    entry = session(
        TPI,
        site(
            "upper_trapezius",
            Side.LEFT,
            med("lidocaine", "10", "3"),
            med("sodium_chloride_0_9", "9", "2"),
            med("bupivacaine", "2.5", "2"),
        ),
    )
    assert [line.code for line in derive_codes(entry, catalog).hcpcs] == ["J0665"]


def test_dry_needling_never_bills_drugs(catalog: Catalog) -> None:
    entry = session(DRY, site("gluteus_medius", Side.LEFT, med("bupivacaine", "5", "2")))
    assert derive_codes(entry, catalog).hcpcs == ()


def test_diagnoses_keep_their_order_without_duplicates(catalog: Catalog) -> None:
    entry = SessionEntry(
        datetime(2026, 3, 10), TPI, diagnoses=("M79.18", "G44.229", "M79.18"), sites=()
    )
    assert derive_codes(entry, catalog).icd10 == ("M79.18", "G44.229")


def test_all_lines_lists_cpt_then_hcpcs(catalog: Catalog) -> None:
    entry = session(
        TPI,
        site("upper_trapezius", Side.LEFT, med("triamcinolone_acetonide", "40", "1")),
        **GUIDED,
    )
    assert [line.code for line in derive_codes(entry, catalog).all_lines] == [
        "20552",
        "76942",
        "J3301",
    ]


def test_hcpcs_units_helper() -> None:
    assert hcpcs_units(Decimal("20.01"), Decimal(10)) == 3
    assert hcpcs_units(Decimal("0.01"), Decimal(10)) == 1
    assert hcpcs_units(Decimal(9), Decimal(6)) == 2


# --- properties ----------------------------------------------------------------------------

MUSCLES = ["upper_trapezius", "levator_scapulae", "rhomboid_major", "gluteus_medius", "soleus"]
sites_strategy = st.lists(
    st.builds(SiteEntry, muscle_id=st.sampled_from(MUSCLES), side=st.sampled_from(list(Side))),
    max_size=8,
)


@given(sites=sites_strategy, kind=st.sampled_from(list(ProcedureKind)), sides=st.booleans())
def test_property_code_depends_only_on_the_muscle_count(
    catalog: Catalog, sites: list[SiteEntry], kind: ProcedureKind, sides: bool
) -> None:
    settings = CodingSettings(count_sides_separately=sides)
    summary = derive_codes(session(kind, *sites), catalog, settings)
    count = summary.muscle_count
    expected = {
        (TPI, 0): [],
        (TPI, 1): ["20552"],
        (TPI, 2): ["20552"],
        (DRY, 0): [],
        (DRY, 1): ["20560"],
        (DRY, 2): ["20560"],
    }.get((kind, count), ["20553"] if kind is TPI else ["20561"])
    assert [line.code for line in summary.cpt] == expected
    reordered = derive_codes(session(kind, *reversed(sites)), catalog, settings)
    assert reordered.cpt == summary.cpt


@given(sites=sites_strategy)
def test_property_counting_sides_never_lowers_the_count(sites: list[SiteEntry]) -> None:
    entry = session(TPI, *sites)
    plain = counted_muscles(entry, ONE_PER_MUSCLE)
    apart = counted_muscles(entry, SIDES_APART)
    assert plain == len({s.muscle_id for s in sites})
    assert plain <= apart <= 2 * plain


@given(
    sites=sites_strategy,
    kind=st.sampled_from(list(ProcedureKind)),
    ultrasound=st.booleans(),
    sides=st.booleans(),
)
def test_property_injection_and_needling_codes_never_mix(
    catalog: Catalog, sites: list[SiteEntry], kind: ProcedureKind, ultrasound: bool, sides: bool
) -> None:
    entry = session(kind, *sites, ultrasound_guided=ultrasound)
    codes = {line.code for line in derive_codes(entry, catalog, CodingSettings(sides)).cpt}
    assert not (codes & {"20552", "20553"} and codes & {"20560", "20561"})
    if kind is DRY:
        assert codes <= {"20560", "20561"}
    else:
        assert codes <= {"20552", "20553", "76942"}


@given(
    volumes=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(50), places=2),
        min_size=1,
        max_size=5,
    ),
    drug_id=st.sampled_from(
        ["triamcinolone_acetonide", "bupivacaine", "betamethasone", "methylprednisolone_acetate"]
    ),
)
def test_property_units_are_at_least_one_and_cover_the_dose(
    catalog: Catalog, volumes: list[Decimal], drug_id: str
) -> None:
    drug = catalog.drug(drug_id)
    concentration = str(drug.concentrations_mg_per_ml[0])
    entry = session(
        TPI,
        *(site("upper_trapezius", Side.LEFT, med(drug_id, concentration, str(v))) for v in volumes),
    )
    (line,) = derive_codes(entry, catalog).hcpcs
    assert drug.hcpcs_unit_mg is not None and line.dose_mg is not None
    assert line.units >= 1
    assert line.units * drug.hcpcs_unit_mg >= line.dose_mg > (line.units - 1) * drug.hcpcs_unit_mg
