"""Checks the audit chain: each entry's hash recomputed from its row, links and gaps."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.services.audit.events import audit_hash
from tpi_desk.services.integrity.chain_walk import (
    ChainTip,
    ChainWalk,
    Finding,
    Progress,
    id_ranges,
    no_progress,
    numbers,
)
from tpi_desk.services.integrity.chains import AUDIT_CHAIN

BATCH_SIZE = 2_000
PROGRESS_LABEL = "Checking audit entries"


def check_audit_chain(
    db: Session, progress: Progress = no_progress
) -> tuple[list[Finding], int, ChainTip]:
    """Findings naming every audit entry altered, removed or added outside the app, and how
    many entries were checked."""
    walk = ChainWalk(AUDIT_CHAIN, "audit entry", lambda sequence: f"audit entry #{sequence}")
    findings: list[Finding] = []
    head = db.get(ChainHead, AUDIT_CHAIN)
    total = head.sequence if head is not None else 0
    progress(PROGRESS_LABEL, 0, total)
    query = (
        select(AuditEvent)
        .where(AuditEvent.sequence.is_not(None))
        .order_by(AuditEvent.sequence)
        .execution_options(yield_per=BATCH_SIZE)
    )
    for batch in db.scalars(query).partitions(BATCH_SIZE):
        for event in batch:
            sequence = event.sequence or 0
            findings += walk.step(sequence, event.prev_hash or "", event.hash or "")
            if audit_hash(event) != event.hash:
                findings.append(
                    Finding(
                        AUDIT_CHAIN,
                        f"audit entry #{sequence} ({event.action}, {event.actor_name}) was "
                        "altered outside the app",
                    )
                )
        # No expunge_all() here: it would cut the streamed result short. The session holds
        # loaded rows weakly, so each batch is freed once the loop lets go of it.
        progress(PROGRESS_LABEL, walk.count, max(total, walk.count))
    findings += walk.finish(head.sequence if head else None, head.hash if head else None)
    outside = list(
        db.scalars(
            select(AuditEvent.id).where(AuditEvent.sequence.is_(None)).order_by(AuditEvent.id)
        )
    )
    findings += [
        Finding(
            AUDIT_CHAIN,
            f"audit rows with id {numbers(first, last)} are outside the chain: "
            "inserted outside the app",
        )
        for first, last in id_ranges(outside)
    ]
    return findings, walk.count, ChainTip(walk.last_sequence, walk.last_hash)
