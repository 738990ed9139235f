"""Providers (users who document sessions): find, list, and add the ones an import names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.clinical.validation import validate_provider
from tpi_desk.models.people import User
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.permissions import Action, Actor, authorize
from tpi_desk.services.sessions.record_mapping import provider_record
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

# Credentials that make a user a physician; anything else documenting sessions is an NP/PA.
PHYSICIAN_CREDENTIALS = frozenset({"MD", "DO"})


def role_for_credentials(credentials: str) -> Role:
    words = {word.strip(" .").upper() for word in credentials.replace(",", " ").split()}
    return Role.PHYSICIAN if words & PHYSICIAN_CREDENTIALS else Role.NURSE_PRACTITIONER


class ProviderService:
    """Providers as the session editor and the import see them; ``actor=None`` is the local
    operator of a command-line tool."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def add(
        self, facts: ProviderFacts, role: Role | None = None, *, actor: Actor | None = None
    ) -> ProviderRecord:
        """The provider with ``facts.username``, added without a password if unknown (give
        it one with ``UserService.reset_password`` so it can sign in)."""
        with refusals_audited(self._session_factory, actor, "add a provider", "user"):
            authorize(actor, Action.MANAGE_USERS, local_operator=True)
        problems = validate_provider(facts)
        if problems:
            raise ValidationFailed(problems)
        return run_unit_of_work(
            self._session_factory,
            "add the provider",
            lambda db: provider_record(find_or_add_provider(db, facts, role, actor=actor)),
        )

    def clinicians(self, *, actor: Actor | None = None) -> list[ProviderRecord]:
        """Active users who may document sessions, by name."""
        with refusals_audited(self._session_factory, actor, "list providers", "user"):
            authorize(actor, Action.VIEW_CLINICAL, local_operator=True)
        query = (
            select(User)
            .where(User.active, User.role.in_([Role.PHYSICIAN, Role.NURSE_PRACTITIONER]))
            .order_by(User.display_name)
        )
        with database_errors_as_user_errors("list providers"), self._session_factory() as db:
            return [provider_record(row) for row in db.scalars(query)]


def find_or_add_provider(
    db: Session, facts: ProviderFacts, role: Role | None = None, *, actor: Actor | None = None
) -> User:
    """The user with ``facts.username``, added (without a password) if unknown (audited)."""
    row = db.scalar(select(User).where(User.username == facts.username))
    if row is None:
        row = User(
            username=facts.username,
            display_name=facts.display_name,
            credentials=facts.credentials,
            npi=facts.npi,
            acupuncture_certified=facts.acupuncture_certified,
            role=role or role_for_credentials(facts.credentials),
            active=True,
        )
        db.add(row)
        db.flush()
        record_event(db, actor, AuditAction.USER_ADD, "user", row.id, f"{row.username} as provider")
    return row
