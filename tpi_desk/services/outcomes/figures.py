"""The outcomes report as plain data: what was asked, and pain before/after and relief per
group and period, kept as sums so that periods and groups add up exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class OutcomeGrouping(StrEnum):
    """What the sessions are grouped by. A session counts once in each group it touches: a
    session with two neck muscles counts once for the cervical region, once per muscle."""

    ALL = "all"
    REGION = "region"
    MUSCLE = "muscle"
    DRUG = "drug"
    PROVIDER = "provider"


class OutcomePeriod(StrEnum):
    """Months start on the 1st, weeks on Monday (ISO), on the clinic's clock of the session."""

    MONTH = "month"
    WEEK = "week"


class OutcomeMeasure(StrEnum):
    PAIN_BEFORE = "pain_before"
    PAIN_AFTER = "pain_after"
    RELIEF = "relief"
    RELIEF_PERCENT = "relief_percent"


GROUPING_LABELS = {
    OutcomeGrouping.ALL: "All sessions",
    OutcomeGrouping.REGION: "Region",
    OutcomeGrouping.MUSCLE: "Muscle",
    OutcomeGrouping.DRUG: "Drug",
    OutcomeGrouping.PROVIDER: "Provider",
}
PERIOD_LABELS = {OutcomePeriod.MONTH: "Month", OutcomePeriod.WEEK: "Week"}
MEASURE_LABELS = {
    OutcomeMeasure.PAIN_BEFORE: "Pain before (0-10)",
    OutcomeMeasure.PAIN_AFTER: "Pain after (0-10)",
    OutcomeMeasure.RELIEF: "Relief (points, before - after)",
    OutcomeMeasure.RELIEF_PERCENT: "Relief (% of pain before)",
}
ALL_SESSIONS_KEY = "all"


@dataclass(frozen=True, slots=True)
class OutcomeQuery:
    """Signed notes performed from ``date_from`` to ``date_to`` (both included, on the
    clinic's clock of each session), grouped by ``grouping``, per ``period``."""

    date_from: date
    date_to: date
    grouping: OutcomeGrouping = OutcomeGrouping.REGION
    period: OutcomePeriod = OutcomePeriod.MONTH

    def describe(self) -> str:
        """How the audit trail and the CSV name the report."""
        return (
            f"outcomes by {self.grouping.value} per {self.period.value}, "
            f"{self.date_from.isoformat()} to {self.date_to.isoformat()}"
        )


@dataclass(frozen=True, slots=True)
class OutcomeCell:
    """One group in one period: the signed sessions with both pain scores, and their sums.

    The percentage relief of a session is (before - after) / before x 100; sessions whose
    pain before was 0 have none and are left out of that mean only.
    """

    period_start: date
    group_key: str
    sessions: int
    pain_before_sum: int
    pain_after_sum: int
    relief_percent_sum: float = 0.0
    relief_percent_sessions: int = 0

    def mean(self, measure: OutcomeMeasure) -> float | None:
        """The mean of ``measure`` over the cell's sessions (None when there is none)."""
        if measure is OutcomeMeasure.RELIEF_PERCENT:
            if not self.relief_percent_sessions:
                return None
            return self.relief_percent_sum / self.relief_percent_sessions
        if not self.sessions:
            return None
        total = {
            OutcomeMeasure.PAIN_BEFORE: self.pain_before_sum,
            OutcomeMeasure.PAIN_AFTER: self.pain_after_sum,
            OutcomeMeasure.RELIEF: self.pain_before_sum - self.pain_after_sum,
        }[measure]
        return total / self.sessions

    def plus(self, other: OutcomeCell) -> OutcomeCell:
        """Both cells' sessions together (kept under this cell's period and group)."""
        return OutcomeCell(
            self.period_start,
            self.group_key,
            self.sessions + other.sessions,
            self.pain_before_sum + other.pain_before_sum,
            self.pain_after_sum + other.pain_after_sum,
            self.relief_percent_sum + other.relief_percent_sum,
            self.relief_percent_sessions + other.relief_percent_sessions,
        )


@dataclass(frozen=True, slots=True)
class OutcomeGroup:
    key: str
    label: str
    total: OutcomeCell


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """Cells ordered by period then group; ``groups`` ordered by sessions, most first."""

    query: OutcomeQuery
    cells: tuple[OutcomeCell, ...]
    labels: dict[str, str]

    @property
    def groups(self) -> tuple[OutcomeGroup, ...]:
        totals: dict[str, OutcomeCell] = {}
        for cell in self.cells:
            known = totals.get(cell.group_key)
            totals[cell.group_key] = cell if known is None else known.plus(cell)
        ordered = sorted(totals.values(), key=lambda c: (-c.sessions, self.label(c.group_key)))
        return tuple(OutcomeGroup(c.group_key, self.label(c.group_key), c) for c in ordered)

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({cell.period_start for cell in self.cells}))

    @property
    def sessions(self) -> int:
        """Sessions counted in the whole report; with ``ALL`` each session once."""
        return sum(cell.sessions for cell in self.cells)

    def label(self, group_key: str) -> str:
        return self.labels.get(group_key, group_key)

    def series(self, group_key: str, measure: OutcomeMeasure) -> list[tuple[date, float]]:
        """``(period start, mean)`` of one group, oldest first, periods without data left out."""
        points = []
        for cell in self.cells:
            value = cell.mean(measure) if cell.group_key == group_key else None
            if value is not None:
                points.append((cell.period_start, value))
        return points


def cells_in_order(cells: Iterable[OutcomeCell]) -> tuple[OutcomeCell, ...]:
    return tuple(sorted(cells, key=lambda cell: (cell.period_start, cell.group_key)))
