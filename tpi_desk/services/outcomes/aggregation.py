"""The outcomes report's numbers, summed by the database (SQLite or PostgreSQL).

One statement per report: the signed sessions of the date range with both pain scores,
each paired once with each group it touches (region, muscle, drug, provider), are counted
and summed per group and period (month or ISO week of the session's own clock). Only a row
per group and period comes back, however many sessions the database holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import literal_column

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.people import User
from tpi_desk.models.procedures import InjectionSite, MedicationLine, ProcedureSession
from tpi_desk.services.outcomes.figures import (
    ALL_SESSIONS_KEY,
    OutcomeCell,
    OutcomeGrouping,
    OutcomePeriod,
    OutcomeQuery,
    cells_in_order,
)

# A clock's offset from UTC is between -12 and +14 hours: the index on performed_at is
# walked with this much to spare each side, and each session's own date decides.
CLOCK_SPREAD = timedelta(hours=14)
UNKNOWN_REGION = "other"


def aggregate(db: Session, query: OutcomeQuery, catalog: Catalog) -> tuple[OutcomeCell, ...]:
    """The report's cells, ordered by period then group key."""
    dialect = db.get_bind().dialect.name
    scored = _scored_sessions(query, catalog, dialect).subquery("scored")
    before, after = scored.c.pain_before, scored.c.pain_after
    percent = case(
        (before > 0, cast(before - after, Float) * 100.0 / before),
        else_=None,
    )
    totals = select(
        scored.c.period_start,
        scored.c.group_key,
        func.count(),
        func.sum(before),
        func.sum(after),
        func.sum(percent),
        func.count(percent),
    ).group_by(scored.c.period_start, scored.c.group_key)
    cells = (
        OutcomeCell(
            period_start=period_start,
            group_key=str(group_key),
            sessions=int(count),
            pain_before_sum=int(before_sum or 0),
            pain_after_sum=int(after_sum or 0),
            relief_percent_sum=float(percent_sum or 0),
            relief_percent_sessions=int(percent_count),
        )
        for period_start, group_key, count, before_sum, after_sum, percent_sum, percent_count in (
            db.execute(totals)
        )
    )
    return cells_in_order(cells)


def group_labels(
    db: Session, cells: tuple[OutcomeCell, ...], grouping: OutcomeGrouping, catalog: Catalog
) -> dict[str, str]:
    """How each group key of ``cells`` is shown: names from the catalog or the user list."""
    keys = {cell.group_key for cell in cells}
    if grouping is OutcomeGrouping.ALL:
        return dict.fromkeys(keys, "All sessions")
    if grouping is OutcomeGrouping.REGION:
        return {key: key.replace("_", " ").capitalize() for key in keys}
    if grouping is OutcomeGrouping.MUSCLE:
        return {key: _name(catalog.muscles, key) for key in keys}
    if grouping is OutcomeGrouping.DRUG:
        return {key: _name(catalog.drugs, key) for key in keys}
    ids = [int(key) for key in keys]
    names = {
        str(user_id): name
        for user_id, name in db.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    }
    return {key: names.get(key, f"user {key}") for key in keys}


def _name(entries: Mapping[str, object], key: str) -> str:
    entry = entries.get(key)
    name = getattr(entry, "name", None)
    return name if isinstance(name, str) else key.replace("_", " ")


def _scored_sessions(query: OutcomeQuery, catalog: Catalog, dialect: str) -> Select[Any]:
    """One row per (session, group): its scores, period start and group key."""
    session = ProcedureSession
    clock = _SessionClock(dialect)
    day = clock.day()
    # Sessions this far inside the range are in it on any clock; only those near its ends
    # have their own date worked out (SQLite stops at the first true side of an OR).
    inside = and_(
        session.performed_at >= _utc(query.date_from) + timedelta(hours=12),
        session.performed_at < _utc(query.date_to + timedelta(days=1)) - CLOCK_SPREAD,
    )
    rows = select(
        session.id,
        session.pain_before.label("pain_before"),
        session.pain_after.label("pain_after"),
        clock.period_start(query.period).label("period_start"),
        _group_key(query.grouping, catalog).label("group_key"),
    ).where(
        session.status == NoteStatus.SIGNED,
        session.performed_at >= _utc(query.date_from) - CLOCK_SPREAD,
        session.performed_at < _utc(query.date_to + timedelta(days=1)) + CLOCK_SPREAD,
        session.pain_before.is_not(None),
        session.pain_after.is_not(None),
        or_(inside, and_(day >= query.date_from, day <= query.date_to)),
    )
    if query.grouping in (OutcomeGrouping.REGION, OutcomeGrouping.MUSCLE):
        rows = rows.join(InjectionSite, InjectionSite.session_id == session.id).distinct()
    elif query.grouping is OutcomeGrouping.DRUG:
        rows = (
            rows.join(InjectionSite, InjectionSite.session_id == session.id)
            .join(MedicationLine, MedicationLine.site_id == InjectionSite.id)
            .distinct()
        )
    return rows


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _group_key(grouping: OutcomeGrouping, catalog: Catalog) -> ColumnElement[Any]:
    if grouping is OutcomeGrouping.ALL:
        return literal_column(f"'{ALL_SESSIONS_KEY}'", String)
    if grouping is OutcomeGrouping.PROVIDER:
        return cast(ProcedureSession.provider_id, String)
    if grouping is OutcomeGrouping.MUSCLE:
        return InjectionSite.muscle_id.expression
    if grouping is OutcomeGrouping.DRUG:
        return MedicationLine.drug_id.expression
    regions = {muscle.id: muscle.region for muscle in catalog.muscles.values()}
    return case(regions, value=InjectionSite.muscle_id, else_=UNKNOWN_REGION)


class _SessionClock:
    """Dates on the clock each session was recorded with (stored: UTC and its offset)."""

    def __init__(self, dialect: str) -> None:
        session = ProcedureSession
        self._sqlite = dialect == "sqlite"
        if self._sqlite:
            # A date function's modifier ("-300 minutes") shifts the stored UTC time.
            self._shift = cast(session.performed_at_offset_minutes, String) + " minutes"
        else:
            utc_wall_time = func.timezone(literal_column("'UTC'"), session.performed_at)
            minutes = session.performed_at_offset_minutes * literal_column("interval '1 minute'")
            self._local = utc_wall_time + minutes

    def day(self) -> ColumnElement[Any]:
        if self._sqlite:
            return func.date(ProcedureSession.performed_at, self._shift, type_=Date)
        return cast(self._local, Date)

    def period_start(self, period: OutcomePeriod) -> ColumnElement[Any]:
        performed_at = ProcedureSession.performed_at
        if self._sqlite and period is OutcomePeriod.MONTH:
            return func.strftime("%Y-%m-01", performed_at, self._shift, type_=Date)
        if self._sqlite:
            # "weekday 1" moves forward to the next Monday (or stays on one): from six days
            # earlier, that is the Monday on or before the day.
            return func.date(performed_at, self._shift, "-6 days", "weekday 1", type_=Date)
        unit = "month" if period is OutcomePeriod.MONTH else "week"  # PostgreSQL weeks: ISO
        return cast(func.date_trunc(literal_column(f"'{unit}'"), self._local), Date)
