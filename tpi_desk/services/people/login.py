"""Sign-in and password confirmation, with lockout after repeated failures.

Each attempt is first counted in the database by one conditional UPDATE (a "claim"): it
only succeeds while the account is not locked and fewer than ``MAX_FAILED_LOGINS`` attempts
are open, so a burst of concurrent guesses runs at most that many password checks (issue
13). The password is then checked outside any transaction (argon2 takes tens of
milliseconds and must not hold the database's write lock), and the outcome is written in
one unit of work: a right password clears the count unless the account was locked in the
meantime (a locked account never signs in), a wrong one locks the account once the count
reaches the limit. Unknown, locked and wrong-password sign-ins get the same answer after
the same argon2 work, so the answer does not tell which usernames exist.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, auto

from argon2 import PasswordHasher
from sqlalchemy import ColumnElement, Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import Role
from tpi_desk.models.people import User
from tpi_desk.services.audit.events import AuditAction, record_event
from tpi_desk.services.errors import AccountLocked, LoginFailed, PermissionDenied, WrongPassword
from tpi_desk.services.people.passwords import default_password_hasher, password_matches
from tpi_desk.services.permissions import Actor
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

MAX_FAILED_LOGINS = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
# The one answer to a refused sign-in, whether the username is unknown, the password wrong
# or the account locked (issue 13: the old "account ... is locked until" named the account).
SIGN_IN_REFUSED = (
    "The username or password is not correct. After "
    f"{MAX_FAILED_LOGINS} failed attempts an account is locked for "
    f"{LOCKOUT_PERIOD.seconds // 60} minutes; the clinic admin can lift the lock."
)


@dataclass(frozen=True, slots=True)
class _Account:
    id: int
    username: str
    role: Role
    credentials: str
    active: bool
    password_hash: str | None
    locked_until: datetime | None
    failed_logins: int


class _Outcome(Enum):
    ACCEPTED = auto()
    REFUSED = auto()
    LOCKED = auto()
    DISABLED = auto()


@dataclass(frozen=True, slots=True)
class _Settled:
    outcome: _Outcome
    actor: Actor | None = None
    locked_until: datetime | None = None


# Password checks started by ``begin_confirm``; two at once at most (a 2-core workstation).
_PASSWORD_CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tpi-desk-password")


class PendingConfirmation:
    """A password confirmation under way (see ``Authenticator.begin_confirm``)."""

    def __init__(
        self,
        authenticator: Authenticator,
        account: _Account,
        now: datetime,
        purpose: str,
        check: Future[bool],
    ) -> None:
        self._authenticator = authenticator
        self._account = account
        self._now = now
        self._purpose = purpose
        self._check = check
        self._finished = False

    def matched(self) -> bool:
        """Whether the password was right (waits for the check)."""
        return self._check.result()

    def finish(self) -> None:
        """Record the outcome once: a right password clears the attempt counted before the
        check; a wrong one is audited and raises ``WrongPassword`` (or ``AccountLocked``
        when it was one too many)."""
        if self._finished:
            return
        self._finished = True
        account, purpose = self._account, self._purpose
        if self.matched():
            self._authenticator._clear_attempts(account.id, self._now)
            return
        settled = self._authenticator._settle_wrong(account, self._now, purpose)
        if settled.outcome is _Outcome.LOCKED:
            raise _locked_error(account.username, settled.locked_until)
        raise WrongPassword(f"The password is not correct; could not {purpose}.")


class Authenticator:
    """Checks passwords for sign-in, unlock and the re-authentication before a signature."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self.hasher = hasher or default_password_hasher()
        self._clock = clock

    def authenticate(self, username: str, password: str) -> Actor:
        """The actor for ``username``; LoginFailed otherwise, with one message whether the
        username is unknown, the password wrong or the account locked (all audited)."""
        name = username.strip()
        account = self._read(select(User).where(User.username == name))
        now = self._clock()
        if account is None:
            password_matches(self.hasher, None, password)  # as slow as a real check
            self._audit_unknown(name, now)
            raise LoginFailed(SIGN_IN_REFUSED)
        if not self._claim_attempt(account.id, now):
            password_matches(self.hasher, None, password)  # as slow as a real check
            self._audit_refusal(account.id, "account locked", now, None)
            raise LoginFailed(SIGN_IN_REFUSED)
        stored_hash = account.password_hash
        if not password_matches(self.hasher, stored_hash, password):
            self._settle_wrong(account, now, None)
            raise LoginFailed(SIGN_IN_REFUSED)
        rehashed = None
        if stored_hash and self.hasher.check_needs_rehash(stored_hash):
            rehashed = self.hasher.hash(password)  # older, cheaper parameters: upgrade now
        settled = self._settle_sign_in(account.id, now, rehashed)
        if settled.outcome is _Outcome.DISABLED:
            raise LoginFailed("This account is disabled; ask the clinic admin.")
        if settled.outcome is not _Outcome.ACCEPTED or settled.actor is None:
            raise LoginFailed(SIGN_IN_REFUSED)
        return settled.actor

    def confirm(self, actor: Actor | None, password: str, *, purpose: str) -> None:
        """Check the signed-in ``actor``'s password again before ``purpose`` ("sign the note").

        A wrong password counts towards the lockout like a failed sign-in.
        """
        self.begin_confirm(actor, password, purpose=purpose).finish()

    def begin_confirm(
        self, actor: Actor | None, password: str, *, purpose: str
    ) -> PendingConfirmation:
        """Start ``confirm``: refuse a disabled or locked account now, count the attempt,
        and run the argon2 check in a worker thread (argon2 releases the GIL) while the
        caller prepares its work; the caller commits nothing before ``matched()`` and calls
        ``finish()``."""
        if actor is None:
            raise PermissionDenied(f"Sign in first: only a signed-in user may {purpose}.")
        account = self._read(select(User).where(User.id == actor.user_id))
        if account is None or not account.active:
            raise PermissionDenied(f"Your account is disabled; you may not {purpose}.")
        now = self._clock()
        if not self._claim_attempt(account.id, now):
            self._audit_refusal(account.id, "account locked", now, purpose)
            raise _locked_error(account.username, self._locked_until(account.id, now))
        check = _PASSWORD_CHECKS.submit(
            password_matches, self.hasher, account.password_hash, password
        )
        return PendingConfirmation(self, account, now, purpose, check)

    def _read(self, query: Select[tuple[User]]) -> _Account | None:
        with database_errors_as_user_errors("check the password"), self._session_factory() as db:
            row = db.scalar(query)
            if row is None:
                return None
            return _Account(
                id=row.id,
                username=row.username,
                role=row.role,
                credentials=row.credentials,
                active=row.active,
                password_hash=row.password_hash,
                locked_until=row.locked_until,
                failed_logins=row.failed_logins,
            )

    def _claim_attempt(self, user_id: int, now: datetime) -> bool:
        """Count one attempt before its password is checked: one conditional UPDATE, true
        only while the account is unlocked and has fewer than the limit of open attempts."""

        def work(db: Session) -> bool:
            claimed = db.execute(
                update(User)
                .where(
                    User.id == user_id,
                    User.failed_logins < MAX_FAILED_LOGINS,
                    _unlocked(now),
                )
                .values(failed_logins=User.failed_logins + 1)
                .execution_options(synchronize_session=False)
            )
            return _rowcount(claimed) == 1

        return run_unit_of_work(self._session_factory, "check the password", work)

    def _clear_attempts(self, user_id: int, now: datetime) -> None:
        """A right password (re-authentication): the open attempts are forgiven."""

        def work(db: Session) -> None:
            db.execute(
                update(User)
                .where(User.id == user_id, User.failed_logins > 0, _unlocked(now))
                .values(failed_logins=0)
                .execution_options(synchronize_session=False)
            )

        run_unit_of_work(self._session_factory, "record the password check", work)

    def _settle_sign_in(self, user_id: int, now: datetime, rehashed: str | None) -> _Settled:
        """The right password at sign-in: accepted only if the account is still active and
        unlocked (a concurrent burst of wrong guesses may have locked it meanwhile)."""

        def work(db: Session) -> _Settled:
            values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
            if rehashed is not None:
                values["password_hash"] = rehashed
            accepted = db.execute(
                update(User)
                .where(User.id == user_id, User.active.is_(True), _unlocked(now))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            row = db.get(User, user_id, populate_existing=True)
            if row is None:
                return _Settled(_Outcome.REFUSED)
            if _rowcount(accepted) == 1:
                actor = Actor(row.id, row.username, row.role, row.credentials, row.display_name)
                record_event(db, actor, AuditAction.LOGIN, "user", row.id, at=now)
                return _Settled(_Outcome.ACCEPTED, actor=actor)
            if not row.active:
                _audit_failure(db, row, "account disabled", now, None)
                return _Settled(_Outcome.DISABLED)
            _audit_failure(db, row, "account locked", now, None)
            return _Settled(_Outcome.LOCKED, locked_until=row.locked_until)

        return run_unit_of_work(self._session_factory, "record the sign-in", work)

    def _settle_wrong(self, account: _Account, now: datetime, purpose: str | None) -> _Settled:
        """A wrong password, already counted: audit it, and lock the account when the open
        attempts reached the limit."""

        def work(db: Session) -> _Settled:
            row = db.get(User, account.id)
            if row is None:
                return _Settled(_Outcome.REFUSED)
            _audit_failure(db, row, "wrong password", now, purpose)
            locked_until = now + LOCKOUT_PERIOD
            locked = db.execute(
                update(User)
                .where(
                    User.id == account.id,
                    User.failed_logins >= MAX_FAILED_LOGINS,
                    _unlocked(now),
                )
                .values(failed_logins=0, locked_until=locked_until)
                .execution_options(synchronize_session=False)
            )
            if _rowcount(locked) != 1:
                return _Settled(_Outcome.REFUSED)
            record_event(
                db,
                None,
                AuditAction.ACCOUNT_LOCKED,
                "user",
                row.id,
                f"{MAX_FAILED_LOGINS} failed attempts; locked until {locked_until.isoformat()}",
                at=now,
                user_id=row.id,
                who=row.username,
            )
            return _Settled(_Outcome.LOCKED, locked_until=locked_until)

        return run_unit_of_work(self._session_factory, "record the password check", work)

    def _audit_unknown(self, typed_name: str, now: datetime) -> None:
        def work(db: Session) -> None:
            record_event(
                db,
                None,
                AuditAction.LOGIN_FAILED,
                "user",
                None,
                "unknown username",
                at=now,
                who=typed_name,
            )

        run_unit_of_work(self._session_factory, "record the sign-in", work)

    def _audit_refusal(self, user_id: int, reason: str, now: datetime, purpose: str | None) -> None:
        def work(db: Session) -> None:
            row = db.get(User, user_id)
            if row is not None:
                _audit_failure(db, row, reason, now, purpose)

        run_unit_of_work(self._session_factory, "record the sign-in", work)

    def _locked_until(self, user_id: int, now: datetime) -> datetime:
        """When the lock ends (the end of a full lockout period while attempts are open)."""
        account = self._read(select(User).where(User.id == user_id))
        until = None if account is None else account.locked_until
        return until if until is not None and until > now else now + LOCKOUT_PERIOD


def _unlocked(now: datetime) -> ColumnElement[bool]:
    """SQL: the account is not locked at ``now`` (never locked, or the lock has ended)."""
    return or_(User.locked_until.is_(None), User.locked_until <= now)


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return count if isinstance(count, int) else 0


def _audit_failure(db: Session, row: User, reason: str, now: datetime, purpose: str | None) -> None:
    action = AuditAction.LOGIN_FAILED if purpose is None else AuditAction.PASSWORD_CONFIRM_FAILED
    detail = reason if purpose is None else f"{reason} (to {purpose})"
    record_event(db, None, action, "user", row.id, detail, at=now, user_id=row.id, who=row.username)


def _locked_error(username: str, locked_until: datetime | None) -> AccountLocked:
    """For a signed-in user asked for their password again (they know their own account)."""
    until = locked_until or datetime.now(UTC)
    local = until.astimezone()
    return AccountLocked(
        f"Too many failed attempts: the account {username} is locked until "
        f"{local:%H:%M} ({local:%Y-%m-%d}). Try again then, or ask the clinic admin to reset "
        "the password.",
        until,
    )
