"""How values read on the note: relief, strengths, needles, offsets, ages, pick-list labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.reports.note_format import (
    NBSP,
    age_on,
    concentration,
    date_time,
    markup,
    needle,
    percent_relief,
    pick_list_label,
    utc_offset,
)


@pytest.mark.parametrize(
    ("before", "after", "relief"),
    [(7, 2, Decimal(71)), (8, 4, Decimal(50)), (5, 5, Decimal(0)), (4, 6, Decimal(-50))],
)
def test_percent_relief_is_the_drop_over_the_starting_pain(
    before: int, after: int, relief: Decimal
) -> None:
    assert percent_relief(before, after) == relief


@pytest.mark.parametrize(("before", "after"), [(0, 0), (0, 3), (None, 2), (6, None)])
def test_percent_relief_is_undefined_from_zero_or_without_both_scores(
    before: int | None, after: int | None
) -> None:
    assert percent_relief(before, after) is None


def test_local_anaesthetics_read_in_percent_and_mg_per_ml(catalog: Catalog) -> None:
    lidocaine, bupivacaine = catalog.drug("lidocaine"), catalog.drug("bupivacaine")
    triamcinolone = catalog.drug("triamcinolone_acetonide")
    assert concentration(lidocaine, Decimal("10")).replace(NBSP, " ") == "1 % (10 mg/mL)"
    assert concentration(bupivacaine, Decimal("2.5")).replace(NBSP, " ") == "0.25 % (2.5 mg/mL)"
    assert concentration(triamcinolone, Decimal("40")).replace(NBSP, " ") == "40 mg/mL"
    assert concentration(None, Decimal("9")).replace(NBSP, " ") == "9 mg/mL"


def test_a_value_never_breaks_from_its_unit(catalog: Catalog) -> None:
    text = concentration(catalog.drug("lidocaine"), Decimal("10"))
    assert text == f"1{NBSP}% (10{NBSP}mg/mL)"
    assert needle(25, Decimal("38")) == f"25{NBSP}G / 38{NBSP}mm"


def test_needle_shows_what_is_recorded() -> None:
    assert needle(None, Decimal("50")).replace(NBSP, " ") == "50 mm"
    assert needle(27, None).replace(NBSP, " ") == "27 G"
    assert needle(None, None) == "—"
    assert needle(25, Decimal("38"), "\n").replace(NBSP, " ") == "25 G\n38 mm"


def test_times_print_with_the_clinicians_own_offset() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    assert date_time(datetime(2026, 3, 4, 9, 5, tzinfo=india)) == "2026-03-04 09:05 (UTC+05:30)"
    newfoundland = timezone(-timedelta(hours=3, minutes=30))
    assert utc_offset(datetime(2026, 1, 1, tzinfo=newfoundland)) == "UTC-03:30"
    assert date_time(datetime(2026, 3, 4, 9, 5)) == "2026-03-04 09:05"


def test_age_counts_whole_years_up_to_the_birthday() -> None:
    born = date(1984, 7, 19)
    assert age_on(born, date(2026, 7, 18)) == 41
    assert age_on(born, date(2026, 7, 19)) == 42
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25


def test_pick_list_values_print_as_catalog_labels_whatever_their_form(catalog: Catalog) -> None:
    care = catalog.conservative_care_options
    assert pick_list_label(care, "physical_therapy") == "Physical therapy"
    assert pick_list_label(care, "physical therapy") == "Physical therapy"
    assert pick_list_label(care, "Home Exercise Program") == "Home exercise program"
    assert pick_list_label(care, "yoga twice a week") == "yoga twice a week"


def test_free_text_is_escaped_before_it_reaches_a_paragraph() -> None:
    assert markup("pain <5/10 & improving>") == "pain &lt;5/10 &amp; improving&gt;"
