"""User accounts: the first administrator, sign-in, passwords, and the admin's user list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.clinical.validation import validate_provider
from tpi_desk.models.people import User
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from tpi_desk.services.integrity.key_registry import (
    KEY_ROLES,
    UnlockedKeys,
    issue_key,
    renew_key,
)
from tpi_desk.services.integrity.registration_signers import AdminKeys
from tpi_desk.services.people.login import Authenticator
from tpi_desk.services.people.passwords import password_problems
from tpi_desk.services.permissions import (
    CLINICAL_ROLES,
    Action,
    Actor,
    allowed_kinds,
    authorize,
    credential_words,
)
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

PHYSICIAN_DEGREES = frozenset({"MD", "DO"})


class UserService:
    """Each method is one transaction; ``actor=None`` is the local operator of ``tpi-desk
    users`` (trusted: whoever can run it can already read the database file)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        signing_keys: UnlockedKeys | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._auth = Authenticator(session_factory, hasher=hasher, clock=clock)
        self._admin_keys = AdminKeys()
        # The run's unlocked keys, shared with the signing services (the desk passes them):
        # a clinician's key is unlocked at sign-in, not at their first signature.
        self._signing_keys = signing_keys

    @property
    def authenticator(self) -> Authenticator:
        """The password checker the signing services share with sign-in."""
        return self._auth

    def needs_first_admin(self) -> bool:
        """True until an active administrator with a password exists (first start)."""
        with (
            database_errors_as_user_errors("read the user accounts"),
            self._session_factory() as db,
        ):
            return _active_admin_count(db) == 0

    def has_accounts(self) -> bool:
        """Whether any account exists (a database without one may make its first admin)."""
        with (
            database_errors_as_user_errors("read the user accounts"),
            self._session_factory() as db,
        ):
            return db.scalar(select(User.id).limit(1)) is not None

    def create_first_admin(
        self,
        username: str,
        display_name: str,
        password: str,
        *,
        credentials: str = "",
        npi: str = "",
    ) -> UserRecord:
        """The clinic's first administrator; refused once an active administrator exists."""
        facts = ProviderFacts(username.strip(), display_name.strip(), credentials.strip(), npi)
        _raise_if_invalid(facts, Role.ADMIN, password)
        password_hash = self._auth.hasher.hash(password)

        def work(db: Session) -> UserRecord:
            if _active_admin_count(db) > 0:
                raise PermissionDenied(
                    "An administrator account already exists; ask that administrator to add "
                    "your account."
                )
            return self._insert(db, None, facts, Role.ADMIN, password_hash, password)

        return run_unit_of_work(self._session_factory, "create the administrator account", work)

    def add_user(
        self,
        username: str,
        display_name: str,
        password: str,
        *,
        role: Role,
        credentials: str = "",
        npi: str = "",
        acupuncture_certified: bool = False,
        actor: Actor | None,
    ) -> UserRecord:
        """A new account with a password (admins, or the local operator of the CLI)."""
        facts = ProviderFacts(
            username.strip(), display_name.strip(), credentials.strip(), npi, acupuncture_certified
        )
        with refusals_audited(self._session_factory, actor, "add a user", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)
            _raise_if_invalid(facts, role, password)
            password_hash = self._auth.hasher.hash(password)
            return run_unit_of_work(
                self._session_factory,
                "add the user",
                lambda db: self._insert(db, actor, facts, role, password_hash, password),
            )

    def authenticate(self, username: str, password: str) -> Actor:
        """Sign in: the actor, or LoginFailed with one answer for an unknown username, a wrong
        password and a locked account (every attempt is audited). An administrator's key is
        unlocked for the registrations they sign; a clinician's, given the signing services'
        keys, for their signatures."""
        actor = self._auth.authenticate(username, password)
        if actor.role is not Role.ADMIN:
            if self._signing_keys is not None and actor.role in KEY_ROLES:
                self._unlock_signing_key(self._signing_keys, actor, password)
            return actor
        with (
            database_errors_as_user_errors("unlock the administrator key"),
            self._session_factory() as db,
        ):
            needs_root = self._admin_keys.signed_in(db, actor, password)
        if needs_root:
            run_unit_of_work(
                self._session_factory,
                "issue the administrator key",
                lambda db: self._admin_keys.issue_root(db, actor, password, self._auth.hasher),
            )
        return actor

    def _unlock_signing_key(self, keys: UnlockedKeys, actor: Actor, password: str) -> None:
        """Unlock the clinician's key into ``keys`` now: their first signature of the run then
        costs no more than the next (argon2 checks the password before every signature all
        the same)."""
        with (
            database_errors_as_user_errors("unlock the signing key"),
            self._session_factory() as db,
        ):
            keys.unlock_ahead(db, actor.user_id, password)

    def unlock(self, actor: Actor, password: str) -> None:
        """Unlock an idle-locked screen with the signed-in user's password (audited)."""
        self._auth.confirm(actor, password, purpose="unlock the screen")
        run_unit_of_work(
            self._session_factory,
            "unlock the screen",
            lambda db: record_event(db, actor, AuditAction.UNLOCK, "user", actor.user_id),
        )

    def change_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        """The signed-in user's own password; the old one must be given (and is checked)."""
        self._auth.confirm(actor, old_password, purpose="change the password")
        problems = password_problems(actor.username, new_password)
        if not problems and new_password == old_password:
            problems = [FieldProblem("user.password", "User: password", "must be a new password")]
        if problems:
            raise ValidationFailed(problems)
        new_hash = self._auth.hasher.hash(new_password)

        def work(db: Session) -> None:
            row = _user(db, actor.username)
            row.password_hash = new_hash
            record_event(db, actor, AuditAction.PASSWORD_CHANGE, "user", row.id)
            renewed = renew_key(db, row, old_password, new_password, self._auth.hasher, actor)
            if renewed is not None and row.role is Role.ADMIN:
                self._admin_keys.issued(row.id, renewed, own=True)

        run_unit_of_work(self._session_factory, "change the password", work)

    def reset_password(self, actor: Actor | None, username: str, new_password: str) -> None:
        """Set a user's password and lift a lockout (admins, or the local operator)."""
        with refusals_audited(self._session_factory, actor, "reset a password", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)
            problems = password_problems(username, new_password)
            if problems:
                raise ValidationFailed(problems)
            new_hash = self._auth.hasher.hash(new_password)

            def work(db: Session) -> None:
                row = _user(db, username)
                row.password_hash = new_hash
                row.failed_logins = 0
                row.locked_until = None
                record_event(db, actor, AuditAction.PASSWORD_RESET, "user", row.id, row.username)
                if row.role in KEY_ROLES:  # a new key: the old one's password is gone
                    signer = self._admin_keys.signer(db, actor, row.role)
                    issued = issue_key(
                        db, row, new_password, self._auth.hasher, actor, signer=signer
                    )
                    own = actor is not None and actor.user_id == row.id
                    self._admin_keys.issued(row.id, issued, own=own)

            run_unit_of_work(self._session_factory, "reset the password", work)

    def set_active(self, actor: Actor | None, username: str, active: bool) -> UserRecord:
        """Enable or disable an account; nobody disables themselves or the last admin."""
        with refusals_audited(self._session_factory, actor, "enable or disable a user", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)

            def work(db: Session) -> UserRecord:
                row = _user(db, username)
                if not active and actor is not None and row.id == actor.user_id:
                    raise PermissionDenied("You cannot disable your own account.")
                last_admin = row.role is Role.ADMIN and row.active and _active_admin_count(db) <= 1
                if not active and last_admin:
                    raise PermissionDenied(
                        f"{row.username} is the only active administrator; add another "
                        "administrator first."
                    )
                if row.active != active:
                    row.active = active
                    action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
                    record_event(db, actor, action, "user", row.id, row.username)
                db.flush()
                return user_record(row)

            return run_unit_of_work(self._session_factory, "change the user", work)

    def update_user(
        self,
        actor: Actor | None,
        username: str,
        *,
        display_name: str,
        role: Role,
        credentials: str = "",
        npi: str = "",
        acupuncture_certified: bool | None = None,
    ) -> UserRecord:
        """Change an account's name, role, credentials, NPI and acupuncture certification
        (admins, or the local operator; ``acupuncture_certified=None`` keeps it as it is).

        The username stays (the audit trail names it). Signed notes keep the names they were
        signed with in their signature; nobody takes away their own administrator role or
        that of the last active administrator.
        """
        with refusals_audited(self._session_factory, actor, "change a user", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)
            name = username.strip()
            facts = ProviderFacts(
                name,
                display_name.strip(),
                credentials.strip(),
                npi.strip(),
                acupuncture_certified=bool(acupuncture_certified),
            )
            problems = _profile_problems(facts, role)
            if problems:
                raise ValidationFailed(problems)

            def work(db: Session) -> UserRecord:
                row = _user(db, name)
                certified = acupuncture_certified
                changed = replace(
                    facts,
                    acupuncture_certified=row.acupuncture_certified
                    if certified is None
                    else certified,
                )
                if row.role is Role.ADMIN and role is not Role.ADMIN:
                    if actor is not None and row.id == actor.user_id:
                        raise PermissionDenied("You cannot remove your own administrator role.")
                    if row.active and _active_admin_count(db) <= 1:
                        raise PermissionDenied(
                            f"{row.username} is the only active administrator; add another "
                            "administrator first."
                        )
                changes = _changes(row, changed, role)
                if changes:
                    row.display_name = changed.display_name
                    row.role = role
                    row.credentials = changed.credentials
                    row.npi = changed.npi
                    row.acupuncture_certified = changed.acupuncture_certified
                    db.flush()
                    detail = f"{row.username}: {'; '.join(changes)}"
                    record_event(db, actor, AuditAction.USER_UPDATE, "user", row.id, detail)
                return user_record(row)

            return run_unit_of_work(self._session_factory, "change the user", work)

    def list_users(self, actor: Actor | None) -> list[UserRecord]:
        """Every account by username (admins, or the local operator)."""
        with refusals_audited(self._session_factory, actor, "list users", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)
        query = select(User).order_by(func.lower(User.username), User.id)
        with database_errors_as_user_errors("list the users"), self._session_factory() as db:
            return [user_record(row) for row in db.scalars(query)]

    def _insert(
        self,
        db: Session,
        actor: Actor | None,
        facts: ProviderFacts,
        role: Role,
        password_hash: str,
        password: str,
    ) -> UserRecord:
        taken = db.scalar(
            select(User.id).where(func.lower(User.username) == facts.username.lower())
        )
        if taken is not None:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "user.username",
                        "User: username",
                        f"{facts.username} already exists (a provider added by an import has "
                        "no password yet: reset its password instead)",
                    )
                ]
            )
        row = User(
            username=facts.username,
            display_name=facts.display_name,
            credentials=facts.credentials,
            npi=facts.npi,
            acupuncture_certified=facts.acupuncture_certified,
            role=role,
            active=True,
            password_hash=password_hash,
        )
        db.add(row)
        db.flush()
        record_event(
            db, actor, AuditAction.USER_ADD, "user", row.id, f"{row.username} as {role.value}"
        )
        if role in KEY_ROLES:
            signer = self._admin_keys.signer(db, actor, role)
            issue_key(db, row, password, self._auth.hasher, actor, signer=signer)
        return user_record(row)


def user_record(row: User) -> UserRecord:
    return UserRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        credentials=row.credentials,
        npi=row.npi,
        role=row.role,
        active=row.active,
        has_password=row.password_hash is not None,
        locked_until=row.locked_until,
        acupuncture_certified=row.acupuncture_certified,
    )


def _user(db: Session, username: str) -> User:
    row = db.scalar(select(User).where(User.username == username.strip()).with_for_update())
    if row is None:
        raise NotFound(f"There is no user named {username.strip()}.")
    return row


def _active_admin_count(db: Session) -> int:
    query = select(func.count()).where(
        User.role == Role.ADMIN, User.active, User.password_hash.is_not(None)
    )
    return db.scalar(query) or 0


def _raise_if_invalid(facts: ProviderFacts, role: Role, password: str) -> None:
    problems = _profile_problems(facts, role) + password_problems(facts.username, password)
    if problems:
        raise ValidationFailed(problems)


def _profile_problems(facts: ProviderFacts, role: Role) -> list[FieldProblem]:
    """What is wrong with an account's username, name, credentials and NPI for ``role``."""
    problems = [
        problem
        for problem in validate_provider(facts, prefix="user")
        if role in CLINICAL_ROLES or problem.path != "user.credentials"
    ]
    credentials_problem = _credentials_problem(role, facts.credentials)
    if credentials_problem is not None:
        problems.append(FieldProblem("user.credentials", "User: credentials", credentials_problem))
    return problems


def _changes(row: User, facts: ProviderFacts, role: Role) -> list[str]:
    """What an update changes, for the audit trail ("role: physician -> admin")."""
    pairs = (
        ("name", row.display_name, facts.display_name),
        ("role", row.role.value, role.value),
        ("credentials", row.credentials, facts.credentials),
        ("NPI", row.npi, facts.npi),
        (
            "acupuncture certified",
            _yes_no(row.acupuncture_certified),
            _yes_no(facts.acupuncture_certified),
        ),
    )
    return [f"{what}: {old or '-'} -> {new or '-'}" for what, old, new in pairs if old != new]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _credentials_problem(role: Role, credentials: str) -> str | None:
    """Why ``credentials`` do not fit ``role`` (None when they do, or are not needed)."""
    if role not in CLINICAL_ROLES or not credentials:
        return None  # billing and admin need none; a missing one is reported already
    if role is Role.PHYSICIAN and not credential_words(credentials) & PHYSICIAN_DEGREES:
        return f"{credentials} is not a physician's (MD or DO)"
    if not allowed_kinds(role, credentials):
        return (
            f"{credentials} does not allow documenting sessions (MD, DO, NP, PA or, for dry "
            "needling, LAc)"
        )
    return None
