"""Demo data only in demo databases: the mark, the refusal and the demo accounts.

A database becomes a demo database when `tpi-desk demo-data` first writes to it: an audit
entry ``demo_database`` marks it (the audit trail is append-only, so the mark stays and is
chained). Each run gives it the synthetic clinic identity it lacks (``demo_clinic``). Demo
data is refused in a database that holds any account, patient or session it did not create:
any row at all in an unmarked database, and in a marked one an account other than the demo
clinicians (``demo.*``) and ``admin``, or a patient whose MRN is not a demo MRN.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.audit.events import AuditAction, record_event
from tpi_desk.services.errors import PermissionDenied, ValidationFailed
from tpi_desk.services.integrity.signing_keys import UnlockedKey
from tpi_desk.services.people.passwords import password_problems
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.demo_clinic import add_demo_clinic_identity
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

DEMO_ADMIN = "admin"
DEMO_ADMIN_NAME = "Demo Administrator"
DEMO_MRN_PREFIX = "D"
MARK_WINDOW = 1_000
# The demo clinicians' usernames (services/demo_data/vocabulary.py) all start with this; not
# imported from there, so that the window's title check does not load the generator.
DEMO_CLINICIAN_PREFIX = "demo."


@dataclass(frozen=True, slots=True)
class DemoClaim:
    """What claiming the database did: ``generated_password`` is set (to be shown once)
    when the demo administrator was created with a password nobody chose; the demo
    clinicians then got the same password. ``signing_keys`` are the demo clinicians' keys
    the demo password unlocks (by user id), for signing the demo notes."""

    newly_marked: bool
    admin_created: bool
    generated_password: str | None = None
    signing_keys: Mapping[int, UnlockedKey] = field(default_factory=dict, repr=False)


class DemoDatabase:
    """Whether the open database is a demo database, and making it one."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        users: UserService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._users = users
        self._clock = clock

    def is_demo(self) -> bool:
        """True once demo data was added by `tpi-desk demo-data` (the window title says so).

        Only the first ``MARK_WINDOW`` audit entries are read, so that start-up stays quick on
        a large database: the mark is written while the database has no account, so it is
        among its first entries. (The refusal in ``claim`` reads every entry.)
        """
        with (
            database_errors_as_user_errors("read the database's demo mark"),
            self._session_factory() as db,
        ):
            return _is_marked(db, within=MARK_WINDOW)

    def claim(self, operator: Actor | None, *, admin_password: str | None) -> DemoClaim:
        """Mark the database a demo database and make sure it has the demo administrator;
        a new one adds the demo clinicians with the same password and keys it registers
        (``demo_clinicians``), whose keys the claim returns unlocked.

        Raises PermissionDenied, writing nothing, when the database holds an account,
        patient or session demo data did not create. ``admin_password`` (None: generate
        one) is checked against the password rules before anything is written.
        """
        # Imported here: the window's demo check should not load the clinicians' vocabulary.
        from tpi_desk.services.settings.demo_clinicians import (
            add_demo_clinicians,
            demo_password_problems,
            demo_signing_keys,
        )

        password = admin_password or secrets.token_urlsafe(12)
        problems = password_problems(DEMO_ADMIN, password) + demo_password_problems(password)
        if problems:
            raise ValidationFailed(problems)

        def mark(db: Session) -> tuple[bool, bool]:
            marked = _is_marked(db)
            foreign = _foreign_content(db, marked=marked)
            if foreign is not None:
                raise PermissionDenied(
                    f"This database holds {foreign} that demo data did not create; demo data "
                    "goes only into a new, empty database (open or create another one). "
                    "Nothing was written."
                )
            if not marked:
                record_event(
                    db,
                    operator,
                    AuditAction.DEMO_DATABASE,
                    "database",
                    detail="marked as a demo database: synthetic patients only",
                    at=self._clock(),
                )
            add_demo_clinic_identity(db, operator)
            admin_exists = db.scalar(select(User.id).where(User.username == DEMO_ADMIN))
            return not marked, admin_exists is None

        newly_marked, needs_admin = run_unit_of_work(
            self._session_factory, "mark the demo database", mark
        )
        if not needs_admin:
            # A later run signs with the keys the demo password (if given) unlocks.
            keys = (
                demo_signing_keys(self._session_factory, admin_password) if admin_password else {}
            )
            return DemoClaim(newly_marked, admin_created=False, signing_keys=keys)
        self._users.create_first_admin(DEMO_ADMIN, DEMO_ADMIN_NAME, password)
        add_demo_clinicians(self._users, DEMO_ADMIN, password)
        return DemoClaim(
            newly_marked,
            admin_created=True,
            generated_password=None if admin_password else password,
            signing_keys=demo_signing_keys(self._session_factory, password),
        )


def is_demo_database(db: Session) -> bool:
    """``DemoDatabase.is_demo`` inside an open session (the note PDFs' DEMO watermark)."""
    return _is_marked(db, within=MARK_WINDOW)


def _is_marked(db: Session, *, within: int | None = None) -> bool:
    query = select(AuditEvent.id).where(AuditEvent.action == AuditAction.DEMO_DATABASE.value)
    if within is not None:
        query = query.where(AuditEvent.sequence <= within)
    return db.scalar(query.limit(1)) is not None


def _foreign_content(db: Session, *, marked: bool) -> str | None:
    """What demo data did not create, described for the refusal (None: nothing)."""
    if not marked:
        for model, what in (
            (User, "an account"),
            (Patient, "a patient"),
            (ProcedureSession, "a session"),
        ):
            if db.scalar(select(model.id).limit(1)) is not None:
                return what
        return None
    account = db.scalar(
        select(User.username)
        .where(User.username != DEMO_ADMIN, User.username.not_like(f"{DEMO_CLINICIAN_PREFIX}%"))
        .limit(1)
    )
    if account is not None:
        return "an account"
    patient = db.scalar(
        select(Patient.id).where(Patient.mrn.not_like(f"{DEMO_MRN_PREFIX}%")).limit(1)
    )
    return "a patient" if patient is not None else None
