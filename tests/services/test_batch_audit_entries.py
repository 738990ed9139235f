"""An export's thousand audit entries written at once are the entries ``record_event`` would
write one by one: the same numbers, hashes and links, and a chain that still verifies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.services.test_exporting import demo  # noqa: F401 (the fixture)
from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.audit.events import AuditAction, record_event, record_events
from tpi_desk.services.integrity.chains import AUDIT_CHAIN
from tpi_desk.services.integrity.verification import VerificationService
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

AT = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)


def entries(db: Session, after: int) -> list[tuple[object, ...]]:
    rows = db.scalars(
        select(AuditEvent).where(AuditEvent.sequence > after).order_by(AuditEvent.sequence)
    )
    return [(e.sequence, e.prev_hash, e.hash, e.record_id, e.patient_id, e.detail) for e in rows]


def test_entries_written_at_once_are_those_written_one_by_one(
    demo: Database,  # noqa: F811 (the fixture)
) -> None:
    with demo.session_factory() as db:
        sessions = db.execute(select(ProcedureSession.id, ProcedureSession.patient_id)).all()
        head = db.scalars(select(ChainHead).where(ChainHead.name == AUDIT_CHAIN)).one()
        start = head.sequence
    records = [(session_id, patient_id) for session_id, patient_id in sessions]
    with demo.session_factory() as db:  # one by one, looked at, then rolled back
        for record_id, patient_id in records:
            record_event(
                db,
                None,
                AuditAction.EXPORT,
                "session",
                record_id,
                "claims CSV; test",
                patient_id=patient_id,
                at=AT,
            )
        single = entries(db, start)
        db.rollback()

    run_unit_of_work(
        demo.session_factory,
        "record at once",
        lambda db: record_events(
            db,
            None,
            AuditAction.EXPORT,
            "session",
            [(record_id, "claims CSV; test", patient_id) for record_id, patient_id in records],
            at=AT,
        ),
    )

    with demo.session_factory() as db:
        assert entries(db, start) == single
    assert len(single) == len(records) > 10
    report = VerificationService(demo.session_factory).verify(record=False)
    assert report.intact, report.findings
