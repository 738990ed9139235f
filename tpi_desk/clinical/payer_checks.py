"""Pure payer checks of the Medicare TPI LCDs: sessions per year, intervals, regions, diagnoses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tpi_desk.clinical.catalog import Catalog, PayerRules
from tpi_desk.clinical.record import NoteStatus, PriorSession, SessionEntry, Side


@dataclass(frozen=True, slots=True)
class RepeatedMuscle:
    """A muscle and side of this session treated at an earlier session too recently."""

    muscle_id: str
    site_index: int
    previous_date: date
    days_since: int
    side: Side | None = None


def sides_overlap(first: Side, second: Side) -> bool:
    """Whether two documented sides share a side: bilateral overlaps left and right."""
    return first is second or Side.BILATERAL in (first, second)


def treated_at(prior: PriorSession, muscle_id: str, side: Side) -> bool:
    """Whether ``prior`` treated ``muscle_id`` on a side overlapping ``side`` (a prior
    session recorded without its sides counts on every side)."""
    if not prior.sites:
        return muscle_id in prior.muscle_ids
    return any(m == muscle_id and sides_overlap(s, side) for m, s in prior.sites)


def rules_apply(entry: SessionEntry, rules: PayerRules) -> bool:
    """The LCD limits cover some procedure kinds only (trigger point injections)."""
    return entry.kind in rules.applies_to


def one_year_before(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def counted_prior_sessions(
    entry: SessionEntry, history: Sequence[PriorSession], rules: PayerRules
) -> tuple[PriorSession, ...]:
    """Earlier sessions of a covered kind, before this one: every session performed, draft
    or signed, never one entered in error (issue 12: a draft is a session that took place)."""
    return tuple(
        prior
        for prior in history
        if prior.status is not NoteStatus.ENTERED_IN_ERROR
        and prior.kind in rules.applies_to
        and prior.performed_at < entry.performed_at
    )


def sessions_in_rolling_year(
    entry: SessionEntry, history: Sequence[PriorSession], rules: PayerRules
) -> int:
    """This session plus the counted sessions of the 12 months before it."""
    start = one_year_before(entry.performed_at.date())
    earlier = counted_prior_sessions(entry, history, rules)
    return 1 + sum(1 for prior in earlier if prior.performed_at.date() > start)


def muscles_repeated_too_soon(
    entry: SessionEntry, history: Sequence[PriorSession], rules: PayerRules
) -> tuple[RepeatedMuscle, ...]:
    """Muscles treated on an overlapping side at a counted session fewer than the minimum
    days before this one (the left trapezius is not the right one; bilateral is both)."""
    session_date = entry.performed_at.date()
    earlier = counted_prior_sessions(entry, history, rules)
    repeated = []
    seen: set[tuple[str, Side]] = set()
    for site_index, site in enumerate(entry.sites):
        if (site.muscle_id, site.side) in seen:
            continue
        seen.add((site.muscle_id, site.side))
        dates = [p.performed_at.date() for p in earlier if treated_at(p, site.muscle_id, site.side)]
        if not dates:
            continue
        latest = max(dates)
        days_since = (session_date - latest).days
        if days_since < rules.min_days_between_same_muscle:
            repeated.append(
                RepeatedMuscle(site.muscle_id, site_index, latest, days_since, site.side)
            )
    return tuple(repeated)


def regions_in_session(entry: SessionEntry, catalog: Catalog) -> tuple[str, ...]:
    """The anatomical regions of the session's known muscles, in order of first appearance."""
    regions: dict[str, None] = {}
    for site in entry.sites:
        muscle = catalog.muscles.get(site.muscle_id)
        if muscle is not None:
            regions[muscle.region] = None
    return tuple(regions)


def uncovered_diagnoses(entry: SessionEntry, rules: PayerRules) -> tuple[tuple[int, str], ...]:
    """(index, code) of each diagnosis outside the LCD's covered list."""
    return tuple(
        (index, code)
        for index, code in enumerate(entry.diagnoses)
        if code not in rules.covered_diagnoses
    )
