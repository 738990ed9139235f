"""The admin's audit report: filter by user, patient, action and dates; page; export CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.models.audit import AuditEvent
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import AuditEntry, AuditPage
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

PAGE_SIZE = 200
CSV_COLUMNS = (
    "sequence", "occurred_at_utc", "user_id", "username", "action", "record_type",
    "record_id", "patient_id", "detail",
)  # fmt: skip
CSV_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to show; ``None`` means any. ``date_from`` is inclusive, ``date_to``
    exclusive (aware datetimes); ``user`` is a username as the trail records it."""

    user: str | None = None
    patient_id: int | None = None
    action: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


class AuditQueries:
    """Reading the audit trail is itself audited (first page of a report, each export)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def report(
        self,
        actor: Actor | None,
        user: str | None = None,
        patient_id: int | None = None,
        action: str | AuditAction | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        after: int | None = None,
        limit: int = PAGE_SIZE,
    ) -> AuditPage:
        """Entries newest first; ``after`` is the ``next_cursor`` of the previous page."""
        chosen = _filter(user, patient_id, action, date_from, date_to)
        with refusals_audited(self._session_factory, actor, "read the audit log", "audit"):
            authorize(actor, Action.VIEW_AUDIT, local_operator=True)
        query = _query(chosen).order_by(AuditEvent.sequence.desc()).limit(limit + 1)
        if after is not None:
            query = query.where(AuditEvent.sequence < after)

        def work(db: Session) -> AuditPage:
            rows = [_entry(row) for row in db.scalars(query)]
            if after is None:
                record_event(
                    db,
                    actor,
                    AuditAction.AUDIT_REPORT,
                    "audit",
                    None,
                    _describe(chosen),
                    at=self._clock(),
                )
            more = len(rows) > limit
            rows = rows[:limit]
            cursor = rows[-1].sequence if more and rows else None
            return AuditPage(rows=tuple(rows), next_cursor=cursor)

        return run_unit_of_work(self._session_factory, "read the audit log", work)

    def export_csv(
        self,
        path: Path,
        actor: Actor | None,
        user: str | None = None,
        patient_id: int | None = None,
        action: str | AuditAction | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> int:
        """Write every matching entry, oldest first, to a UTF-8 CSV file; returns the count."""
        chosen = _filter(user, patient_id, action, date_from, date_to)
        with refusals_audited(self._session_factory, actor, "export the audit log", "audit"):
            authorize(actor, Action.VIEW_AUDIT, local_operator=True)
        query = _query(chosen).order_by(AuditEvent.sequence)
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS)
                count = 0
                for entry in self._stream(query):
                    writer.writerow(_csv_row(entry))
                    count += 1
        except OSError as error:
            raise UserError(f"Could not write {path}: {error.strerror or error}.") from error
        run_unit_of_work(
            self._session_factory,
            "record the audit export",
            lambda db: record_event(
                db,
                actor,
                AuditAction.AUDIT_EXPORT,
                "audit",
                None,
                f"{count} entries to {path.name}; {_describe(chosen)}",
                at=self._clock(),
            ),
        )
        return count

    def _stream(self, query: Select[tuple[AuditEvent]]) -> Iterator[AuditEntry]:
        with self._session_factory() as db:
            # The session holds loaded rows weakly: each batch is freed once it is written
            # (expunge_all() would cut the streamed result short).
            for batch in db.scalars(query.execution_options(yield_per=CSV_BATCH)).partitions():
                yield from (_entry(row) for row in batch)


def _filter(
    user: str | None,
    patient_id: int | None,
    action: str | AuditAction | None,
    date_from: datetime | None,
    date_to: datetime | None,
) -> AuditFilter:
    for moment in (date_from, date_to):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError("audit report dates need a time zone")
    return AuditFilter(
        user=user.strip() if user else None,
        patient_id=patient_id,
        action=AuditAction(action).value if action else None,
        date_from=date_from,
        date_to=date_to,
    )


def _query(chosen: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).where(AuditEvent.sequence.is_not(None))
    if chosen.user is not None:
        query = query.where(AuditEvent.actor_name == chosen.user)
    if chosen.patient_id is not None:
        query = query.where(AuditEvent.patient_id == chosen.patient_id)
    if chosen.action is not None:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.date_from is not None:
        query = query.where(AuditEvent.occurred_at >= chosen.date_from)
    if chosen.date_to is not None:
        query = query.where(AuditEvent.occurred_at < chosen.date_to)
    return query


def _describe(chosen: AuditFilter) -> str:
    parts = [
        f"{name}={value.isoformat() if isinstance(value, datetime) else value}"
        for name, value in (
            ("user", chosen.user),
            ("patient", chosen.patient_id),
            ("action", chosen.action),
            ("from", chosen.date_from),
            ("to", chosen.date_to),
        )
        if value is not None
    ]
    return "filter: " + (", ".join(parts) if parts else "none")


def _entry(row: AuditEvent) -> AuditEntry:
    return AuditEntry(
        sequence=row.sequence,
        occurred_at=row.occurred_at,
        user_id=row.user_id,
        username=row.actor_name,
        action=row.action,
        record_type=row.record_type,
        record_id=row.record_id,
        patient_id=row.patient_id,
        detail=row.detail,
    )


def _csv_row(entry: AuditEntry) -> list[object]:
    return [
        entry.sequence,
        entry.occurred_at.astimezone(UTC).isoformat(),
        "" if entry.user_id is None else entry.user_id,
        _safe(entry.username),
        entry.action,
        entry.record_type,
        "" if entry.record_id is None else entry.record_id,
        "" if entry.patient_id is None else entry.patient_id,
        _safe(entry.detail),
    ]


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
