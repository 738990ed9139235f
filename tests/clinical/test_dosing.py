"""Dose arithmetic: exact mg, per-drug totals, effective maxima and combined fractions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import (
    DrugTotal,
    combined_local_anaesthetic_fraction,
    dose_mg,
    dose_totals,
    effective_maximum_mg,
    format_number,
    format_strength,
    mg_per_ml_to_percent,
    percent_to_mg_per_ml,
)
from tpi_desk.clinical.record import (
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)


def med(drug_id: str, concentration: str, volume: str) -> MedicationEntry:
    return MedicationEntry(drug_id, Decimal(concentration), Decimal(volume))


def session(*sites: tuple[MedicationEntry, ...]) -> SessionEntry:
    return SessionEntry(
        performed_at=datetime(2026, 3, 10, 9, 30),
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        sites=tuple(SiteEntry("upper_trapezius", Side.LEFT, medications=m) for m in sites),
    )


volumes = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(50), places=2)
concentrations = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(80), places=1)
weights = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(500), places=1)


def test_dose_is_concentration_times_volume_exactly() -> None:
    assert dose_mg(Decimal("10"), Decimal("3.5")) == Decimal("35.0")
    assert dose_mg(Decimal("7.5"), Decimal("0.1")) == Decimal("0.75")


def test_percent_and_mg_per_ml() -> None:
    assert percent_to_mg_per_ml(Decimal(1)) == Decimal(10)
    assert percent_to_mg_per_ml(Decimal("0.25")) == Decimal("2.5")
    assert mg_per_ml_to_percent(Decimal(20)) == Decimal(2)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal(315), "315"),
        (Decimal("315.000"), "315"),
        (Decimal("4.50"), "4.5"),
        (Decimal(1) / Decimal(3), "0.33"),
        (Decimal("0.005"), "0.01"),
        (Decimal("123.456"), "123.46"),
    ],
)
def test_format_number_rounds_to_hundredths_without_trailing_zeros(
    value: Decimal, shown: str
) -> None:
    assert format_number(value) == shown


def test_format_strength_uses_percent_for_local_anaesthetics(catalog: Catalog) -> None:
    assert format_strength(catalog.drug("lidocaine"), Decimal(10)) == "1 %"
    assert format_strength(catalog.drug("bupivacaine"), Decimal("2.5")) == "0.25 %"
    assert format_strength(catalog.drug("triamcinolone_acetonide"), Decimal(40)) == "40 mg/mL"


def test_totals_add_up_per_drug_in_first_use_order(catalog: Catalog) -> None:
    entry = session(
        (med("triamcinolone_acetonide", "40", "0.5"), med("lidocaine", "10", "3")),
        (med("lidocaine", "20", "2"), med("bupivacaine", "2.5", "4")),
    )
    totals = dose_totals(entry, catalog, weight_kg=None)
    assert [(t.drug_id, t.total_mg) for t in totals] == [
        ("triamcinolone_acetonide", Decimal(20)),
        ("lidocaine", Decimal(70)),
        ("bupivacaine", Decimal(10)),
    ]


def test_without_weight_the_absolute_maximum_applies(catalog: Catalog) -> None:
    (total,) = dose_totals(session((med("lidocaine", "10", "15"),)), catalog, weight_kg=None)
    assert total == DrugTotal("lidocaine", Decimal(150), None, Decimal(300), Decimal("0.5"))


def test_with_weight_the_lower_of_absolute_and_per_kg_maximum_applies(catalog: Catalog) -> None:
    entry = session((med("lidocaine", "10", "15"),))
    (heavy,) = dose_totals(entry, catalog, weight_kg=Decimal(90))
    assert heavy.max_mg == Decimal(300)
    assert heavy.mg_per_kg == Decimal(150) / Decimal(90)
    (light,) = dose_totals(entry, catalog, weight_kg=Decimal(50))
    assert light.max_mg == Decimal("225.0")
    assert light.fraction_of_max == Decimal(150) / Decimal(225)
    assert light.mg_per_kg == Decimal(3)


def test_a_drug_without_maxima_has_no_fraction(catalog: Catalog) -> None:
    entry = session((med("dexamethasone_sodium_phosphate", "4", "1"),))
    (total,) = dose_totals(entry, catalog, weight_kg=Decimal(70))
    assert (total.max_mg, total.fraction_of_max) == (None, None)
    assert effective_maximum_mg(None, Decimal(70)) is None


def test_a_weight_of_zero_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="weight must be greater than 0"):
        dose_totals(session((med("lidocaine", "10", "1"),)), catalog, weight_kg=Decimal(0))


def test_combined_fraction_sums_local_anaesthetics_only(catalog: Catalog) -> None:
    entry = session(
        (med("lidocaine", "10", "15"), med("bupivacaine", "5", "17.5")),
        (med("triamcinolone_acetonide", "40", "2"),),
    )
    totals = dose_totals(entry, catalog, weight_kg=None)
    # 150 / 300 + 87.5 / 175 (the steroid's 80 / 80 is not a local anaesthetic)
    assert combined_local_anaesthetic_fraction(totals, catalog) == Decimal(1)


@given(concentration=concentrations, volume=volumes)
def test_property_dose_is_exact_product(concentration: Decimal, volume: Decimal) -> None:
    assert dose_mg(concentration, volume) == concentration * volume
    assert dose_mg(concentration, volume) / volume == concentration


@given(first=volumes, second=volumes, weight=st.none() | weights)
def test_property_totals_are_additive(
    catalog: Catalog, first: Decimal, second: Decimal, weight: Decimal | None
) -> None:
    split = session((med("lidocaine", "10", str(first)),), (med("lidocaine", "10", str(second)),))
    whole = session((med("lidocaine", "10", str(first + second)),))
    assert dose_totals(split, catalog, weight) == dose_totals(whole, catalog, weight)


@given(smaller=volumes, extra=volumes, weight=weights)
def test_property_fraction_grows_with_volume(
    catalog: Catalog, smaller: Decimal, extra: Decimal, weight: Decimal
) -> None:
    (low,) = dose_totals(session((med("bupivacaine", "5", str(smaller)),)), catalog, weight)
    (high,) = dose_totals(
        session((med("bupivacaine", "5", str(smaller + extra)),)), catalog, weight
    )
    assert low.fraction_of_max is not None and high.fraction_of_max is not None
    assert high.fraction_of_max > low.fraction_of_max


@given(volume=volumes, lighter=weights, extra=weights)
def test_property_fraction_never_falls_as_weight_falls(
    catalog: Catalog, volume: Decimal, lighter: Decimal, extra: Decimal
) -> None:
    entry = session((med("lidocaine", "10", str(volume)),))
    (light,) = dose_totals(entry, catalog, lighter)
    (heavy,) = dose_totals(entry, catalog, lighter + extra)
    assert light.fraction_of_max is not None and heavy.fraction_of_max is not None
    assert light.fraction_of_max >= heavy.fraction_of_max
    assert heavy.max_mg is not None and heavy.max_mg <= Decimal(300)


@given(volumes_ml=st.lists(volumes, min_size=1, max_size=6))
def test_property_combined_fraction_is_the_sum_of_fractions(
    catalog: Catalog, volumes_ml: list[Decimal]
) -> None:
    drugs = ["lidocaine", "bupivacaine", "lidocaine_with_epinephrine"]
    sites = [(med(drugs[i % 3], "5", str(v)),) for i, v in enumerate(volumes_ml)]
    totals = dose_totals(session(*sites), catalog, weight_kg=Decimal(70))
    expected = sum((t.fraction_of_max or Decimal(0) for t in totals), Decimal(0))
    assert combined_local_anaesthetic_fraction(totals, catalog) == expected
