"""Sign-in and password confirmation, with lockout after repeated failures.

Passwords are checked outside any transaction (argon2 takes tens of milliseconds and must
not hold the database's write lock); the outcome (failure count, lock, audit entry) is then
written in one unit of work that commits whether the password was right or not.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum, auto

from argon2 import PasswordHasher
from sqlalchemy import Select, select
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
        """Record the outcome once: a wrong password is counted and audited and raises
        ``WrongPassword`` (or ``AccountLocked`` when it was one too many)."""
        if self._finished:
            return
        self._finished = True
        account, purpose = self._account, self._purpose
        accepted = self.matched()
        if accepted and account.failed_logins == 0:
            return
        settled = self._authenticator._settle(
            account, account.username, accepted=accepted, now=self._now, purpose=purpose
        )
        if settled.outcome is _Outcome.LOCKED:
            raise _locked_error(account.username, settled.locked_until)
        if settled.outcome is not _Outcome.ACCEPTED:
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
        """The actor for ``username``; LoginFailed or AccountLocked otherwise (all audited)."""
        name = username.strip()
        account = self._read(select(User).where(User.username == name))
        now = self._clock()
        if account is not None and _is_locked(account, now):
            self._settle(account, name, accepted=False, now=now, refused_while_locked=True)
            raise _locked_error(account.username, account.locked_until)
        stored_hash = account.password_hash if account else None
        accepted = password_matches(self.hasher, stored_hash, password)
        rehashed = None
        if accepted and stored_hash and self.hasher.check_needs_rehash(stored_hash):
            rehashed = self.hasher.hash(password)  # the clinic raised the hashing cost
        settled = self._settle(account, name, accepted=accepted, now=now, rehashed=rehashed)
        if settled.outcome is _Outcome.ACCEPTED and settled.actor is not None:
            return settled.actor
        if settled.outcome is _Outcome.LOCKED:
            raise _locked_error(name, settled.locked_until)
        if settled.outcome is _Outcome.DISABLED:
            raise LoginFailed("This account is disabled; ask the clinic admin.")
        raise LoginFailed()

    def confirm(self, actor: Actor | None, password: str, *, purpose: str) -> None:
        """Check the signed-in ``actor``'s password again before ``purpose`` ("sign the note").

        A wrong password counts towards the lockout like a failed sign-in.
        """
        self.begin_confirm(actor, password, purpose=purpose).finish()

    def begin_confirm(
        self, actor: Actor | None, password: str, *, purpose: str
    ) -> PendingConfirmation:
        """Start ``confirm``: refuse a disabled or locked account now, and run the argon2
        check in a worker thread (argon2 releases the GIL) while the caller prepares its
        work; the caller commits nothing before ``matched()`` and calls ``finish()``."""
        if actor is None:
            raise PermissionDenied(f"Sign in first: only a signed-in user may {purpose}.")
        account = self._read(select(User).where(User.id == actor.user_id))
        if account is None or not account.active:
            raise PermissionDenied(f"Your account is disabled; you may not {purpose}.")
        now = self._clock()
        if _is_locked(account, now):
            raise _locked_error(account.username, account.locked_until)
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

    def _settle(
        self,
        account: _Account | None,
        typed_name: str,
        *,
        accepted: bool,
        now: datetime,
        purpose: str | None = None,
        refused_while_locked: bool = False,
        rehashed: str | None = None,
    ) -> _Settled:
        """Write the outcome of one password check: counters, lock, rehash, audit entry."""

        def work(db: Session) -> _Settled:
            row = None if account is None else db.get(User, account.id, with_for_update=True)
            if row is None:
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
                return _Settled(_Outcome.REFUSED)
            if refused_while_locked:
                _audit_failure(db, row, "account locked", now, purpose)
                return _Settled(_Outcome.LOCKED, locked_until=row.locked_until)
            if not accepted:
                return self._count_failure(db, row, now, purpose)
            if not row.active:
                _audit_failure(db, row, "account disabled", now, purpose)
                return _Settled(_Outcome.DISABLED)
            row.failed_logins = 0
            row.locked_until = None
            if rehashed is not None:
                row.password_hash = rehashed
            actor = Actor(row.id, row.username, row.role, row.credentials, row.display_name)
            if purpose is None:
                record_event(db, actor, AuditAction.LOGIN, "user", row.id, at=now)
            return _Settled(_Outcome.ACCEPTED, actor=actor)

        return run_unit_of_work(self._session_factory, "record the sign-in", work)

    def _count_failure(
        self, db: Session, row: User, now: datetime, purpose: str | None
    ) -> _Settled:
        _audit_failure(db, row, "wrong password", now, purpose)
        row.failed_logins += 1
        if row.failed_logins < MAX_FAILED_LOGINS:
            return _Settled(_Outcome.REFUSED)
        row.failed_logins = 0
        row.locked_until = now + LOCKOUT_PERIOD
        record_event(
            db,
            None,
            AuditAction.ACCOUNT_LOCKED,
            "user",
            row.id,
            f"{MAX_FAILED_LOGINS} failed attempts; locked until {row.locked_until.isoformat()}",
            at=now,
            user_id=row.id,
            who=row.username,
        )
        return _Settled(_Outcome.LOCKED, locked_until=row.locked_until)


def _audit_failure(db: Session, row: User, reason: str, now: datetime, purpose: str | None) -> None:
    action = AuditAction.LOGIN_FAILED if purpose is None else AuditAction.PASSWORD_CONFIRM_FAILED
    detail = reason if purpose is None else f"{reason} (to {purpose})"
    record_event(db, None, action, "user", row.id, detail, at=now, user_id=row.id, who=row.username)


def _is_locked(account: _Account, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def _locked_error(username: str, locked_until: datetime | None) -> AccountLocked:
    until = locked_until or datetime.now(UTC)
    local = until.astimezone()
    return AccountLocked(
        f"Too many failed attempts: the account {username} is locked until "
        f"{local:%H:%M} ({local:%Y-%m-%d}). Try again then, or ask the clinic admin to reset "
        "the password.",
        until,
    )
