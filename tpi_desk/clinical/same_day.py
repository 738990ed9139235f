"""The patient's other sessions on a session's date of service, for the once-per-day rules.

A session's date of service is its date on its own clock; another session's moment is read
on that same clock, so two sessions of one clinic day fall on one date whatever the time
zone the moments were stored in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from tpi_desk.clinical.record import NoteStatus, PriorSession, ProcedureKind, SessionEntry, Side

SiteKey = tuple[str, Side]


def date_of_service(moment: datetime, reference: datetime) -> date:
    """``moment``'s date on ``reference``'s clock (wall-clock dates if either is naive)."""
    if moment.tzinfo is not None and reference.tzinfo is not None:
        return moment.astimezone(reference.tzinfo).date()
    return moment.date()


def same_day_sessions(
    entry: SessionEntry,
    history: Sequence[PriorSession],
    *,
    kind: ProcedureKind | None = None,
    signed_only: bool = False,
) -> tuple[PriorSession, ...]:
    """The other sessions of ``entry``'s date of service (never those entered in error),
    of ``kind`` when given, signed ones only when ``signed_only``, oldest first."""
    day = entry.performed_at.date()
    found = [
        prior
        for prior in history
        if prior.status is not NoteStatus.ENTERED_IN_ERROR
        and (not signed_only or prior.status is NoteStatus.SIGNED)
        and (kind is None or prior.kind is kind)
        and date_of_service(prior.performed_at, entry.performed_at) == day
    ]
    return tuple(sorted(found, key=lambda prior: on_entry_clock(prior.performed_at, entry)))


def entry_sites(entry: SessionEntry) -> frozenset[SiteKey]:
    return frozenset((site.muscle_id, site.side) for site in entry.sites)


def sides_treated(side: Side) -> frozenset[Side]:
    """Bilateral is the left and the right side; any other side is itself."""
    if side is Side.BILATERAL:
        return frozenset((Side.LEFT, Side.RIGHT))
    return frozenset((side,))


def shared_muscle_sides(first: Iterable[SiteKey], second: Iterable[SiteKey]) -> set[SiteKey]:
    """The (muscle, side) pairs treated in both lists, bilateral read as left and right."""
    treated = {(muscle, one) for muscle, side in second for one in sides_treated(side)}
    return {(muscle, one) for muscle, side in first for one in sides_treated(side)} & treated


def reported_before(prior: PriorSession, entry: SessionEntry) -> bool:
    """True if ``prior`` comes first on the day's claim: performed earlier, or at the same
    moment with sites that sort first (a fixed order both sessions agree on)."""
    prior_at = on_entry_clock(prior.performed_at, entry)
    entry_at = on_entry_clock(entry.performed_at, entry)
    if prior_at != entry_at:
        return prior_at < entry_at
    return sorted(prior.sites) < sorted(entry_sites(entry))


def on_entry_clock(moment: datetime, entry: SessionEntry) -> datetime:
    """``moment`` as the wall-clock time of the entry's clock (naive, so always comparable)."""
    reference = entry.performed_at
    if moment.tzinfo is not None and reference.tzinfo is not None:
        moment = moment.astimezone(reference.tzinfo)
    return moment.replace(tzinfo=None)
