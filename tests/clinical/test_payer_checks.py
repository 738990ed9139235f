"""Payer checks: signed TPI sessions in a rolling year, intervals per muscle, regions, diagnoses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.payer_checks import (
    RepeatedMuscle,
    counted_prior_sessions,
    muscles_repeated_too_soon,
    one_year_before,
    regions_in_session,
    rules_apply,
    sessions_in_rolling_year,
    uncovered_diagnoses,
)
from tpi_desk.clinical.record import (
    NoteStatus,
    PriorSession,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)

TPI = ProcedureKind.TRIGGER_POINT_INJECTION
DRY = ProcedureKind.DRY_NEEDLING
NOW = datetime(2026, 3, 10, 9, 30)


def entry(
    *muscles: str, kind: ProcedureKind = TPI, diagnoses: tuple[str, ...] = ()
) -> SessionEntry:
    sites = tuple(SiteEntry(m, Side.LEFT) for m in muscles)
    return SessionEntry(NOW, kind, sites=sites, diagnoses=diagnoses)


def prior(
    days_ago: int,
    *muscles: str,
    kind: ProcedureKind = TPI,
    status: NoteStatus = NoteStatus.SIGNED,
) -> PriorSession:
    return PriorSession(NOW - timedelta(days=days_ago), kind, frozenset(muscles), status)


@pytest.mark.parametrize(
    ("day", "year_before"),
    [
        (date(2026, 3, 10), date(2025, 3, 10)),
        (date(2028, 2, 29), date(2027, 2, 28)),
        (date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_one_year_before(day: date, year_before: date) -> None:
    assert one_year_before(day) == year_before


def test_earlier_sessions_of_a_covered_kind_count_draft_or_signed(catalog: Catalog) -> None:
    # Issue 12: every session performed counts, draft or signed, never one entered in error.
    rules = catalog.payer_rules
    signed = prior(30, "upper_trapezius")
    draft = prior(20, "upper_trapezius", status=NoteStatus.DRAFT)
    history = [
        signed,
        draft,
        prior(10, "upper_trapezius", status=NoteStatus.ENTERED_IN_ERROR),
        prior(5, "upper_trapezius", kind=DRY),
        prior(-3, "upper_trapezius"),
        prior(0, "upper_trapezius"),
    ]
    assert counted_prior_sessions(entry("upper_trapezius"), history, rules) == (signed, draft)


def test_sessions_in_rolling_year_counts_this_session_and_the_past_twelve_months(
    catalog: Catalog,
) -> None:
    rules = catalog.payer_rules
    assert sessions_in_rolling_year(entry("soleus"), [], rules) == 1
    history = [prior(364, "soleus"), prior(200, "soleus"), prior(365, "soleus"), prior(400)]
    # 2025-03-10 is exactly twelve months before 2026-03-10 and falls outside the window.
    assert sessions_in_rolling_year(entry("soleus"), history, rules) == 3


def test_muscles_repeated_within_the_minimum_interval(catalog: Catalog) -> None:
    rules = catalog.payer_rules
    session = entry("upper_trapezius", "levator_scapulae", "upper_trapezius", "soleus")
    history = [
        prior(60, "upper_trapezius"),
        prior(41, "upper_trapezius", "rhomboid_major"),
        prior(42, "levator_scapulae"),
        prior(3, "soleus", kind=DRY),
    ]
    assert muscles_repeated_too_soon(session, history, rules) == (
        RepeatedMuscle("upper_trapezius", 0, date(2026, 1, 28), 41, Side.LEFT),
    )


def test_the_most_recent_earlier_session_decides_the_interval(catalog: Catalog) -> None:
    history = [prior(100, "soleus"), prior(7, "soleus"), prior(30, "soleus")]
    (repeated,) = muscles_repeated_too_soon(entry("soleus"), history, catalog.payer_rules)
    assert repeated.days_since == 7


def test_regions_in_order_of_first_appearance(catalog: Catalog) -> None:
    session = entry("quadratus_lumborum", "upper_trapezius", "multifidus", "not_a_muscle")
    assert regions_in_session(session, catalog) == ("lumbar", "cervical")
    assert regions_in_session(entry(), catalog) == ()


def test_uncovered_diagnoses_with_their_positions(catalog: Catalog) -> None:
    session = entry(diagnoses=("M79.18", "M54.2", "G44.229", "Z00.00"))
    assert uncovered_diagnoses(session, catalog.payer_rules) == ((1, "M54.2"), (3, "Z00.00"))


def test_rules_apply_to_trigger_point_injections_only(catalog: Catalog) -> None:
    assert rules_apply(entry(), catalog.payer_rules)
    assert not rules_apply(entry(kind=DRY), catalog.payer_rules)
