"""Pure payer checks of the Medicare TPI LCDs: sessions per year, intervals, regions, diagnoses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tpi_desk.clinical.catalog import Catalog, PayerRules
from tpi_desk.clinical.record import NoteStatus, PriorSession, SessionEntry


@dataclass(frozen=True, slots=True)
class RepeatedMuscle:
    """A muscle of this session treated at an earlier session too recently."""

    muscle_id: str
    site_index: int
    previous_date: date
    days_since: int


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
    """Signed earlier sessions of a covered kind, before this one (drafts never count)."""
    return tuple(
        prior
        for prior in history
        if prior.status is NoteStatus.SIGNED
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
    """Muscles treated at a counted session fewer than the minimum days before this one."""
    session_date = entry.performed_at.date()
    earlier = counted_prior_sessions(entry, history, rules)
    repeated = []
    seen: set[str] = set()
    for site_index, site in enumerate(entry.sites):
        if site.muscle_id in seen:
            continue
        seen.add(site.muscle_id)
        dates = [p.performed_at.date() for p in earlier if site.muscle_id in p.muscle_ids]
        if not dates:
            continue
        latest = max(dates)
        days_since = (session_date - latest).days
        if days_since < rules.min_days_between_same_muscle:
            repeated.append(RepeatedMuscle(site.muscle_id, site_index, latest, days_since))
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
