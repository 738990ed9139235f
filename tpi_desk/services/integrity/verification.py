"""`tpi-desk verify`: both hash chains, every signed record re-serialised, the triggers.

A finding names a signed note, addendum, co-signature, entered-in-error mark or audit entry
that was altered, removed or added outside the app, or a protective trigger that is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Exists, Select, and_, exists, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.models.file_check import file_checked_beside
from tpi_desk.models.procedures import (
    Addendum,
    Cosignature,
    EnteredInErrorMark,
    ProcedureSession,
    Signature,
    SignedRecordKind,
)
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.anchors import Anchors
from tpi_desk.services.integrity.audit_check import check_audit_chain
from tpi_desk.services.integrity.chain_walk import (
    ChainTip,
    Finding,
    Progress,
    id_ranges,
    no_progress,
    numbers,
)
from tpi_desk.services.integrity.chunk_runner import InWorkers, chunk_runner
from tpi_desk.services.integrity.patient_chain import check_patients
from tpi_desk.services.integrity.signature_check import SignatureTally, check_signature_chain
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

log = logging.getLogger(__name__)

_CHILDREN = (
    "session_diagnoses", "injection_sites", "session_findings", "medication_lines",
    "session_images",  # migration 0010
)  # fmt: skip
_APPEND_ONLY = (
    "audit_events", "signatures", "cosign_requests", "cosignatures", "entered_in_error_marks",
)  # fmt: skip
# The triggers migrations 0003 and 0010 create, by backend; verify reports any that is missing
# (or, on PostgreSQL, disabled).
SQLITE_TRIGGERS = frozenset(
    [
        "tpi_desk_signed_session_update",
        "tpi_desk_signed_session_delete",
        *(f"tpi_desk_signed_{t}_{op}" for t in _CHILDREN for op in ("insert", "update", "delete")),
        "tpi_desk_signed_addenda_update",
        "tpi_desk_signed_addenda_delete",
        "tpi_desk_chain_heads_update",
        "tpi_desk_chain_heads_delete",
        *(f"tpi_desk_{t}_{op}" for t in _APPEND_ONLY for op in ("update", "delete")),
    ]
)
POSTGRESQL_TRIGGERS = frozenset(
    [
        "tpi_desk_signed_session",
        *(f"tpi_desk_signed_{t}" for t in _CHILDREN),
        "tpi_desk_signed_addenda",
        "tpi_desk_chain_heads",
        *(f"tpi_desk_{t}_append_only" for t in _APPEND_ONLY),
        *(
            f"tpi_desk_{t}_no_truncate"
            for t in (
                *_APPEND_ONLY,
                "procedure_sessions",
                *_CHILDREN,
                "addenda",
                "chain_heads",
            )
        ),
    ]
)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    findings: tuple[Finding, ...]
    signatures: SignatureTally
    audit_entries: int
    signature_tip: ChainTip
    audit_tip: ChainTip
    # Why the run is missing from the audit trail (another program kept the database locked
    # past the busy timeout, or the file is read-only); None once it is recorded.
    not_recorded: str | None = None

    @property
    def intact(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        kinds = self.signatures.by_kind
        return (
            f"{self.signatures.total:,} signatures ("
            f"{kinds.get(SignedRecordKind.SESSION, 0):,} notes, "
            f"{kinds.get(SignedRecordKind.ADDENDUM, 0):,} addenda, "
            f"{kinds.get(SignedRecordKind.COSIGNATURE, 0):,} co-signatures, "
            f"{kinds.get(SignedRecordKind.ENTERED_IN_ERROR, 0):,} entered-in-error marks) "
            f"and {self.audit_entries:,} audit entries"
        )

    def tips(self) -> str:
        """The newest link of each chain, to note down outside the database."""
        return (
            f"signature chain #{self.signature_tip.sequence} {self.signature_tip.hash}; "
            f"audit chain #{self.audit_tip.sequence} {self.audit_tip.hash}"
        )


class VerificationService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        anchors: Anchors | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._anchors = anchors  # checkpoints outside the database (issue 13)

    def verify(
        self,
        *,
        actor: Actor | None = None,
        record: bool = True,
        progress: Progress = no_progress,
        check_file: bool = False,
    ) -> VerificationReport:
        """Check everything (admins, or the local operator of ``tpi-desk verify``); with
        ``record``, the run and its outcome are appended to the audit trail; ``progress`` is
        told how far the two chains are. ``check_file``: SQLite's check of the whole file runs
        beside the chains (``file_checked_beside``; the command opens the database without
        it), and a damaged file raises ``DatabaseOpenError`` before anything is recorded."""
        with refusals_audited(self._session_factory, actor, "verify the records", "database"):
            authorize(actor, Action.VIEW_AUDIT, local_operator=True)
        with (
            database_errors_as_user_errors("verify the records"),
            _unreadable_values_as_user_errors(),
            self._session_factory() as db,
            file_checked_beside(db.get_bind().engine.url) if check_file else nullcontext(),
        ):
            findings = _missing_triggers(db)
            with (
                chunk_runner(db, _chain_lengths(db)) as chunks,
                ThreadPoolExecutor(1, thread_name_prefix="tpi-desk-verify") as beside,
            ):
                # While worker processes check the chains (a large database), the records
                # outside them and the patients are checked here, on a session of their own.
                apart = isinstance(chunks, InWorkers)
                others = beside.submit(self._records_and_patients_apart) if apart else None
                signature_findings, tally, signature_tip = check_signature_chain(
                    db, chunks, progress
                )
                audit_findings, audit_entries, audit_tip = check_audit_chain(db, chunks, progress)
            findings += signature_findings + audit_findings
            findings += others.result() if others is not None else _records_and_patients(db)
            if self._anchors is not None:
                findings += self._anchors.findings(db)
        report = VerificationReport(tuple(findings), tally, audit_entries, signature_tip, audit_tip)
        if record:
            return replace(report, not_recorded=self._record(actor, report))
        return report

    def _records_and_patients_apart(self) -> list[Finding]:
        """``_records_and_patients`` on a session of its own (beside the chain checks)."""
        with self._session_factory() as db:
            return _records_and_patients(db)

    def _record(self, actor: Actor | None, report: VerificationReport) -> str | None:
        """Append the run to the audit trail (after the checks, which never wait for a
        writer); why not, if it could not be written within the busy timeout."""
        outcome = "intact" if report.intact else f"{len(report.findings)} finding(s)"
        try:
            run_unit_of_work(
                self._session_factory,
                "record the verification",
                lambda db: record_event(
                    db,
                    actor,
                    AuditAction.VERIFY,
                    "database",
                    None,
                    f"{outcome}: {report.summary()}",
                    at=self._clock(),
                ),
            )
        except UserError as error:  # a read-only copy, or a busy one, can still be verified
            log.info("could not record the verification in the audit trail: %s", error)
            return str(error)
        return None


@contextmanager
def _unreadable_values_as_user_errors() -> Iterator[None]:
    """A stored value the app could never have written (a date that is no date, text in a
    number column) stops the check with a plain message, not a traceback (issue 13)."""
    try:
        yield
    except (ValueError, TypeError, ArithmeticError) as error:
        raise UserError(
            f"Cannot verify the records: a stored value cannot be read ({error}). The "
            "database was changed outside the app; restore a backup or ask support."
        ) from error


def _records_and_patients(db: Session) -> list[Finding]:
    """What verify checks besides the chains: records claiming a link they lack, patients
    differing from their last audited state."""
    return _outside_the_chain(db) + check_patients(db)


def _chain_lengths(db: Session) -> int:
    """How many links and audit entries the chain heads count."""
    return db.scalar(select(func.coalesce(func.sum(ChainHead.sequence), 0))) or 0


def _missing_triggers(db: Session) -> list[Finding]:
    if db.get_bind().dialect.name == "postgresql":
        rows = db.execute(
            text(
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE 'tpi_desk_%'"
            )
        ).all()
        present = {name for name, enabled in rows if enabled != "D"}
        disabled = {name for name, enabled in rows if enabled == "D"}
        expected = POSTGRESQL_TRIGGERS
    else:
        present = set(
            db.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        )
        disabled = set()
        expected = SQLITE_TRIGGERS
    gone = sorted(expected - present)
    if not gone:
        return []
    off = sorted(name for name in gone if name in disabled)
    missing = [name for name in gone if name not in disabled]
    findings = []
    for names, state in ((missing, "missing"), (off, "disabled")):
        if names:
            findings.append(
                Finding(
                    "database",
                    f"{len(names)} of {len(expected)} protective triggers are {state}, so "
                    f"signed records could be changed outside the app: {', '.join(names)}",
                )
            )
    return findings


def _outside_the_chain(db: Session) -> list[Finding]:
    """Records that claim to be signed, or marked, but have no link in the chain."""

    def linked(kind: SignedRecordKind, record_id: Any) -> Exists:
        return exists().where(and_(Signature.record_type == kind, Signature.record_id == record_id))

    def marked(session_id: Any) -> Exists:
        return exists().where(
            and_(
                Signature.record_type == SignedRecordKind.ENTERED_IN_ERROR,
                Signature.session_id == session_id,
            )
        )

    checks: list[tuple[Select[tuple[int]], str]] = [
        (
            select(ProcedureSession.id).where(
                ProcedureSession.status != NoteStatus.DRAFT,
                ~linked(SignedRecordKind.SESSION, ProcedureSession.id),
            ),
            "signed note(s) {ids} have no signature: marked signed outside the app "
            "(a bulk load of demo data does this too)",
        ),
        (
            select(ProcedureSession.id).where(
                ProcedureSession.status == NoteStatus.ENTERED_IN_ERROR,
                ~marked(ProcedureSession.id),
            ),
            "note(s) {ids} were marked entered in error outside the app",
        ),
        (
            select(Addendum.id).where(
                Addendum.signed_at.is_not(None),
                ~linked(SignedRecordKind.ADDENDUM, Addendum.id),
            ),
            "addendum (addenda) {ids} have no signature: added outside the app",
        ),
        (
            select(Cosignature.session_id).where(
                ~linked(SignedRecordKind.COSIGNATURE, Cosignature.id)
            ),
            "co-signature(s) of note(s) {ids} have no signature: added outside the app",
        ),
        (
            select(EnteredInErrorMark.session_id).where(
                ~linked(SignedRecordKind.ENTERED_IN_ERROR, EnteredInErrorMark.id)
            ),
            "entered-in-error mark(s) of note(s) {ids} have no signature: added outside the app",
        ),
        (
            _signed_per_audit_but_unlinked(),
            "note(s) {ids} were signed according to the audit trail but have no signature "
            "now: removed outside the app",
        ),
    ]
    findings = []
    for query, message in checks:
        ids = sorted(set(db.scalars(query.order_by(None))))
        findings += [
            Finding("signatures", message.format(ids=numbers(first, last)))
            for first, last in id_ranges(ids)
        ]
    return findings


def _signed_per_audit_but_unlinked() -> Select[tuple[int]]:
    """Session ids the audit trail says were signed, with no signature link any more."""
    signed_ids = select(AuditEvent.record_id).where(
        AuditEvent.action == AuditAction.SIGN.value,
        AuditEvent.record_type == "session",
        AuditEvent.record_id.is_not(None),
        ~exists().where(
            and_(
                Signature.record_type == SignedRecordKind.SESSION,
                Signature.record_id == AuditEvent.record_id,
            )
        ),
    )
    return signed_ids  # type: ignore[return-value]  # record_id is never NULL here
