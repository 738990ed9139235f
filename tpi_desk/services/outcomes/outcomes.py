"""The outcomes report: pain before and after, and relief, of signed notes by region,
muscle, drug or provider, per month or week. Reading it and exporting it are audited."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.outcomes.aggregation import aggregate, group_labels
from tpi_desk.services.outcomes.figures import (
    GROUPING_LABELS,
    OutcomeMeasure,
    OutcomeQuery,
    OutcomeReport,
)
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

RECORD_TYPE = "outcomes"
# Ten years of weeks is ~520 periods: beyond that the chart and table say nothing more.
MAX_DAYS = 3_660
CSV_COLUMNS = (
    "period_start", "grouped_by", "group", "sessions", "mean_pain_before",
    "mean_pain_after", "mean_relief", "mean_relief_percent", "sessions_with_percent",
)  # fmt: skip
CSV_MEASURES = (
    OutcomeMeasure.PAIN_BEFORE,
    OutcomeMeasure.PAIN_AFTER,
    OutcomeMeasure.RELIEF,
    OutcomeMeasure.RELIEF_PERCENT,
)


class OutcomesService:
    """Clinicians, billing staff and admins may read it (``Action.VIEW_OUTCOMES``): it shows
    sums over signed notes and names no patient."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._catalog = catalog
        self._clock = clock

    def report(self, query: OutcomeQuery, *, actor: Actor | None) -> OutcomeReport:
        """The report's numbers, summed by the database; the reading is audited."""
        _check(query)
        self._authorize(actor, "read the outcomes report")

        def work(db: Session) -> OutcomeReport:
            cells = aggregate(db, query, self._catalog)
            labels = group_labels(db, cells, query.grouping, self._catalog)
            record_event(
                db, actor, AuditAction.VIEW, RECORD_TYPE, None, query.describe(), at=self._clock()
            )
            return OutcomeReport(query, cells, labels)

        return run_unit_of_work(self._session_factory, "read the outcomes report", work)

    def export_csv(self, report: OutcomeReport, path: Path, *, actor: Actor | None) -> int:
        """Write one row per group and period to a UTF-8 CSV file; returns the rows written."""
        self._authorize(actor, "export the outcomes report")
        grouped_by = GROUPING_LABELS[report.query.grouping].lower()
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS)
                for cell in report.cells:
                    means = [_rounded(cell.mean(measure)) for measure in CSV_MEASURES]
                    writer.writerow(
                        [
                            cell.period_start.isoformat(),
                            grouped_by,
                            _safe(report.label(cell.group_key)),
                            cell.sessions,
                            *means,
                            cell.relief_percent_sessions,
                        ]
                    )
        except OSError as error:
            reason = (error.strerror or str(error)).rstrip(".").lower()
            raise UserError(f"Could not write {path}: {reason}.") from error
        self._record_export(actor, report, f"{len(report.cells)} rows to {path.name}")
        return len(report.cells)

    def record_chart_export(
        self, report: OutcomeReport, path: Path, *, actor: Actor | None
    ) -> None:
        """Audit a chart of ``report`` saved as an image (drawn by the caller)."""
        self._authorize(actor, "export the outcomes report")
        self._record_export(actor, report, f"chart to {path.name}")

    def _record_export(self, actor: Actor | None, report: OutcomeReport, what: str) -> None:
        run_unit_of_work(
            self._session_factory,
            "record the outcomes export",
            lambda db: record_event(
                db,
                actor,
                AuditAction.EXPORT,
                RECORD_TYPE,
                None,
                f"{what}; {report.query.describe()}",
                at=self._clock(),
            ),
        )

    def _authorize(self, actor: Actor | None, attempted: str) -> None:
        with refusals_audited(self._session_factory, actor, attempted, RECORD_TYPE):
            authorize(actor, Action.VIEW_OUTCOMES, local_operator=True)


def _check(query: OutcomeQuery) -> None:
    if query.date_to < query.date_from:
        raise ValidationFailed([FieldProblem("date_to", "To", "the end date is before the start.")])
    if (query.date_to - query.date_from).days > MAX_DAYS:
        raise ValidationFailed(
            [FieldProblem("date_to", "To", "choose at most ten years from the start date.")]
        )


def _rounded(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
