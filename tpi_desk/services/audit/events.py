"""The audit trail: entries appended in the action's own transaction, hash-chained.

Each entry's ``hash`` is SHA-256 of the canonical JSON of the entry (``audit_content``),
which includes ``prev_hash``, the hash of the entry numbered ``sequence`` - 1 (64 zeros for
the first). Entries are never updated or deleted (database triggers refuse it).
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.errors import NotFound, PermissionDenied, UserError
from tpi_desk.services.integrity.canonical import canonical_json, sha256_hex
from tpi_desk.services.integrity.chains import AUDIT_CHAIN, append_links
from tpi_desk.services.permissions import Action, Actor, authorize, may
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

log = logging.getLogger(__name__)

AUDIT_FORMAT = "tpi-desk/audit-event@1"
LOCAL_OPERATOR = "local operator"
MAX_EXPORT_IDS = 100_000


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    ACCOUNT_LOCKED = "account_locked"
    PASSWORD_CONFIRM_FAILED = "password_confirm_failed"
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"
    SIGN = "sign"
    COSIGN = "cosign"
    ADDENDUM = "addendum"
    ENTERED_IN_ERROR = "entered_in_error"
    PRINT = "print"
    EXPORT = "export"
    USER_ADD = "user_add"
    USER_UPDATE = "user_update"
    USER_ENABLE = "user_enable"
    USER_DISABLE = "user_disable"
    PASSWORD_CHANGE = "password_change"
    PASSWORD_RESET = "password_reset"
    SETTING_CHANGE = "setting_change"
    PERMISSION_REFUSED = "permission_refused"
    AUDIT_REPORT = "audit_report"
    AUDIT_EXPORT = "audit_export"
    VERIFY = "verify"
    RESTORE = "restore"
    SIGNING_KEY = "signing_key"
    COMMAND = "command"
    DEMO_DATABASE = "demo_database"


SESSION_EVENTS = frozenset({AuditAction.LOGOUT, AuditAction.LOCK, AuditAction.UNLOCK})


def local_operator_name() -> str:
    """How the audit trail names a command-line tool's operator: the OS account, if known."""
    try:
        account = getpass.getuser()
    except (OSError, KeyError, ImportError):
        return LOCAL_OPERATOR
    return f"{LOCAL_OPERATOR} ({account})"[:64]


def actor_name(actor: Actor | None) -> str:
    return actor.username if actor is not None else local_operator_name()


def audit_content(event: AuditEvent) -> dict[str, object]:
    """What an entry's hash covers: every column but ``id`` and ``hash`` itself."""
    return {
        "format": AUDIT_FORMAT,
        "sequence": event.sequence,
        "occurred_at": event.occurred_at,
        "user_id": event.user_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "patient_id": event.patient_id,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }


def audit_hash(event: AuditEvent) -> str:
    return sha256_hex(canonical_json(audit_content(event)))


def record_event(
    db: Session,
    actor: Actor | None,
    action: AuditAction,
    record_type: str,
    record_id: int | None = None,
    detail: str = "",
    *,
    patient_id: int | None = None,
    at: datetime | None = None,
    user_id: int | None = None,
    who: str | None = None,
) -> AuditEvent:
    """Append one entry inside the open unit of work (it commits or rolls back with it).

    Without an actor, ``user_id`` and ``who`` name the account an entry is about (a failed
    sign-in names the username that was typed); otherwise the local operator is named.
    """
    event = _new_event(actor, action, record_type, record_id, detail, patient_id, at, user_id, who)
    _chain_and_add(db, [event])
    return event


def _new_event(
    actor: Actor | None,
    action: AuditAction,
    record_type: str,
    record_id: int | None,
    detail: str,
    patient_id: int | None,
    at: datetime | None,
    user_id: int | None,
    who: str | None,
) -> AuditEvent:
    return AuditEvent(
        occurred_at=(at or datetime.now(UTC)).astimezone(UTC),
        user_id=actor.user_id if actor is not None else user_id,
        actor_name=(who[:64] if who is not None and actor is None else actor_name(actor)),
        action=action.value,
        record_type=record_type,
        record_id=record_id,
        patient_id=patient_id,
        detail=detail,
    )


def _entry_hash(event: AuditEvent) -> Callable[[int, str], str]:
    """The hash of ``event`` once the chain gives it its number and predecessor."""

    def linked(sequence: int, previous_hash: str) -> str:
        event.sequence = sequence
        event.prev_hash = previous_hash
        return audit_hash(event)

    return linked


def _chain_and_add(db: Session, events: Sequence[AuditEvent]) -> None:
    """Link ``events`` into the audit chain in order and write them."""
    links = append_links(db, AUDIT_CHAIN, [_entry_hash(event) for event in events])
    for event, link in zip(events, links, strict=True):
        event.hash = link.hash
    db.add_all(events)
    db.flush()


def record_events(
    db: Session,
    actor: Actor | None,
    action: AuditAction,
    record_type: str,
    records: Sequence[tuple[int, str, int | None]],
    *,
    at: datetime,
) -> None:
    """``record_event`` for many records at once (an import's patients, an export's notes):
    each (record id, detail, patient id) gets its own chained entry, in order; the chain's
    head is read and moved once and the entries are inserted in one statement."""
    events = [
        _new_event(actor, action, record_type, record_id, detail, patient_id, at, None, None)
        for record_id, detail, patient_id in records
    ]
    links = append_links(db, AUDIT_CHAIN, [_entry_hash(event) for event in events])
    for event, link in zip(events, links, strict=True):
        event.hash = link.hash
    if events:
        rows = [{column: getattr(event, column) for column in _AUDIT_COLUMNS} for event in events]
        db.execute(insert(AuditEvent), rows)


_AUDIT_COLUMNS = (
    "occurred_at", "user_id", "actor_name", "action", "record_type", "record_id", "patient_id",
    "detail", "sequence", "prev_hash", "hash",
)  # fmt: skip


def record_refusal(
    session_factory: sessionmaker[Session],
    actor: Actor | None,
    refusal: PermissionDenied,
    *,
    attempted: str,
    record_type: str,
    record_id: int | None = None,
    patient_id: int | None = None,
) -> None:
    """Write a refused action to the trail in its own transaction (the action's rolled back).

    If even that fails (the database is gone), the refusal is still reported to the user;
    the failure is logged.
    """

    def write(db: Session) -> None:
        record_event(
            db,
            actor,
            AuditAction.PERMISSION_REFUSED,
            record_type,
            record_id,
            f"{attempted}: {refusal.message}",
            patient_id=patient_id,
        )

    try:
        run_unit_of_work(session_factory, "record the refused action", write)
    except UserError:
        log.warning("could not audit a refused action (%s)", attempted, exc_info=True)


@contextmanager
def refusals_audited(
    session_factory: sessionmaker[Session],
    actor: Actor | None,
    attempted: str,
    record_type: str,
    record_id: int | None = None,
) -> Iterator[None]:
    """Every PermissionDenied raised inside is written to the audit trail, then re-raised."""
    try:
        yield
    except PermissionDenied as refusal:
        record_refusal(
            session_factory,
            actor,
            refusal,
            attempted=attempted,
            record_type=record_type,
            record_id=record_id,
        )
        raise


class AuditService:
    """Entries the GUI asks for: session events (logout, lock, unlock), prints, exports."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def audit_session_event(self, actor: Actor, event: str | AuditAction) -> None:
        """Record ``"logout"``, ``"lock"`` or ``"unlock"`` for the signed-in ``actor``.

        (Sign-in itself is recorded by ``UserService.authenticate``; an unlock whose password
        must be checked goes through ``UserService.unlock``.)
        """
        action = AuditAction(event)
        if action not in SESSION_EVENTS:
            raise ValueError(f"{event!r} is not a session event (logout, lock, unlock)")
        if actor is None:
            raise PermissionDenied("Only a signed-in user logs out, locks or unlocks.")
        run_unit_of_work(
            self._session_factory,
            f"record the {action.value}",
            lambda db: record_event(db, actor, action, "user", actor.user_id, at=self._clock()),
        )

    def record_command(
        self, actor: Actor | None, command: str, detail: str = "", *, who: str | None = None
    ) -> None:
        """Record a `tpi-desk` command run (backup, restore, demo-data, users list, export,
        import, verify) by its signed-in operator, or by ``who`` / the local operator."""
        run_unit_of_work(
            self._session_factory,
            "record the command",
            lambda db: record_event(
                db,
                actor,
                AuditAction.COMMAND,
                "command",
                None,
                f"{command}: {detail}".rstrip(": "),
                at=self._clock(),
                who=who,
            ),
        )

    def record_refused_command(
        self, actor: Actor | None, command: str, refusal: PermissionDenied
    ) -> None:
        """Record a command refused to its operator (in its own transaction)."""
        record_refusal(
            self._session_factory,
            actor,
            refusal,
            attempted=f"tpi-desk {command}",
            record_type="command",
        )

    def record_print(self, actor: Actor | None, session_id: int) -> None:
        """Record that a note was printed (or saved as a PDF to print)."""
        self._record_output(actor, [session_id], AuditAction.PRINT, "printer")

    def record_export(
        self, actor: Actor | None, session_ids: Sequence[int], destination_kind: str
    ) -> None:
        """Record an export: one entry per note, naming the destination kind (e.g. ``merged
        PDF``, ``PDF per note``, ``claims CSV``, ``FHIR``) and the batch size.

        Billing staff export signed notes only: a draft in the batch refuses the whole export.
        """
        self._record_output(actor, session_ids, AuditAction.EXPORT, destination_kind)

    def _record_output(
        self,
        actor: Actor | None,
        session_ids: Sequence[int],
        action: AuditAction,
        destination_kind: str,
    ) -> None:
        ids = list(dict.fromkeys(session_ids))
        if not ids or len(ids) > MAX_EXPORT_IDS:
            raise ValueError(f"an export names 1 to {MAX_EXPORT_IDS:,} notes, not {len(ids):,}")
        destination = destination_kind.strip() or "unnamed destination"

        def work(db: Session) -> None:
            authorize(actor, Action.EXPORT_NOTES, local_operator=True)
            rows = {
                row.id: row
                for row in db.execute(
                    select(
                        ProcedureSession.id, ProcedureSession.patient_id, ProcedureSession.status
                    ).where(ProcedureSession.id.in_(ids))
                )
            }
            missing = [i for i in ids if i not in rows]
            if missing:
                raise NotFound(f"Session #{missing[0]} does not exist.")
            drafts = [i for i in ids if rows[i].status is NoteStatus.DRAFT]
            if drafts and not may(actor, Action.VIEW_DRAFTS):
                raise PermissionDenied(
                    f"Session #{drafts[0]} is a draft; only signed notes can be exported."
                )
            record_events(
                db,
                actor,
                action,
                "session",
                [(sid, f"{destination}; {len(ids)} note(s)", rows[sid].patient_id) for sid in ids],
                at=self._clock(),
            )

        with refusals_audited(self._session_factory, actor, action.value, "session", ids[0]):
            run_unit_of_work(self._session_factory, f"record the {action.value}", work)
